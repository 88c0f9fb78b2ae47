"""Manager pages of partner earnings: "Earnings" (accruals by partner and status, filtered) and
"Payout batches" (list, create with a preview, the batch with approve, export and mark paid)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core import transitions
from apps.core.access import staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page

from .filters import EarningFilter, PayoutBatchFilter
from .forms import PayForm
from .models import PayoutBatch
from .selectors import (
    batch_accruals,
    earning_totals,
    earnings_by_partner,
    earnings_for,
    payout_batches,
)
from .services import payout_batch_create, payout_batch_plan, payout_batch_transition

PAGE_SIZE = 50


class BatchPeriodForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=7,
        help_text=gettext_lazy(
            "A month (2026-11) or a quarter (2026-Q4): the day each deal was won."
        ),
    )
    expected = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)


@staff_required
def earnings(request):
    filters = EarningFilter(request.GET, queryset=earnings_for(request.user), request=request)
    qs, http_status = for_page(filters)
    page = Paginator(qs.order_by("-won_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/earnings/list.html",
        {
            "filters": filters,
            "page": page,
            "by_partner": earnings_by_partner(qs),
            "totals": earning_totals(qs),
        },
        status=http_status,
    )


@staff_required
def batches(request):
    filters = PayoutBatchFilter(request.GET, queryset=payout_batches())
    qs, http_status = for_page(filters)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/earnings/batches.html",
        {"filters": filters, "page": page},
        status=http_status,
    )


@staff_required
def batch_new(request):
    """The period first, its preview (what the batch would take), then the write of exactly it."""
    form = BatchPeriodForm(request.POST or request.GET or None)
    plan, status = None, 200
    if form.is_bound and form.is_valid():
        try:
            if request.method == "POST" and request.POST.get("by") == "write":
                batch = payout_batch_create(
                    period=form.cleaned_data["period"],
                    actor=request.user,
                    expected=form.cleaned_data["expected"] or None,
                )
                messages.success(request, _("Payout batch %(p)s written.") % {"p": batch.name})
                return redirect("funds:payout", pk=batch.pk)
            plan = payout_batch_plan(period=form.cleaned_data["period"])
        except InvalidInput as exc:
            for msgs in exc.errors.values():
                for m in msgs:
                    form.add_error("period", m)
            status = 400
        except DomainError as exc:
            form.add_error(None, exc.detail)
            plan = payout_batch_plan(period=form.cleaned_data["period"])
            status = 409
    elif form.is_bound:
        status = 400
    return render(
        request, "funds/earnings/batch_new.html", {"form": form, "plan": plan}, status=status
    )


@staff_required
def batch_detail(request, pk: int, pay_form=None, status=200):
    batch = get_object_or_404(payout_batches(), pk=pk)
    accruals = batch_accruals(batch)
    page = Paginator(accruals, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = sorted(
        (
            {
                "name": row["name"],
                "label": transitions.transition_label(batch, "status", row["name"]),
            }
            for row in transitions.describe(batch, "status", user=request.user)
            if row["allowed"]
        ),
        key=lambda a: a["name"] == "cancel",  # the way forward first, cancelling last
    )
    return render(
        request,
        "funds/earnings/batch.html",
        {
            "batch": batch,
            "page": page,
            "totals": earning_totals(accruals),
            "actions": actions,
            "pay_form": pay_form
            or PayForm(prefix="pay", initial={"paid_on": timezone.localdate()}),
        },
        status=status,
    )


@staff_required
@require_POST
def batch_transition(request, pk: int, name: str):
    batch = get_object_or_404(PayoutBatch.objects.all(), pk=pk)
    data = {}
    if name == "pay":
        form = PayForm(request.POST, prefix="pay")
        if not form.is_valid():
            return batch_detail(request, pk, pay_form=form, status=400)
        data = form.cleaned_data
    try:
        payout_batch_transition(batch=batch, name=name, actor=request.user, via="page", **data)
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, m)
        return batch_detail(request, pk, status=400)
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
        return redirect("funds:payout", pk=pk)
    messages.success(
        request,
        _("Done: %(label)s.") % {"label": transitions.transition_label(batch, "status", name)},
    )
    return redirect("funds:payout", pk=pk)
