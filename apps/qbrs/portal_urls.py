# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("qbrs/", portal.qbrs, name="qbrs"),
    path("qbrs/<int:pk>/", portal.qbr_detail, name="qbr_detail"),
    path(
        "qbrs/action-items/<int:pk>/done/",
        portal.action_item_done,
        name="qbr_action_item_done",
    ),
]
