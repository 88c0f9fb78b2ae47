"""Portal pages: a partner user registers deals and follows their company's registrations."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.access import WORKS_DEALS, partner_role_required, portal_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.throttles import per_user, throttle
from apps.program.models import ProgramSettings

from .conversation import conversation_context
from .filters import portal_filter
from .forms import ExtensionRequestForm, RegistrationForm
from .models import ExtensionRequest, Status
from .normalize import InvalidDomain, normalize_domain
from .selectors import (
    domain_standing,
    own_open_registration,
    partner_told_of_conflict,
    registrations_for,
    review_clock,
    stored_conflict_counts,
)
from .services import (
    DuplicateRegistration,
    PartnerInactive,
    extension_request_create,
    registration_create,
    registration_transition,
)

PAGE_SIZE = 25


@portal_required
def deal_list(request):
    filters = portal_filter(request.user, request.GET)
    found, http_status = for_page(filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    regs = list(page.object_list)
    # Found on submission: no similarity query here; partner users learn only whether.
    conflicts = stored_conflict_counts(regs, cap=0)
    now, sla = timezone.now(), ProgramSettings.get().review_sla_hours
    rows = [
        {
            "reg": r,
            "clock": review_clock(r, now, sla),
            "conflict": partner_told_of_conflict(r, conflicts[r.pk]),
        }
        for r in regs
    ]
    return render(
        request,
        "deals/portal/list.html",
        {
            "page": page,
            "rows": rows,
            "now": now,
            "statuses": Status.choices,
            "filter_errors": filters.errors,
            "status": request.GET.get("status", ""),
            "q": request.GET.get("q", ""),
        },
        status=http_status,
    )


@portal_required
@partner_role_required(WORKS_DEALS)
def deal_new(request):
    partner = request.user.partner
    active = partner.is_active_partner
    status = 200
    duplicate = None
    if request.method == "POST":
        form = RegistrationForm(request.POST, partner_id=partner.pk)
        if form.is_valid():
            try:
                reg = registration_create(
                    partner=partner, submitted_by=request.user, data=form.cleaned_data
                )
            except PartnerInactive as exc:
                form.add_error(None, exc.detail)
                status = 409
            except DuplicateRegistration as exc:
                form.add_error("customer_domain", exc.detail)
                duplicate = exc.extra["registration"]
                status = 409
            except InvalidInput as exc:
                for field, msgs in exc.errors.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "Registration submitted. Your partner manager reviews it; you will be "
                        "told the outcome."
                    ),
                )
                return redirect("portal:deal_detail", pk=reg.pk)
        else:
            status = 400
    else:
        form = RegistrationForm(
            initial={"currency": ProgramSettings.get().base_currency}, partner_id=partner.pk
        )
    return render(
        request,
        "deals/portal/new.html",
        {
            "form": form,
            "active": active,
            "duplicate": duplicate,
            "sla_hours": ProgramSettings.get().review_sla_hours,
        },
        status=status,
    )


@portal_required
@partner_role_required(WORKS_DEALS)
@require_GET
@throttle("deal_hint", key=per_user)
def deal_hint(request):
    """Whether the customer is already registered or protected — never by whom. At a person's
    pace: a partner user screening a list of prospects against other partners' registrations
    meets the "deal_hint" rate (429, said in the hint's place)."""
    raw = (request.GET.get("customer_domain") or "").strip()[:2000]
    hint: dict[str, object] = {"state": "empty"}
    if raw:
        try:
            domain = normalize_domain(raw)
        except InvalidDomain as exc:
            hint = {"state": "invalid", "message": str(exc)}
        else:
            hint = {
                "state": domain_standing(domain) or "free",
                "domain": domain,
                # Their own open claim is linked, since it is theirs (a second one is refused).
                "own": own_open_registration(request.user.partner_id, domain),
            }
    return render(request, "deals/portal/_hint.html", {"hint": hint})


def _own(request, pk: int):
    return get_object_or_404(registrations_for(request.user), pk=pk)


@portal_required
def deal_detail(request, pk: int, extension_form=None, status=200):
    reg = _own(request, pk)
    rules = ProgramSettings.get()
    return render(
        request,
        "deals/portal/detail.html",
        {
            "reg": reg,
            "now": timezone.now(),
            "clock": review_clock(reg, timezone.now(), rules.review_sla_hours),
            "conflict": partner_told_of_conflict(reg, stored_conflict_counts([reg], cap=0)[reg.pk]),
            "events": reg.events.select_related("actor"),
            "pending_extension": reg.extension_requests.filter(
                status=ExtensionRequest.Decision.PENDING
            ).first(),
            "extensions_left": max(rules.max_extensions - reg.extensions_used, 0),
            "extension_form": extension_form or ExtensionRequestForm(),
            **conversation_context(request.user, reg),
        },
        status=status,
    )


@portal_required
@partner_role_required(WORKS_DEALS)
@require_POST
def deal_withdraw(request, pk: int):
    reg = _own(request, pk)
    try:
        registration_transition(registration=reg, name="withdraw", actor=request.user)
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Registration withdrawn."))
    return redirect("portal:deal_detail", pk=reg.pk)


@portal_required
@partner_role_required(WORKS_DEALS)
@require_POST
def deal_extension(request, pk: int):
    reg = _own(request, pk)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        return deal_detail(request, pk, extension_form=form, status=400)
    try:
        extension_request_create(
            registration=reg,
            requested_by=request.user,
            days=form.cleaned_data["days"],
            reason=form.cleaned_data["reason"],
        )
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    except InvalidInput as exc:
        for field, msgs in exc.errors.items():
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)
        return deal_detail(request, pk, extension_form=form, status=400)
    else:
        messages.success(request, _("Extension requested. Your partner manager decides."))
    return redirect("portal:deal_detail", pk=reg.pk)
