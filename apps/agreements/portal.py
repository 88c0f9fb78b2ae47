"""Portal pages: a partner's agreements, read and signed by its own users."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import transitions
from apps.core.access import (
    READS_AGREEMENTS,
    SIGNS_AGREEMENTS,
    partner_role_required,
    portal_required,
)
from apps.core.clients import client_address
from apps.core.errors import DomainError, InvalidInput, NotPermitted

from .forms import SignForm
from .selectors import visible_agreements
from .services import agreement_transition


@portal_required
@partner_role_required(READS_AGREEMENTS)
def agreements(request):
    rows = visible_agreements(request.user).order_by("-start_date", "-id")
    return render(request, "agreements/portal_list.html", {"agreements": rows})


def _render_detail(request, agreement, form=None, error=None, status=200):
    if form is None and agreement.status == "sent":
        form = SignForm(
            initial={
                "signed_by_name": request.user.get_full_name(),
                "document_sha256": agreement.document_sha256,
            }
        )
    return render(
        request,
        "agreements/portal_detail.html",
        {"agreement": agreement, "form": form, "error": error},
        status=status,
    )


@portal_required
@partner_role_required(READS_AGREEMENTS)
def agreement_detail(request, pk: int):
    agreement = get_object_or_404(visible_agreements(request.user), pk=pk)
    return _render_detail(request, agreement)


@portal_required
@partner_role_required(SIGNS_AGREEMENTS)
@require_POST
def agreement_sign(request, pk: int):
    agreement = get_object_or_404(visible_agreements(request.user), pk=pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, agreement, form=form, status=400)
    try:
        agreement_transition(
            agreement=agreement,
            name="sign",
            actor=request.user,
            signed_by_name=form.cleaned_data["signed_by_name"],
            document_sha256=form.cleaned_data["document_sha256"],
            address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except InvalidInput as exc:
        for field, errors in exc.errors.items():
            for e in errors:
                # the fingerprint is a hidden field: its error is the form's
                form.add_error(field if field == "signed_by_name" else None, e)
        return _render_detail(request, agreement, form=form, status=400)
    except (DomainError, NotPermitted) as exc:
        agreement.refresh_from_db()
        return _render_detail(request, agreement, error=exc.detail, status=409)
    messages.success(
        request,
        _("Signed. The agreement is now %(state)s.")
        % {"state": transitions.state_label(agreement, "status", agreement.status)},
    )
    return redirect("portal:agreement_detail", pk=agreement.pk)
