"""The vendor's lead pages: the board by status, a lead with its routing history and the same
customer's registrations and leads, new leads, the routing rules, the CSV export."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import admin_required, staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.nav import settings_tabs

from .configure import lead_settings_update, reject_reason_save
from .filters import LeadFilter
from .forms import (
    AssignForm,
    CloseForm,
    LeadForm,
    LeadSettingsForm,
    RejectReasonForm,
    RuleForm,
)
from .models import Lead, LeadSettings, RejectReason, RoutingRule, Source, Status
from .selectors import leads_for, same_customer, with_history
from .services import lead_assign, lead_close, lead_create, lead_recall, lead_route

PAGE_SIZE = 25
EXPORT_FIELDS = [
    "id", "company", "domain", "country", "contact_name", "contact_email", "product",
    "estimated_value", "currency", "source", "status", "partner", "accept_by", "created_at",
    "registration", "registration_status",
]  # fmt: skip


def _form_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@staff_required
def board(request):
    filters = LeadFilter(
        request.GET or {"status": "open"}, queryset=leads_for(request.user), request=request
    )
    rows, http_status = for_page(filters)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = dict(Lead.objects.values_list("status").annotate(n=Count("pk")).order_by())
    columns = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    return render(
        request,
        "leads/board.html",
        {
            "page": page,
            "filters": filters,
            "columns": columns,
            "status": request.GET.get("status", "open"),
            "now": timezone.now(),
        },
        status=http_status,
    )


@staff_required
def detail(request, pk: int):
    lead = get_object_or_404(with_history(leads_for(request.user)), pk=pk)
    return render(
        request,
        "leads/detail.html",
        {
            "lead": lead,
            "history": list(lead.assignments.all()),
            "customer": same_customer(lead),
            "assign_form": AssignForm(),
            "close_form": CloseForm(),
            "now": timezone.now(),
        },
    )


@staff_required
def create(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        route = data.pop("route")
        try:
            lead = lead_create(data=data, source=Source.MANUAL, actor=request.user, route=route)
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Lead added: %s.") % lead.get_status_display())
            return redirect("leads:detail", pk=lead.pk)
    return render(request, "leads/form.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
@require_POST
def action(request, pk: int, name: str):
    lead = get_object_or_404(leads_for(request.user), pk=pk)
    try:
        if name == "assign":
            form = AssignForm(request.POST)
            if not form.is_valid():
                raise InvalidInput({"partner": [_("Choose an active partner.")]})
            lead_assign(lead=lead, partner=form.cleaned_data["partner"], actor=request.user)
        elif name == "recall":
            lead_recall(lead=lead, actor=request.user, reroute=request.POST.get("reroute") == "1")
        elif name == "route":
            if lead_route(lead=lead, now=timezone.now(), actor=request.user) is None:
                messages.warning(request, _("No active partner matches: assign it by hand."))
        elif name == "close":
            close = CloseForm(request.POST)
            reason = close.cleaned_data["reason"] if close.is_valid() else ""
            lead_close(lead=lead, actor=request.user, reason=reason)
        else:
            return HttpResponse(status=404)
    except DomainError as exc:
        messages.error(request, exc.detail)
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    except NotPermitted as exc:
        messages.error(request, exc.detail)
    return redirect("leads:detail", pk=lead.pk)


@staff_required
def export(request):
    filters = LeadFilter(request.GET, queryset=leads_for(request.user), request=request)
    if not filters.is_valid():
        return HttpResponse(_("Unknown filter value."), status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leads.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    writer = csv.writer(response)
    writer.writerow(EXPORT_FIELDS)
    for lead in filters.qs.order_by("-created_at", "-id").iterator(chunk_size=500):
        row = []
        for field in EXPORT_FIELDS:
            value = getattr(lead, f"{field}_id" if field in ("partner", "registration") else field)
            row.append(_cell("" if value is None else str(value)))
        writer.writerow(row)
    return response


def _cell(text: str) -> str:
    """A spreadsheet never runs a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_required
def rules(request):
    return render(
        request,
        "leads/rules.html",
        {
            "rules": RoutingRule.objects.select_related("min_tier").prefetch_related(
                "partner_types"
            ),
            "settings": LeadSettings.get(),
            "tabs": settings_tabs() if request.user.is_admin else [],
            "tab": "leads:rules",
        },
    )


@admin_required
def rule_edit(request, pk: int | None = None):
    rule = get_object_or_404(RoutingRule, pk=pk) if pk is not None else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Routing rule saved."))
        return redirect("leads:rules")
    return render(
        request,
        "leads/rule_form.html",
        {"form": form, "rule": rule},
        status=400 if form.errors else 200,
    )


@admin_required
def lead_settings(request):
    """The program settings' Lead settings tab: the clock, the cap, and the reject reasons."""
    # Read, not created: a refused post writes nothing.
    form = LeadSettingsForm(request.POST or None, instance=LeadSettings.read())
    if request.method == "POST" and form.is_valid():
        try:
            lead_settings_update(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Lead settings saved."))
            return redirect("leads:settings")
    return render(
        request,
        "leads/settings.html",
        {
            "form": form,
            "reasons": RejectReason.objects.order_by("order", "label"),
            "tabs": settings_tabs(),
            "tab": "leads:settings",
        },
        status=400 if form.errors else 200,
    )


@admin_required
def reject_reason_edit(request, pk: int | None = None):
    reason = get_object_or_404(RejectReason, pk=pk) if pk is not None else None
    form = RejectReasonForm(request.POST or None, instance=reason)
    if request.method == "POST" and form.is_valid():
        try:
            reject_reason_save(actor=request.user, reason=reason, **form.cleaned_data)
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Reject reason saved."))
            return redirect("leads:settings")
    return render(
        request,
        "program/edit.html",
        {
            "form": form,
            "title": _("Reject reason"),
            "back": "leads:settings",
            "obj": reason,
            "tabs": settings_tabs(),
            "tab": "leads:settings",
        },
        status=400 if form.errors else 200,
    )
