"""/partners/find/: the public partner locator, no sign-in (partneros/urls.py mounts it before
the partners app's pages)."""

from django.urls import path

from . import views

app_name = "find"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("match/", views.find, name="find"),
    path("thanks/", views.thanks, name="thanks"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/logo/", views.logo, name="logo"),
]
