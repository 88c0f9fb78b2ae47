# Portal pages of this app, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import conversation, portal

urlpatterns = [
    path("registrations/", portal.deal_list, name="deals"),
    path("register/", portal.deal_new, name="deal_new"),
    path("register/hint/", portal.deal_hint, name="deal_hint"),
    path("registrations/<int:pk>/", portal.deal_detail, name="deal_detail"),
    path("registrations/<int:pk>/withdraw/", portal.deal_withdraw, name="deal_withdraw"),
    path("registrations/<int:pk>/extension/", portal.deal_extension, name="deal_extension"),
    path("registrations/<int:pk>/comments/", conversation.portal_comment, name="deal_comment"),
    path("registrations/<int:pk>/answer/", conversation.provide_info, name="deal_provide_info"),
    path(
        "registrations/<int:pk>/attachments/",
        conversation.portal_attachment_upload,
        name="deal_attachment_upload",
    ),
    path(
        "registrations/<int:pk>/attachments/<int:attachment_pk>/",
        conversation.portal_attachment,
        name="deal_attachment",
    ),
]
