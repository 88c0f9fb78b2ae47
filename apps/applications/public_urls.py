"""/apply/: the public application, no sign-in (partneros/urls.py mounts it beside the app)."""

from django.urls import path

from . import views

app_name = "apply"
urlpatterns = [
    path("", views.apply, name="form"),
    path("received/", views.received, name="received"),
]
