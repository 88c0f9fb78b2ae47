from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from apps.core.access import admin_required, portal_required, staff_required
from apps.core.confirmations import PlanChanged
from apps.core.errors import DomainError, NotPermitted
from apps.core.filters import for_page
from apps.core.formatting import format_date
from apps.core.nav import settings_tabs
from apps.program.models import ExchangeRate, Tier
from apps.program.money import base_currency, exchange_rate_save

from . import selectors
from .filters import TierProposalFilter
from .forms import ExchangeRateForm, TierForm
from .models import ProposalStatus, TierProposal
from .services import (
    MAX_BULK,
    default_move_to,
    proposal_transition,
    proposals_approve,
    proposals_approve_plan,
    tier_delete,
    tier_delete_plan,
    tier_move_choices,
)
from .services.deletion import partners_sentence

# --- tier configuration (admins) ------------------------------------------------------------------


@admin_required
def tier_settings(request):
    return render(
        request,
        "tiers/settings.html",
        {
            "tiers": list(selectors.tiers()),
            "base_currency": base_currency(),
            "tabs": settings_tabs(),
            "tab": "tiers:settings",
        },
    )


def _save_tier(request, form, template, context):
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                tier = form.save()
        except IntegrityError:  # another admin took the name or rank meanwhile
            form.add_error(
                None, _("Another tier took this name or rank meanwhile. Check and save again.")
            )
        else:
            messages.success(request, _("Tier %(name)s saved.") % {"name": tier.name})
            return redirect("tiers:settings")
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


@admin_required
def tier_create(request):
    form = TierForm(request.POST or None)
    return _save_tier(request, form, "tiers/tier_form.html", {"base_currency": base_currency()})


@admin_required
def tier_edit(request, pk: int):
    tier = get_object_or_404(Tier, pk=pk)
    form = TierForm(request.POST or None, instance=tier)
    return _save_tier(
        request, form, "tiers/tier_form.html", {"tier": tier, "base_currency": base_currency()}
    )


