from django.urls import path

from . import views

app_name = "deals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/decide/", views.dispute_decide, name="dispute_decide"),
    path("<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("<int:pk>/reject-preview/", views.reject_preview, name="reject_preview"),
    path(
        "<int:pk>/extension-requests/<int:request_pk>/decide/",
        views.decide_extension,
        name="decide_extension",
    ),
]
