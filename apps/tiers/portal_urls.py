# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import views

urlpatterns = [path("tier/", views.portal_tier, name="tier")]
