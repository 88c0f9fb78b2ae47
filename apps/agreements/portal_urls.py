# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("agreements/", portal.agreements, name="agreements"),
    path("agreements/<int:pk>/", portal.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/sign/", portal.agreement_sign, name="agreement_sign"),
]
