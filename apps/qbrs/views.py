"""Manager pages: the QBR list and the QBR page, where a QBR is run in place (htmx) or, without
JavaScript, by plain form posts that redirect back."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core import exits
from apps.core.access import staff_required
from apps.core.errors import DomainError, InvalidInput
from apps.core.filters import for_page

from . import charts, metrics, selectors, services
from .filters import manager_list_filter
from .forms import ActionItemForm, CompleteForm, NotesForm, ScheduleForm
from .models import QBR, ActionItem, Status

STATUS_FILTERS = [
    ("", "All"),
    ("overdue", "Overdue"),
    ("scheduled", "Scheduled"),
    ("in_progress", "In progress"),
    ("completed", "Completed"),
    ("cancelled", "Cancelled"),
]


@staff_required
@require_GET
def qbr_list(request):
    now = timezone.now()
    filters = manager_list_filter(request.user, request.GET, now=now)
    rows, http_status = for_page(filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "qbrs/list.html",
        {
            "page": page,
            "buckets": selectors.BUCKETS,
            "status": request.GET.get("status", ""),
            "mine": filters.form.cleaned_data.get("mine") is True,
            "q": filters.form.cleaned_data.get("q", ""),
            "filter_errors": filters.errors,
            "status_filters": STATUS_FILTERS,
            "now": now,
        },
        status=http_status,
    )


@staff_required
def qbr_new(request):
    initial = {}
    partner = selectors.parse_id(request.GET.get("partner"))
    if partner is not None:
        initial["partner"] = partner
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            qbr = services.qbr_schedule(
                partner=form.cleaned_data["partner"],
                scheduled_for=form.cleaned_data["scheduled_for"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        except InvalidInput as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(qbr)s scheduled with %(partner)s.")
                % {"qbr": qbr.label, "partner": qbr.partner.name},
            )
            return redirect("qbrs:detail", qbr.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "qbrs/new.html", {"form": form}, status=status)


def _add_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _page(request, pk: int) -> QBR:
    return get_object_or_404(selectors.qbr_pages(request.user), pk=pk)


def _render(request, qbr: QBR, *, notes_form=None, complete_form=None, item_form=None, status=200):
    now = timezone.now()
    live = selectors.live_metrics(qbr, now)
    shown = qbr.metrics if qbr.status == Status.COMPLETED else live
    context = {
        "qbr": qbr,
        "partner": qbr.partner,
        "now": now,
        "today": timezone.localdate(now),
        "metrics": shown,
        "metric_rows": metrics.rows(shown) if shown else [],
        "frozen": qbr.status == Status.COMPLETED,
        "charts": charts.charts(selectors.quarter_points(qbr, live)),
        "notes_form": notes_form
        or NotesForm(initial={"notes": qbr.notes, "internal_notes": qbr.internal_notes}),
        "complete_form": complete_form
        or CompleteForm(initial={"satisfaction_score": qbr.satisfaction_score}),
        "item_form": item_form or ActionItemForm(),
        "action_items": list(qbr.action_items.all()),
        "overdue": qbr.status == Status.SCHEDULED and qbr.scheduled_for < now,
    }
    if qbr.status == Status.IN_PROGRESS:
        # Outcome exit ends the partnership: what that does is shown before the click.
        effects = selectors.exit_preview(qbr, now)
        context["exit_groups"] = exits.grouped(effects)
        context["exit_fingerprint"] = exits.fingerprint(effects)
    if request.htmx:
        context["partial"] = True
        # htmx swaps only 2xx answers: a refusal comes back as the panel with its errors.
        return render(request, "qbrs/_run.html", context)
    return render(request, "qbrs/detail.html", context, status=status)


def _done(request, qbr: QBR, message: str, level=messages.SUCCESS):
    """After a post: the panel again, fresh from the database (htmx), or a redirect to it."""
    messages.add_message(request, level, message)
    if request.htmx:
        return _render(request, _page(request, qbr.pk))
    return redirect("qbrs:detail", qbr.pk)


@staff_required
@require_GET
def qbr_detail(request, pk: int):
    return _render(request, _page(request, pk))


@staff_required
@require_POST
def qbr_transition(request, pk: int, name: str):
    qbr = _page(request, pk)
    if name not in ("start", "complete", "cancel"):
        return _done(
            request, qbr, _("There is no “%(name)s” for a QBR.") % {"name": name}, messages.ERROR
        )
    data = {}
    if name == "complete":
        form = CompleteForm(request.POST)
        if not form.is_valid():
            return _render(request, qbr, complete_form=form, status=400)
        data = {
            "outcome": form.cleaned_data["outcome"],
            "satisfaction_score": form.cleaned_data["satisfaction_score"],
            "reason": form.cleaned_data["reason"],
            "confirmed_impact": form.cleaned_data["confirmed_impact"] or None,
        }
    try:
        qbr = services.qbr_transition(qbr=qbr, name=name, actor=request.user, **data)
    except InvalidInput as exc:
        form = CompleteForm(request.POST)
        form.is_valid()
        _add_errors(form, exc)
        return _render(request, _page(request, pk), complete_form=form, status=400)
    except DomainError as exc:
        return _done(request, qbr, exc.detail, messages.ERROR)
    said = {
        "start": "QBR started.",
        "cancel": "QBR cancelled; the partner's stage is unchanged.",
        "complete": "QBR completed.",
    }[name]
    if qbr.stage_effect and name != "cancel":
        said = f"{said} {qbr.stage_effect}"
    return _done(request, qbr, said)


@staff_required
@require_POST
def qbr_notes(request, pk: int):
    qbr = _page(request, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _render(request, qbr, notes_form=form, status=400)
    try:
        services.qbr_update(qbr=qbr, actor=request.user, **form.cleaned_data)
    except InvalidInput as exc:
        _add_errors(form, exc)
        return _render(request, qbr, notes_form=form, status=400)
    except DomainError as exc:
        return _done(request, qbr, exc.detail, messages.ERROR)
    return _done(request, qbr, "Notes saved.")


@staff_required
@require_POST
def action_item_add(request, pk: int):
    qbr = _page(request, pk)
    form = ActionItemForm(request.POST)
    if not form.is_valid():
        return _render(request, qbr, item_form=form, status=400)
    try:
        services.action_item_create(qbr=qbr, actor=request.user, **form.cleaned_data)
    except InvalidInput as exc:
        _add_errors(form, exc)
        return _render(request, qbr, item_form=form, status=400)
    except DomainError as exc:
        return _done(request, qbr, exc.detail, messages.ERROR)
    return _done(request, qbr, "Action item added.")


@staff_required
@require_POST
def action_item_toggle(request, pk: int):
    item = get_object_or_404(ActionItem.objects.select_related("qbr"), pk=pk)
    services.action_item_update(item=item, actor=request.user, done=not item.done)
    return _done(request, item.qbr, "Action item updated.")
