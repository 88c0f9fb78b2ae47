from django.urls import path

from . import views

# Inside the "portal" namespace (apps/portal/urls.py): a partner user's own registrations.
urlpatterns = [
    path("registrations.csv", views.portal_registrations, name="registrations_csv"),
    path("team/contacts.csv", views.portal_contacts, name="team_contacts_csv"),
]
