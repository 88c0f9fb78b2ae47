from importlib import import_module

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [path("", views.home, name="home")]
for _app in ["partners", "agreements", "deals", "qbrs", "program", "tiers", "exchange"]:
    urlpatterns += import_module(f"apps.{_app}.portal_urls").urlpatterns
