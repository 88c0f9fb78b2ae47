"""What the manager pages and the portal's Team pages share: the contact form, the invitation
form, their error handling. Each door resolves the partner (any, or the caller's own) first."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.confirmations import PlanChanged
from apps.core.errors import DomainError, InvalidInput, NotPermitted

from .forms import ContactForm, InvitationForm
from .models import Contact
from .services import (
    access_revocation_plan,
    access_revoke,
    contact_create,
    contact_delete,
    contact_update,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)


def form_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def contact_initial(contact: Contact | None) -> dict | None:
    if contact is None:
        return None
    return {k: getattr(contact, k) for k in ("name", "email", "phone", "title", "roles", "notes")}


def contact_form_page(
    request, form: ContactForm, *, partner, contact: Contact | None, back: str, base: str
):
    """Add (contact None) or edit a contact of `partner` with the view's bound form; `back` is
    where it returns to."""
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                contact = contact_create(partner=partner, actor=request.user, **form.cleaned_data)
            else:
                contact_update(contact=contact, actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form_errors(form, exc)
        except NotPermitted as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": contact.name})
            return redirect(back)
    return render(
        request,
        "people/contact_form.html",
        {"form": form, "partner": partner, "contact": contact, "back": back, "base": base},
        status=400 if form.errors else 200,
    )


def invite_page(request, form: InvitationForm, *, partner, back: str, base: str):
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                partner=partner,
                email=data["email"],
                partner_role=data["partner_role"],
                contact=data["contact"],
                invited_by=request.user,
            )
        except InvalidInput as exc:
            form_errors(form, exc)
        except (DomainError, NotPermitted) as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(back)
    return render(
        request,
        "people/invite.html",
        {"form": form, "partner": partner, "back": back, "base": base},
        status=400 if form.errors else 200,
    )


def run_and_report(request, action, *, done: str, back: str):
    """Run a one-button act (resend, revoke, deactivate, change a role) and say how it went."""
    try:
        action()
    except InvalidInput as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done)
    return redirect(back)


def resend(request, invitation, *, back: str):
    return run_and_report(
        request,
        lambda: invitation_resend(invitation=invitation, actor=request.user),
        done=_("A new link went to %(email)s; the old one no longer works.")
        % {"email": invitation.email},
        back=back,
    )


def revoke(request, invitation, *, back: str):
    return run_and_report(
        request,
        lambda: invitation_revoke(invitation=invitation, actor=request.user),
        done=_("The invitation of %(email)s is withdrawn.") % {"email": invitation.email},
        back=back,
    )


def remove_contact(request, contact: Contact, *, back: str):
    return run_and_report(
        request,
        lambda: contact_delete(contact=contact, actor=request.user),
        done=_("Removed %(name)s.") % {"name": contact.name},
        back=back,
    )


def revoke_access_page(request, user, *, back: str, base: str):
    """Taking a partner user's access away, in two steps: a GET (or a POST without a
    confirmation, as the list's button sends) shows what it does; the POST carrying that plan's
    fingerprint does it. If it changed meanwhile, the new plan is shown to confirm again (409)."""
    confirmed = request.POST.get("confirmed", "") if request.method == "POST" else ""
    changed = ""
    if confirmed:
        try:
            access_revoke(user=user, actor=request.user, confirmed=confirmed)
        except PlanChanged as exc:
            plan, changed = exc.plan, exc.detail
        except (DomainError, NotPermitted) as exc:
            messages.error(request, exc.detail)
            return redirect(back)
        else:
            messages.success(
                request,
                _("%(user)s no longer has access; their sessions have ended.")
                % {"user": user.username},
            )
            return redirect(back)
    else:
        plan = access_revocation_plan(user=user)
    return render(
        request,
        "people/confirm_revoke.html",
        {"plan": plan, "person": user, "error": changed, "back": back, "base": base},
        status=409 if changed else 200,
    )
