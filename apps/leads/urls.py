from django.urls import path

from . import views

app_name = "leads"
urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.create, name="create"),
    path("export.csv", views.export, name="export"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("settings/", views.lead_settings, name="settings"),
    path("settings/reject-reasons/new/", views.reject_reason_edit, name="reject_reason_create"),
    path("settings/reject-reasons/<int:pk>/", views.reject_reason_edit, name="reject_reason_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:name>/", views.action, name="action"),
]
