"""Manager pages for a partner's people (the partner page's People section links here), and the
invitee's own page behind the e-mailed link."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.backends import BACKEND
from apps.accounts.models import Role
from apps.accounts.selectors import team_users
from apps.core.access import staff_required
from apps.core.errors import InvalidInput
from apps.core.throttles import throttle
from apps.partners.selectors import visible_partners

from .forms import AcceptForm, ContactForm, InvitationForm
from .models import InvitationStatus, token_digest
from .pages import (
    contact_form_page,
    contact_initial,
    form_errors,
    invite_page,
    remove_contact,
    resend,
    revoke,
    revoke_access_page,
)
from .selectors import invitation_by_token, visible_contacts, visible_invitations
from .services import (
    INVITATION_REFUSALS,
    invitation_accept,
)

STAFF_BASE = "base.html"


def _partner(request, pk: int):
    return get_object_or_404(visible_partners(request.user), pk=pk)


def _people_url(partner_id: int) -> str:
    return reverse("partners:detail", args=[partner_id]) + "#people"


@staff_required
def contact_new(request, partner_pk: int):
    partner = _partner(request, partner_pk)
    form = ContactForm(request.POST or None)
    return contact_form_page(
        request, form, partner=partner, contact=None, back=_people_url(partner.pk), base=STAFF_BASE
    )


@staff_required
def contact_edit(request, pk: int):
    contact = get_object_or_404(visible_contacts(request.user).select_related("partner"), pk=pk)
    form = ContactForm(request.POST or None, initial=contact_initial(contact))
    return contact_form_page(
        request,
        form,
        partner=contact.partner,
        contact=contact,
        back=_people_url(contact.partner_id),
        base=STAFF_BASE,
    )


@staff_required
@require_POST
def contact_remove(request, pk: int):
    contact = get_object_or_404(visible_contacts(request.user).select_related("partner"), pk=pk)
    return remove_contact(request, contact, back=_people_url(contact.partner_id))


@staff_required
def invite(request, partner_pk: int):
    partner = _partner(request, partner_pk)
    form = InvitationForm(request.POST or None, partner=partner)
    return invite_page(
        request, form, partner=partner, back=_people_url(partner.pk), base=STAFF_BASE
    )


@staff_required
@require_POST
def invitation_resend_view(request, pk: int):
    invitation = get_object_or_404(visible_invitations(request.user), pk=pk)
    return resend(request, invitation, back=_people_url(invitation.partner_id))


@staff_required
@require_http_methods(["GET", "POST"])
def user_deactivate_view(request, pk: int):
    """A manager takes a partner user's portal access away (the People section's button): first
    what it does, then, confirmed, their sessions and tokens end in that request; a company's
    last partner admin is kept."""
    user = get_object_or_404(team_users(request.user).filter(role=Role.PARTNER), pk=pk)
    return revoke_access_page(
        request, user, back=_people_url(cast(int, user.partner_id)), base=STAFF_BASE
    )


@staff_required
@require_POST
def invitation_revoke_view(request, pk: int):
    invitation = get_object_or_404(visible_invitations(request.user), pk=pk)
    return revoke(request, invitation, back=_people_url(invitation.partner_id))


# --- the invitee's page (anonymous) --------------------------------------------------------------


@throttle("invitation_accept", methods=("POST",))
def invitation_accept_view(request, token: str):
    """Choose a username and password, then land in the portal signed in. A link that is used,
    withdrawn, expired or unknown answers a page that says so (410), never a form."""
    invitation = invitation_by_token(token_digest(token))
    state = invitation.state(timezone.now()) if invitation is not None else None
    if invitation is None or state != InvitationStatus.PENDING:
        reason = INVITATION_REFUSALS.get(state or "", _("This invitation link is not valid."))
        return render(request, "people/accept_refused.html", {"reason": reason}, status=410)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except InvalidInput as exc:
            if "token" in exc.errors:
                reason = exc.errors["token"][0]
                return render(request, "people/accept_refused.html", {"reason": reason}, status=410)
            form_errors(form, exc)
        else:
            login(request, user, backend=BACKEND)
            return redirect("portal:home")
    return render(
        request,
        "people/accept.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )
