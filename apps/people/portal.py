"""The portal's Team page: a partner admin's own company's users, invitations and contacts."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import PartnerRole
from apps.accounts.selectors import team_users
from apps.accounts.services import user_partner_role_set
from apps.core.access import MANAGES_TEAM, partner_role_required, portal_required

from .forms import ContactForm, InvitationForm, PartnerRoleForm
from .pages import (
    contact_form_page,
    contact_initial,
    invite_page,
    remove_contact,
    resend,
    revoke,
    revoke_access_page,
    run_and_report,
)
from .selectors import contacts_of, pending_invitations, visible_contacts, visible_invitations

PORTAL_BASE = "base.html"


def _team_url() -> str:
    return reverse("portal:team")


def _admin_page(view):
    return portal_required(partner_role_required(MANAGES_TEAM)(view))


@_admin_page
def team(request):
    partner = request.user.partner
    return render(
        request,
        "people/team.html",
        {
            "partner": partner,
            "users": list(team_users(request.user)),
            "invitations": list(pending_invitations(partner, timezone.now())),
            "contacts": list(contacts_of(partner)),
            "invite_form": InvitationForm(partner=partner),
            "roles": PartnerRole.choices,
        },
    )


@_admin_page
def team_invite(request):
    partner = request.user.partner
    form = InvitationForm(request.POST or None, partner=partner)
    return invite_page(request, form, partner=partner, back=_team_url(), base=PORTAL_BASE)


@_admin_page
@require_POST
def team_role(request, pk: int):
    user = get_object_or_404(team_users(request.user), pk=pk)
    form = PartnerRoleForm(request.POST)
    role = form.cleaned_data["partner_role"] if form.is_valid() else ""
    return run_and_report(
        request,
        lambda: user_partner_role_set(user=user, partner_role=role, actor=request.user),
        done=_("%(user)s is now %(role)s.")
        % {"user": user.username, "role": PartnerRole(role).label if role else ""},
        back=_team_url(),
    )


@_admin_page
@require_http_methods(["GET", "POST"])
def team_deactivate(request, pk: int):
    user = get_object_or_404(team_users(request.user), pk=pk)
    return revoke_access_page(request, user, back=_team_url(), base=PORTAL_BASE)


@_admin_page
@require_POST
def team_invitation_resend(request, pk: int):
    invitation = get_object_or_404(visible_invitations(request.user), pk=pk)
    return resend(request, invitation, back=_team_url())


@_admin_page
@require_POST
def team_invitation_revoke(request, pk: int):
    invitation = get_object_or_404(visible_invitations(request.user), pk=pk)
    return revoke(request, invitation, back=_team_url())


@_admin_page
def team_contact_new(request):
    form = ContactForm(request.POST or None)
    return contact_form_page(
        request,
        form,
        partner=request.user.partner,
        contact=None,
        back=_team_url(),
        base=PORTAL_BASE,
    )


@_admin_page
def team_contact_edit(request, pk: int):
    contact = get_object_or_404(visible_contacts(request.user), pk=pk)
    form = ContactForm(request.POST or None, initial=contact_initial(contact))
    return contact_form_page(
        request,
        form,
        partner=request.user.partner,
        contact=contact,
        back=_team_url(),
        base=PORTAL_BASE,
    )


@_admin_page
@require_POST
def team_contact_remove(request, pk: int):
    contact = get_object_or_404(visible_contacts(request.user), pk=pk)
    return remove_contact(request, contact, back=_team_url())