@admin_required
def tier_delete_view(request, pk: int):
    """Deleting a tier, in two steps: the page shows what it does (the partners on the tier and
    the tier they move to, the proposals withdrawn); the POST carrying that plan's fingerprint
    does it, or shows the new plan (409) when it changed meanwhile."""
    tier = get_object_or_404(Tier, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    choices = tier_move_choices(tier)
    raw = data.get("move_to")
    if raw is None and request.method == "GET":
        move_to = default_move_to(tier)
    elif raw in (None, ""):
        move_to = None
    else:
        move_to = next((t for t in choices if str(t.pk) == raw), None)
        if move_to is None:
            return _delete_page(
                request,
                tier_delete_plan(tier=tier),
                choices,
                error=_("Choose one of the other tiers for its partners."),
                status=400,
            )
    if request.method != "POST":
        return _delete_page(request, tier_delete_plan(tier=tier, move_to=move_to), choices)
    confirmed = request.POST.get("confirmed") or None
    try:
        plan = tier_delete(tier=tier, move_to=move_to, actor=request.user, confirmed=confirmed)
    except PlanChanged as exc:
        return _delete_page(request, exc.plan, choices, error=exc.detail, status=409)
    except DomainError as exc:
        plan = tier_delete_plan(tier=tier, move_to=move_to)
        return _delete_page(request, plan, choices, error=exc.detail, unmet=exc.unmet, status=409)
    message = _("Tier %(tier)s deleted.") % {"tier": tier.name}
    if plan.partners and plan.move_to is not None:
        message += " " + ngettext(
            "%(count)s partner moved to %(to)s.",
            "%(count)s partners moved to %(to)s.",
            len(plan.partners),
        ) % {"count": len(plan.partners), "to": plan.move_to.name}
    if plan.proposals:
        message += " " + ngettext(
            "%(count)s open proposal withdrawn.",
            "%(count)s open proposals withdrawn.",
            len(plan.proposals),
        ) % {"count": len(plan.proposals)}
    messages.success(request, message)
    return redirect("tiers:settings")


def _delete_page(request, plan, choices, *, error: str = "", unmet=None, status: int = 200):
    return render(
        request,
        "tiers/confirm_delete.html",
        {
            "tier": plan.tier,
            "plan": plan,
            "choices": choices,
            "partners_sentence": partners_sentence(plan) if plan.partners else "",
            "unmet": unmet if unmet is not None else plan.unmet,
            "error": error,
        },
        status=status,
    )


# --- exchange rates (admins) ---------------------------------------------------------------------


def _rate_saved(rate: ExchangeRate) -> str:
    return _("Rate for %(code)s from %(day)s saved.") % {
        "code": rate.currency,
        "day": format_date(rate.effective_date),
    }


@admin_required
def rates(request):
    base = base_currency()
    form = ExchangeRateForm(request.POST or None, base_currency=base)
    if request.method == "POST" and form.is_valid():
        rate = exchange_rate_save(rate=form.save(commit=False))
        messages.success(request, _rate_saved(rate))
        return redirect("tiers:rates")
    page = Paginator(selectors.exchange_rates(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tiers/rates.html",
        {
            "form": form,
            "page": page,
            "base_currency": base,
            "tabs": settings_tabs(),
            "tab": "tiers:rates",
        },
        status=400 if form.errors else 200,
    )


@admin_required
def rate_edit(request, pk: int):
    rate = get_object_or_404(ExchangeRate, pk=pk)
    base = base_currency()
    form = ExchangeRateForm(request.POST or None, instance=rate, base_currency=base)
    if request.method == "POST" and form.is_valid():
        exchange_rate_save(rate=form.save(commit=False))
        messages.success(request, _rate_saved(rate))
        return redirect("tiers:rates")
    return render(
        request,
        "tiers/rate_form.html",
        {"form": form, "rate": rate, "base_currency": base},
        status=400 if form.errors else 200,
    )


@admin_required
@require_POST
def rate_delete(request, pk: int):
    rate = get_object_or_404(ExchangeRate, pk=pk)
    rate.delete()
    messages.success(
        request,
        _("Rate for %(code)s from %(day)s deleted.")
        % {"code": rate.currency, "day": format_date(rate.effective_date)},
    )
    return redirect("tiers:rates")


# --- the proposals queue (managers) ------------------------------------------------------------------

STATUS_TABS = [
    (ProposalStatus.OPEN, "Open"),
    (ProposalStatus.APPROVED, "Approved"),
    (ProposalStatus.DISMISSED, "Dismissed"),
    (ProposalStatus.WITHDRAWN, "Withdrawn"),
]


@staff_required
def proposal_list(request):
    params = request.GET.copy()
    params.setdefault("status", ProposalStatus.OPEN)  # the queue opens on what waits
    filters = TierProposalFilter(params, queryset=TierProposal.objects.all())
    found, http_status = for_page(filters)
    status = params["status"]
    page = Paginator(selectors.proposals(status, found), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tiers/proposals.html",
        {
            "page": page,
            "status": status,
            "tabs": STATUS_TABS,
            "filter_errors": filters.errors,
        },
        status=http_status,
    )


@staff_required
@require_POST
def proposal_act(request, pk: int, name: str):
    proposal = get_object_or_404(TierProposal.objects.select_related("partner"), pk=pk)
    error = ""
    if name not in ("approve", "dismiss"):
        error = _("There is no action called “%(name)s”.") % {"name": name}
    else:
        note = request.POST.get("note", "")[:500]
        if "\x00" in note:  # PostgreSQL stores no NUL in text
            error = _("The note cannot contain a NUL character.")
        else:
            try:
                proposal = proposal_transition(
                    proposal=proposal, name=name, actor=request.user, note=note
                )
            except NotPermitted as exc:
                error = exc.detail
            except DomainError as exc:
                error = exc.detail
    if request.htmx:
        proposal = (
            TierProposal.objects.select_related("partner", "decided_by").filter(pk=pk).first()
        )
        return render(
            request,
            "tiers/_proposal_row.html",
            {"p": proposal, "error": error},
            status=200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _decided(proposal, name))
    return redirect("tiers:proposals")


_DECIDED = {
    ("promotion", "approve"): gettext_lazy("Promotion of %(partner)s to %(tier)s approved."),
    ("promotion", "dismiss"): gettext_lazy("Promotion of %(partner)s to %(tier)s dismissed."),
    ("demotion", "approve"): gettext_lazy("Demotion of %(partner)s to %(tier)s approved."),
    ("demotion", "dismiss"): gettext_lazy("Demotion of %(partner)s to %(tier)s dismissed."),
}


def _decided(proposal: TierProposal, name: str) -> str:
    sentence = _DECIDED[(proposal.direction, name)]
    return sentence % {"partner": proposal.partner.name, "tier": proposal.proposed_label}


def _chosen_ids(data) -> tuple[list[int], str]:
    """The proposal ids chosen on the queue (the checkboxes), or why they cannot be read."""
    raw = data.getlist("proposal")
    if not raw:
        return [], _("Choose at least one proposal to approve.")
    if len(raw) > MAX_BULK:
        return [], _("Choose at most %(count)s proposals at once.") % {"count": MAX_BULK}
    if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in raw):
        return [], _("The chosen proposals could not be read; choose them again.")
    return sorted({int(value) for value in raw}), ""


@staff_required
def proposals_bulk_approve(request):
    """Approving several proposals at once, in two steps: the page lists which partners move
    from which tier to which (and which cannot be approved, and why); the POST carrying that
    plan's fingerprint approves exactly those, or shows the new plan (409) when it changed."""
    data = request.POST if request.method == "POST" else request.GET
    ids, error = _chosen_ids(data)
    if error:
        return render(
            request, "tiers/confirm_bulk_approve.html", {"plan": None, "error": error}, status=400
        )
    note = data.get("note", "")[:500].replace("\x00", "")
    if request.method == "POST":
        try:
            plan = proposals_approve(
                ids=ids, actor=request.user, confirmed=request.POST.get("confirmed", ""), note=note
            )
        except PlanChanged as exc:
            return _bulk_page(request, exc.plan, ids, note, error=exc.detail, status=409)
        except (DomainError, NotPermitted) as exc:
            return _bulk_page(
                request, proposals_approve_plan(ids=ids), ids, note, error=exc.detail, status=409
            )
        messages.success(
            request,
            ngettext(
                "%(count)s tier change approved.",
                "%(count)s tier changes approved.",
                len(plan.moves),
            )
            % {"count": len(plan.moves)},
        )
        return redirect("tiers:proposals")
    return _bulk_page(request, proposals_approve_plan(ids=ids), ids, note)


def _bulk_page(request, plan, ids, note, *, error: str = "", status: int = 200):
    return render(
        request,
        "tiers/confirm_bulk_approve.html",
        {"plan": plan, "ids": ids, "note": note, "error": error},
        status=status,
    )


# --- portal --------------------------------------------------------------------------------------


@portal_required
def portal_tier(request):
    progress = selectors.tier_progress(request.user.partner)
    return render(request, "tiers/portal_tier.html", {**progress, "progress_ctx": progress})
