from django.urls import path

from . import views

# Inside the "portal" namespace (apps/portal/urls.py): a partner user's own registrations.
urlpatterns = [
    path("registrations.csv", views.portal_registrations, name="registrations_csv"),
    path("team/contacts.csv", views.portal_contacts, name="team_contacts_csv"),
    path("team/contacts/import/", views.portal_contacts_import, name="team_contacts_import"),
    path(
        "team/contacts/import/template.csv",
        views.portal_contacts_template,
        name="team_contacts_import_template",
    ),
    path(
        "team/contacts/import/<uuid:pk>/",
        views.portal_contacts_import_preview,
        name="team_contacts_import_preview",
    ),
    path(
        "team/contacts/import/<uuid:pk>/confirm/",
        views.portal_contacts_import_confirm,
        name="team_contacts_import_confirm",
    ),
]
