"""Manager pages: the funds overview per period, allocating, the request and claim queues, the
request page (files, history, ledger lines) and its transitions, the file download, CSV export."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import transitions
from apps.core.access import admin_required, staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.uploads import download
from apps.partners.models import Partner
from apps.program.models import Tier

from .filters import OverviewFilter, ReviewQueueFilter
from .forms import TRANSITION_FORMS, AllocationForm, PeriodForm
from .models import FundFile, FundRequest
from .selectors import period_overview, periods, queue, requests_for, return_on_funds
from .services import allocate_by_rule, allocation_create, fund_request_transition, period_create

PAGE_SIZE = 50


def _errors_into(form, exc: InvalidInput) -> None:
    for field, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


@staff_required
def overview(request):
    all_periods = list(periods())
    filters = OverviewFilter(request.GET or None, periods=all_periods)
    _, http_status = for_page(filters)
    period = filters.shown_period
    totals, allocations = period_overview(period) if period else ({}, [])
    returns = (
        return_on_funds(
            FundRequest.objects.filter(allocation__period=period), today=timezone.localdate()
        )
        if period
        else None
    )
    return render(
        request,
        "funds/overview.html",
        {
            "periods": all_periods,
            "period": period,
            "totals": totals,
            "allocations": allocations,
            "returns": returns,
            "filter_errors": filters.errors,
        },
        status=http_status,
    )


@admin_required
def period_new(request):
    form = PeriodForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                period = period_create(actor=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                _errors_into(form, exc)
                status = 400
            else:
                messages.success(request, _("Fund period opened."))
                return redirect(f"{_overview_url()}?period={period.pk}")
        else:
            status = 400
    return render(request, "funds/period_form.html", {"form": form}, status=status)


def _overview_url() -> str:
    return reverse("funds:overview")


def _allocate_by_hand(request, period):
    """(form, status, redirect or None)."""
    form = AllocationForm(request.POST, prefix="hand")
    if not form.is_valid():
        return form, 400, None
    partner = Partner.objects.filter(pk=form.cleaned_data["partner"]).first()
    try:
        if partner is None:
            raise InvalidInput({"partner": [_("Choose a partner.")]})
        allocation_create(
            period=period,
            partner=partner,
            amount=form.cleaned_data["amount"],
            currency=form.cleaned_data["currency"],
            claim_deadline=form.cleaned_data["claim_deadline"],
            actor=request.user,
        )
    except InvalidInput as exc:
        _errors_into(form, exc)
        return form, 400, None
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return form, 409, None
    messages.success(request, _("Allocated to %(p)s.") % {"p": partner.name})
    return form, 302, redirect(f"{_overview_url()}?period={period.pk}")


def _allocate_by_rule(request, period, rule_values: dict, deadline: str):
    """(plan, status, redirect or None): the preview and the write run the same function."""
    write = request.POST["by"] == "write"
    try:
        due = date.fromisoformat(deadline) if deadline else None
    except ValueError:
        due = None
    try:
        if due is None:
            raise InvalidInput({"claim_deadline": [_("Give the claim deadline as a date.")]})
        plan = allocate_by_rule(
            period=period,
            percents=rule_values,
            claim_deadline=due,
            actor=request.user,
            write=write,
        )
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, m)
        return None, 400, None
    except DomainError as exc:
        messages.error(request, exc.detail)
        return None, 409, None
    if not write:
        return plan, 200, None
    messages.success(request, _("%(n)s allocations written by the rule.") % {"n": plan.written})
    return plan, 302, redirect(f"{_overview_url()}?period={period.pk}")


@admin_required
def allocate(request, pk: int):
    """By hand (one partner) or by a rule over tiers (`preview`, then `write`)."""
    period = get_object_or_404(periods(), pk=pk)
    tiers = list(Tier.objects.order_by("-rank"))
    form = AllocationForm(prefix="hand")
    plan, status, done = None, 200, None
    rule_values = {t.pk: request.POST.get(f"tier_{t.pk}", "") for t in tiers}
    deadline = request.POST.get("claim_deadline", "")
    by = request.POST.get("by") if request.method == "POST" else None
    if by == "hand":
        form, status, done = _allocate_by_hand(request, period)
    elif by in ("preview", "write"):
        plan, status, done = _allocate_by_rule(request, period, rule_values, deadline)
    if done is not None:
        return done
    return render(
        request,
        "funds/allocate.html",
        {
            "period": period,
            "form": form,
            "partners": Partner.objects.order_by("name").only("id", "name")[:500],
            "tiers": [(t, rule_values[t.pk]) for t in tiers],
            "deadline": deadline,
            "plan": plan,
        },
        status=status,
    )


@staff_required
def queue_page(request):
    filters = ReviewQueueFilter(request.GET, queryset=queue())
    found, http_status = for_page(filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"r": r, "waited": r.waited(now)} for r in page.object_list]
    return render(
        request,
        "funds/queue.html",
        {"page": page, "rows": rows, "claims": filters.claims, "filter_errors": filters.errors},
        status=http_status,
    )


def _request(user, pk: int) -> FundRequest:
    return get_object_or_404(requests_for(user).select_related("requested_by"), pk=pk)


@staff_required
def request_page(request, pk: int, forms=None, status=200):
    r = _request(request.user, pk)
    rows = transitions.describe(r, "status", user=request.user)
    actions = []
    for row in rows:
        if not row["allowed"] or row["name"] in ("expire", "submit", "claim"):
            continue
        form_class, _names = TRANSITION_FORMS.get(row["name"], (None, {}))
        form = (forms or {}).get(row["name"]) or (
            form_class(prefix=row["name"], initial=_initial(r, row["name"])) if form_class else None
        )
        actions.append(
            {
                "name": row["name"],
                "label": transitions.transition_label(r, "status", row["name"]),
                "form": form,
            }
        )
    return render(
        request,
        "funds/request.html",
        {
            "r": r,
            "actions": actions,
            "files": list(r.files.all()),
            "events": list(r.events.select_related("actor")),
            "movements": list(r.movements.all()),
            "returns": return_on_funds(
                FundRequest.objects.filter(pk=r.pk), today=timezone.localdate()
            ),
        },
        status=status,
    )


def _initial(r: FundRequest, name: str) -> dict:
    if name == "approve":
        return {"amount": r.requested_amount}
    if name == "approve_claim":
        return {"amount": min(r.actual_cost or r.approved_amount, r.approved_amount)}
    if name == "pay":
        return {"paid_on": timezone.localdate()}
    return {}


@staff_required
@require_POST
def transition(request, pk: int, name: str):
    r = _request(request.user, pk)
    form_class, renames = TRANSITION_FORMS.get(name, (None, {}))
    data = {}
    form = None
    if form_class is not None:
        form = form_class(request.POST, prefix=name)
        if not form.is_valid():
            return request_page(request, pk, forms={name: form}, status=400)
        data = {renames.get(k, k): v for k, v in form.cleaned_data.items()}
    try:
        fund_request_transition(fund_request=r, name=name, actor=request.user, via="page", **data)
    except InvalidInput as exc:
        if form is None:
            raise Http404 from None
        for msgs in exc.errors.values():
            for m in msgs:
                form.add_error(None, m)
        return request_page(request, pk, forms={name: form}, status=400)
    except NotPermitted as exc:
        messages.error(request, exc.detail)
        return redirect("funds:request", pk=pk)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("funds:request", pk=pk)
    messages.success(
        request, _("Done: %(label)s.") % {"label": transitions.transition_label(r, "status", name)}
    )
    return redirect("funds:request", pk=pk)


@staff_required
def file_download(request, pk: int, file_pk: int):
    f = get_object_or_404(
        FundFile.objects.filter(request__in=requests_for(request.user)), pk=file_pk, request_id=pk
    )
    return download(f.file, filename=f.name, content_type=f.content_type)


CSV_COLUMNS = [
    "id",
    "partner",
    "period",
    "activity_type",
    "title",
    "status",
    "currency",
    "requested_amount",
    "approved_amount",
    "actual_cost",
    "claim_amount",
    "expected_leads",
    "leads_created",
    "registrations_created",
    "submitted_at",
    "claimed_at",
    "paid_on",
    "payment_reference",
]


def write_csv(qs, response) -> None:
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for r in qs.iterator(chunk_size=1000):
        writer.writerow(
            [
                r.pk,
                r.partner.name,
                r.allocation.period.name,
                r.activity_type,
                r.title,
                r.status,
                r.allocation.currency,
                r.requested_amount,
                r.approved_amount or "",
                r.actual_cost or "",
                r.claim_amount or "",
                r.expected_leads,
                "" if r.leads_created is None else r.leads_created,
                "" if r.registrations_created is None else r.registrations_created,
                r.submitted_at.isoformat() if r.submitted_at else "",
                r.claimed_at.isoformat() if r.claimed_at else "",
                r.paid_on.isoformat() if r.paid_on else "",
                r.payment_reference,
            ]
        )


@staff_required
def export_csv(request):
    """Requests and their claims, for the finance system."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fund-requests.csv"'
    qs = requests_for(request.user).order_by("created_at", "id")
    if request.GET.get("claims") == "1":
        qs = qs.filter(claimed_at__isnull=False)
    write_csv(qs, response)
    return response
