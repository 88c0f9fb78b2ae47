# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("leads/", portal.inbox, name="leads"),
    path("leads/<int:pk>/", portal.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/accept/", portal.accept, name="lead_accept"),
    path("leads/<int:pk>/reject/", portal.reject, name="lead_reject"),
    path("leads/<int:pk>/convert/", portal.convert, name="lead_convert"),
]
