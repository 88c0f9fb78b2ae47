from django.urls import path

from apps.core.discovery import app_modules

from . import views

app_name = "portal"
urlpatterns = [path("", views.home, name="home")]
# Each app's portal pages (apps/<app>/portal_urls.py), discovered from INSTALLED_APPS.
for _module in app_modules("portal_urls"):
    urlpatterns += _module.urlpatterns
