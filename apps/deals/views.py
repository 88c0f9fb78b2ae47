"""Manager pages: the review queue and the registration page (conflicts side by side)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core import transitions
from apps.core.access import admin_required, staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.formatting import format_date
from apps.core.sections import collect
from apps.partners.models import Partner
from apps.program.models import ProgramSettings

from .conversation import conversation_context
from .filters import STATUS_FILTERS, review_queue_filter
from .forms import (
    TRANSITION_FORMS,
    ExtendForm,
    ExtensionDecisionForm,
    LostForm,
    RejectForm,
    WonForm,
)
from .models import DealRegistration, ExtensionRequest, ProtectionDispute, Status
from .selectors import (
    LIST_CONFLICT_CAP,
    conflicts_for,
    review_clock,
    sla_hours,
    stored_conflict_counts,
    with_pending_extension,
)
from .services import (
    extension_request_decline,
    extension_request_grant,
    registration_transition,
)
from .services.disputes import dispute_decide as decide_dispute
from .services.disputes import open_disputes
from .services.review import partner_message, rejection_text

QUEUE_PAGE_SIZE = 50


@staff_required
def queue(request):
    params = request.GET
    filters = review_queue_filter(params)
    status = params.get("status") or Status.SUBMITTED
    rows_qs, http_status = for_page(filters)
    qs = with_pending_extension(rows_qs)
    partner_id = filters.form.cleaned_data.get("partner")
    page = Paginator(qs, QUEUE_PAGE_SIZE).get_page(params.get("page"))
    regs = list(page.object_list)
    conflicts = stored_conflict_counts(regs)  # found on submission: no similarity query here
    now, sla = timezone.now(), sla_hours()
    rows = [
        {"reg": r, "clock": review_clock(r, now, sla), "conflicts": conflicts[r.pk]} for r in regs
    ]
    return render(
        request,
        "deals/queue.html",
        {
            "page": page,
            "rows": rows,
            "sla_hours": sla,
            "conflict_cap": LIST_CONFLICT_CAP,
            # Admins are shown the claims set aside for their decision (one more query).
            "disputes_open": open_disputes().count() if request.user.is_admin else 0,
            "status": status,
            "statuses": STATUS_FILTERS,
            "filter_errors": filters.errors,
            # The partner narrowed to, if any (from a row's partner link or the partner's page).
            # No list of partners to pick from: at 10,000 partners even the ones with
            # registrations waiting number thousands (measured: 0.2 s to query and most of the
            # page to render); the search box matches partner names instead.
            "partner": Partner.objects.filter(pk=partner_id).first() if partner_id else None,
            "q": params.get("q", ""),
        },
        status=http_status,
    )


def _registration(pk: int) -> DealRegistration:
    return get_object_or_404(
        DealRegistration.objects.select_related(
            "partner", "partner__tier", "partner__manager", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def _page_context(request, reg: DealRegistration, forms: dict | None = None) -> dict:
    now = timezone.now()
    rows = transitions.describe(reg, "status", user=request.user)
    actions = {row["name"]: row for row in rows if row["name"] != "expire"}
    forms = forms or {}
    pending = reg.extension_requests.filter(status=ExtensionRequest.Decision.PENDING).first()
    return {
        "reg": reg,
        "clock": review_clock(reg, now, sla_hours()),
        "conflicts": conflicts_for([reg])[reg.pk],
        "events": reg.events.select_related("actor"),
        "pending_extension": pending,
        "extension_form": forms.get("extension")
        or ExtensionDecisionForm(initial={"days": pending.days if pending else None}),
        "extensions_left": max(ProgramSettings.get().max_extensions - reg.extensions_used, 0),
        "max_extensions": ProgramSettings.get().max_extensions,
        "actions": actions,
        "reject_form": forms.get("reject") or RejectForm(),
        "reject_preview": _reject_preview(reg, forms.get("reject")),
        "extend_form": forms.get("extend") or ExtendForm(),
        "won_form": forms.get("mark_won") or WonForm(),
        "lost_form": forms.get("mark_lost") or LostForm(),
        "now": now,
        # What the apps above show on a registration (funds: the activity credited with it).
        "sections": collect("registration_detail", request, reg),
        **conversation_context(request.user, reg),
    }


@staff_required
def detail(request, pk: int):
    reg = _registration(pk)
    return render(request, "deals/detail.html", _page_context(request, reg))


def _respond(request, reg, *, forms=None, status=200):
    if request.htmx:
        # htmx swaps only 2xx responses by default: the outcome is in the partial itself.
        return render(request, "deals/_registration.html", _page_context(request, reg, forms))
    if forms:
        return render(request, "deals/detail.html", _page_context(request, reg, forms), status=400)
    return redirect("deals:detail", pk=reg.pk)


@staff_required
@require_POST
def transition(request, pk: int, name: str):
    reg = _registration(pk)
    if name not in transitions.names(reg, "status") or name == "expire":
        raise Http404(_("No such action."))
    data = {}
    form_class = TRANSITION_FORMS.get(name)
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                _("Check the form: %(errors)s")
                % {"errors": " ".join(f"{e}" for errors in form.errors.values() for e in errors)},
            )
            return _respond(request, reg, forms={name: form})
        data = form.cleaned_data
    try:
        registration_transition(registration=reg, name=name, actor=request.user, **data)
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
        reg = _registration(pk)
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        reg = _registration(pk)
    else:
        done = {
            "approve": "Approved: the customer is protected for this partner until {until}.",
            "reject": "Rejected.",
            "extend": "Protection extended until {until}.",
            "mark_won": "Marked as won.",
            "mark_lost": "Marked as lost.",
            "withdraw": "Withdrawn.",
        }[name]
        until = format_date(reg.expires_at) if reg.expires_at else ""
        messages.success(request, done.format(until=until))
        reg = _registration(pk)
    return _respond(request, reg)


def _reject_preview(reg: DealRegistration, data) -> dict:
    """Exactly what the partner will read if the registration is rejected with this input: the
    same functions compose it as the rejection itself (services.review)."""
    data = data.data if isinstance(data, RejectForm) else (data or {})
    if not data.get("reason_code") and not (data.get("reason") or "").strip():
        return {"error": _("Pick a reason or write one: what the partner reads appears here.")}
    try:
        text = rejection_text(reason_code=data.get("reason_code"), reason=data.get("reason", ""))
    except InvalidInput as exc:
        return {"error": " ".join(m for ms in exc.errors.values() for m in ms)}
    subject, body = partner_message(reg, "reject", text)
    return {"text": text, "subject": subject, "body": body}


@staff_required
@require_GET
def reject_preview(request, pk: int):
    reg = _registration(pk)
    return render(
        request,
        "deals/_reject_preview.html",
        {"reg": reg, **_reject_preview(reg, request.GET)},
    )


@staff_required
@require_POST
def decide_extension(request, pk: int, request_pk: int):
    reg = _registration(pk)
    ext = get_object_or_404(ExtensionRequest, pk=request_pk, registration=reg)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return _respond(request, reg, forms={"extension": form})
    decision, days, reason = (form.cleaned_data[k] for k in ("decision", "days", "reason"))
    try:
        if decision == "decline":
            extension_request_decline(request=ext, actor=request.user, reason=reason)
            done = _("Extension request declined; the partner is told why.")
        else:
            if decision == "grant" and days is None:
                raise InvalidInput({"days": [_("Say how many days to grant.")]})
            extension_request_grant(
                request=ext,
                actor=request.user,
                days=days if decision == "grant" else None,
                reason=reason,
            )
            done = _("Extension granted; the partner is told.")
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    except InvalidInput as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _respond(request, _registration(pk), forms={"extension": form})
    else:
        messages.success(request, done)
    return _respond(request, _registration(pk))


@admin_required
def disputes(request):
    """Two open claims on one customer, found when customers became registrable domains."""
    return render(
        request,
        "deals/disputes.html",
        {"disputes": list(open_disputes()), "decisions": ProtectionDispute.Decision},
    )


@admin_required
@require_POST
def dispute_decide(request, pk: int):
    dispute = get_object_or_404(ProtectionDispute, pk=pk)
    try:
        decide_dispute(
            dispute=dispute, decision=request.POST.get("decision", ""), actor=request.user
        )
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, _("Decided: the other registration's claim has ended."))
    return redirect("deals:disputes")
