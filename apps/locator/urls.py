"""/locator/: a listing's logo for the staff and the partner's own admin (apps/locator/staff.py)."""

from django.urls import path

from . import staff

app_name = "locator"
urlpatterns = [path("listings/<int:pk>/logo/", staff.listing_logo, name="listing_logo")]
