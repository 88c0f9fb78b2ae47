from django.urls import path

from . import views

app_name = "program"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("base-currency/", views.base_currency, name="base_currency"),
    path("stages/", views.stages, name="stages"),
    path("playbooks/", views.playbooks, name="playbooks"),
    path("playbooks/new/", views.playbook_edit, name="playbook_new"),
    path("playbooks/<int:pk>/", views.playbook_edit, name="playbook_edit"),
    path("playbooks/<int:pk>/delete/", views.playbook_delete, name="playbook_delete"),
    path("partner-types/", views.partner_types, name="partner_types"),
    path("partner-types/new/", views.partner_type_edit, name="partner_type_new"),
    path("partner-types/<int:pk>/", views.partner_type_edit, name="partner_type_edit"),
    path("rejection-reasons/", views.rejection_reasons, name="rejection_reasons"),
    path("rejection-reasons/new/", views.rejection_reason_edit, name="rejection_reason_new"),
    path("rejection-reasons/<int:pk>/", views.rejection_reason_edit, name="rejection_reason_edit"),
]
