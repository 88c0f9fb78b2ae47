"""Portal pages: the partner's lead inbox with the acceptance clock; accept, reject with a
reason, convert to a deal registration. Contact details only after accepting."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import extra_fields
from apps.core.access import WORKS_LEADS, partner_role_required, portal_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.deals.services import EXTENDED as REGISTRATION

from .forms import ConvertForm, RejectForm
from .selectors import leads_for
from .services import EXTENDED, lead_accept, lead_convert, lead_reject

PAGE_SIZE = 25


@portal_required
@partner_role_required(WORKS_LEADS)
def inbox(request):
    qs = leads_for(request.user).order_by("status", "accept_by", "-created_at")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "leads/portal/inbox.html", {"page": page, "now": timezone.now()})


def _convert_initial(lead) -> dict:
    return {
        "product": lead.product,
        "estimated_value": lead.estimated_value or "",
        "currency": lead.currency,
        "description": lead.description,
        # The lead's own extra values (funds: its fund request) carried to the registration.
        **{n: getattr(lead, n) for n in extra_fields.names(REGISTRATION) if hasattr(lead, n)},
    }


def _lead(request, pk: int):
    return get_object_or_404(extra_fields.annotate(EXTENDED, leads_for(request.user)), pk=pk)


@portal_required
@partner_role_required(WORKS_LEADS)
def lead_detail(request, pk: int):
    lead = _lead(request, pk)
    return render(
        request,
        "leads/portal/detail.html",
        {
            "lead": lead,
            "now": timezone.now(),
            "reject_form": RejectForm(),
            "convert_form": ConvertForm(
                initial=_convert_initial(lead), partner_id=request.user.partner_id
            ),
        },
    )


@portal_required
@partner_role_required(WORKS_LEADS)
@require_POST
def accept(request, pk: int):
    lead = get_object_or_404(leads_for(request.user), pk=pk)
    try:
        lead_accept(lead=lead, actor=request.user)
        messages.success(request, _("Lead accepted: its contact details are below."))
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    return redirect("portal:lead_detail", pk=pk)


@portal_required
@partner_role_required(WORKS_LEADS)
@require_POST
def reject(request, pk: int):
    lead = _lead(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            lead_reject(
                lead=lead,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except InvalidInput as exc:
            form.add_error(None, " ".join(m for ms in exc.errors.values() for m in ms))
        except (DomainError, NotPermitted) as exc:
            messages.error(request, exc.detail)
            return redirect("portal:lead_detail", pk=pk)
        else:
            messages.success(request, _("Lead rejected: it goes to another partner."))
            return redirect("portal:leads")
    return render(
        request,
        "leads/portal/detail.html",
        {
            "lead": lead,
            "now": timezone.now(),
            "reject_form": form,
            "convert_form": ConvertForm(
                initial=_convert_initial(lead), partner_id=request.user.partner_id
            ),
        },
        status=400,
    )


@portal_required
@partner_role_required(WORKS_LEADS)
@require_POST
def convert(request, pk: int):
    lead = get_object_or_404(leads_for(request.user), pk=pk)
    form = ConvertForm(request.POST, partner_id=request.user.partner_id)
    if form.is_valid():
        try:
            registration = lead_convert(lead=lead, actor=request.user, data=form.cleaned_data)
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except (DomainError, NotPermitted) as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Registered: the lead is now a deal registration."))
            return redirect("portal:deal_detail", pk=registration.pk)
    return render(
        request,
        "leads/portal/detail.html",
        {"lead": lead, "now": timezone.now(), "reject_form": RejectForm(), "convert_form": form},
        status=400,
    )
