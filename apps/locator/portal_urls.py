# The portal's Directory listing page, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("listing/", portal.listing, name="listing"),
]
