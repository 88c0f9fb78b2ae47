from django.urls import path

from . import conversation, views

app_name = "deals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/decide/", views.dispute_decide, name="dispute_decide"),
    path("<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("<int:pk>/reject-preview/", views.reject_preview, name="reject_preview"),
    path("<int:pk>/comments/", conversation.comment, name="comment"),
    path("<int:pk>/request-info/", conversation.request_info, name="request_info"),
    path("<int:pk>/attachments/", conversation.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", conversation.attachment, name="attachment"),
    path(
        "<int:pk>/extension-requests/<int:request_pk>/decide/",
        views.decide_extension,
        name="decide_extension",
    ),
]
