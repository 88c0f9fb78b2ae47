# The portal's Team pages, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("team/", portal.team, name="team"),
    path("team/invite/", portal.team_invite, name="team_invite"),
    path("team/users/<int:pk>/role/", portal.team_role, name="team_role"),
    path("team/users/<int:pk>/deactivate/", portal.team_deactivate, name="team_deactivate"),
    path(
        "team/invitations/<int:pk>/resend/",
        portal.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path(
        "team/invitations/<int:pk>/revoke/",
        portal.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
    path("team/contacts/new/", portal.team_contact_new, name="team_contact_new"),
    path("team/contacts/<int:pk>/edit/", portal.team_contact_edit, name="team_contact_edit"),
    path("team/contacts/<int:pk>/remove/", portal.team_contact_remove, name="team_contact_remove"),
]
