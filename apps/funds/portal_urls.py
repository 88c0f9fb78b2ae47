# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal, portal_earnings

urlpatterns = [
    path("funds/", portal.my_funds, name="funds"),
    path("funds/request/", portal.request_new, name="fund_request_new"),
    path("funds/requests/<int:pk>/", portal.request_detail, name="fund_request"),
    path("funds/requests/<int:pk>/claim/", portal.claim, name="fund_claim"),
    path("funds/requests/<int:pk>/edit/", portal.request_edit, name="fund_request_edit"),
    path("funds/requests/<int:pk>/files/", portal.file_upload, name="fund_file_upload"),
    path("funds/requests/<int:pk>/files/<int:file_pk>/", portal.file_download, name="fund_file"),
    path("funds/requests/<int:pk>/<slug:name>/", portal.request_act, name="fund_request_act"),
    path("earnings/", portal_earnings.my_earnings, name="earnings"),
]
