"""Manager pages: the partners list and board, a partner's page, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import exits, transitions
from apps.core.access import staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.sections import collect
from apps.program.models import ProgramSettings, StageConfig

from . import selectors
from .diagram import lifecycle_svg
from .filters import partner_list as partner_filter
from .forms import PartnerForm, QualificationForm, TransitionForm
from .models import Partner, Stage
from .services import (
    NEEDS_REASON,
    partner_create,
    partner_decide_reach,
    partner_qualify,
    partner_transition,
    partner_update,
    stage_label,
    task_set_done,
)

PAGE_SIZE = 25
BOARD_LIMIT = 40
# The order of the transition buttons (their labels: `custom` on the model's transitions).
ORDER = [
    "start_onboarding",
    "complete_onboarding",
    "start_evaluation",
    "continue_growth",
    "start_expansion",
    "complete_expansion",
    "exit",
    "reengage",
]


@staff_required
def partner_list(request):
    filters = partner_filter(request.user, request.GET)
    qs, status = for_page(filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    configs = StageConfig.by_stage()
    now = timezone.now()
    rows = [
        {
            "partner": p,
            "days": p.days_in_stage(now),
            "target": configs[p.stage].target_days,
            "stage_name": configs[p.stage].name,
        }
        for p in page
    ]
    context = {"form": filters.form, "page": page, "rows": rows, "filtered": filters.is_bound}
    if request.htmx and status != 200:
        # htmx swaps no 400: the whole page, with the error next to its filter, is loaded.
        response = render(request, "partners/list.html", context, status=status)
        response["HX-Redirect"] = request.get_full_path()
        return response
    template = "partners/_list_table.html" if request.htmx else "partners/list.html"
    return render(request, template, context, status=status)


@staff_required
def partner_board(request):
    configs = StageConfig.by_stage()
    counts = selectors.stage_counts()
    now = timezone.now()
    columns = []
    base = selectors.visible_partners(request.user).order_by("stage_entered_at", "id")
    for stage in Stage:
        config = configs[stage.value]
        cards = []
        for p in base.filter(stage=stage)[:BOARD_LIMIT]:
            days = p.days_in_stage(now)
            cards.append(
                {
                    "partner": p,
                    "days": days,
                    "over": config.target_days is not None and days > config.target_days,
                }
            )
        columns.append(
            {
                "stage": stage.value,
                "name": config.name,
                "target": config.target_days,
                "count": counts[stage.value],
                "cards": cards,
                "more": max(0, counts[stage.value] - BOARD_LIMIT),
            }
        )
    return render(request, "partners/board.html", {"columns": columns})


def _transition_rows(partner: Partner, user) -> list[dict]:
    """The transitions open from the partner's stage, each with what blocks it, in words."""
    here = transitions.from_current_state(partner, "stage")
    rows = []
    order = ORDER
    described = transitions.describe(partner, "stage", stage_label, user)
    described.sort(key=lambda r: order.index(r["name"]) if r["name"] in order else len(order))
    for row in described:
        if row["name"] not in here:
            continue
        rows.append(
            {
                **row,
                "verb": transitions.transition_label(partner, "stage", row["name"]),
                "needs_reason": row["name"] in NEEDS_REASON,
                "danger": row["name"] == "exit",
            }
        )
    return rows


def _detail_context(request, partner: Partner, **extra) -> dict:
    configs = StageConfig.by_stage()
    settings = ProgramSettings.get()
    partner.known_threshold = settings.qualification_threshold
    rows = _transition_rows(partner, request.user)
    labels = {stage: config.name for stage, config in configs.items()}
    tasks = list(selectors.partner_tasks(partner))
    current = [
        t for t in tasks if t.stage == partner.stage and t.stage_visit == partner.stage_entered_at
    ]
    earlier = [t for t in tasks if t not in current]
    today = timezone.localdate()
    history = [
        {"entry": h, "from_label": labels.get(h.from_stage), "to_label": labels.get(h.to_stage)}
        for h in selectors.partner_history(partner)
    ]
    for row in rows:
        row["target_label"] = labels.get(row["target"], row["target"])
    config = configs[partner.stage]
    days = partner.days_in_stage()
    return {
        "partner": partner,
        "stage_name": config.name,
        "target_days": config.target_days,
        "days_in_stage": days,
        "over_target": config.target_days is not None and days > config.target_days,
        "diagram": lifecycle_svg(partner.stage, labels, {r["name"] for r in rows if r["allowed"]}),
        "transition_rows": rows,
        "transition_errors": extra.pop("transition_errors", {}),
        "current_tasks": current,
        "earlier_tasks": earlier,
        "task_progress": selectors.step_progress(current),
        "today": today,
        "history": list(reversed(history)),
        "labels": labels,
        "threshold": settings.qualification_threshold,
        "qualified": partner.qualified_against(settings.qualification_threshold),
        "qualification_form": extra.pop("qualification_form", None)
        or QualificationForm(instance=partner, prefix="q"),
        "sections": collect("partner_detail", request, partner),
        **extra,
    }


def _get_partner(request, pk: int) -> Partner:
    return get_object_or_404(selectors.visible_partners(request.user), pk=pk)


@staff_required
def partner_detail(request, pk: int):
    partner = _get_partner(request, pk)
    return render(request, "partners/detail.html", _detail_context(request, partner))


@staff_required
def partner_create_view(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = partner_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("%(partner)s added in recruitment.") % {"partner": partner.name}
            )
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/form.html",
        {"form": form, "partner": None},
        status=400 if form.errors else 200,
    )


@staff_required
def partner_edit(request, pk: int):
    partner = _get_partner(request, pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            partner_update(partner=partner, actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            _form_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("partners:detail", pk=partner.pk)
    return render(
        request,
        "partners/form.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def partner_reach_decide(request, pk: int):
    """Apply (apply=1) or dismiss the partner admin's proposal of countries and specializations."""
    partner = _get_partner(request, pk)
    try:
        partner_decide_reach(
            partner=partner, actor=request.user, apply=request.POST.get("apply") == "1"
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.success(
            request,
            _("Proposal applied.")
            if request.POST.get("apply") == "1"
            else _("Proposal dismissed."),
        )
    return redirect("partners:detail", pk=partner.pk)


def _form_errors(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _detail_response(request, partner, status=200, **extra):
    template = "partners/_detail_body.html" if request.htmx else "partners/detail.html"
    return render(request, template, _detail_context(request, partner, **extra), status=status)


@staff_required
@require_POST
def partner_run_transition(request, pk: int, name: str):
    partner = _get_partner(request, pk)
    if name not in transitions.names(Partner, "stage"):
        raise Http404(_("No such transition."))
    form = TransitionForm(request.POST)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items() if k in ("note", "reason")}
        if not errors:
            errors = {"general": [_("This page is out of date; reload it and try again.")]}
    else:
        outcome = _run(request, partner, name, form.cleaned_data)
        if not isinstance(outcome, dict):
            return outcome  # the exit's impact, shown before the exit
        errors = outcome
    if errors:
        if not request.htmx:
            return _detail_response(
                request,
                partner,
                status=409 if "general" in errors else 400,
                transition_errors={"name": name, **errors},
            )
        return _detail_response(request, partner, transition_errors={"name": name, **errors})
    message = _("%(partner)s: %(transition)s — now %(stage)s.") % {
        "partner": partner.name,
        "transition": transitions.transition_label(partner, "stage", name),
        "stage": stage_label(partner.stage),
    }
    if request.htmx:
        return _detail_response(request, partner, flash=message)
    messages.success(request, message)
    return redirect("partners:detail", pk=partner.pk)


def _run(request, partner: Partner, name: str, data: dict):
    """Run the transition: its errors by field (empty when done), or for an exit not yet
    confirmed (or confirmed on an impact that has since changed) the page of its impact."""
    confirmed = (data["confirmed_impact"] or None) if name == "exit" else None
    try:
        if data["from_stage"] != partner.stage:
            # The page was older than the partner: someone moved it meanwhile.
            raise DomainError(
                _("This partner was moved by someone else meanwhile; check its new stage."),
                code="concurrent_change",
            )
        if name == "exit" and confirmed is None:
            # First what the exit will do (reason checked first), then the exit itself.
            if not data["reason"]:
                raise InvalidInput({"reason": [_("Say why the partnership ends.")]})
            return _exit_preview(request, partner, data)
        partner_transition(
            partner=partner,
            name=name,
            actor=request.user,
            note=data["note"],
            reason=data["reason"],
            confirmed_impact=confirmed,
        )
    except InvalidInput as exc:
        return exc.errors
    except (DomainError, NotPermitted) as exc:
        partner.refresh_from_db()
        changed = getattr(exc, "code", "") == "concurrent_change"
        if confirmed is not None and changed and partner.stage == data["from_stage"]:
            return _exit_preview(request, partner, data, changed=exc.detail)
        return {"general": [exc.detail]}
    return {}


def _exit_preview(request, partner: Partner, data: dict, changed: str = ""):
    """What exiting the partner does, listed by the same functions that then do it
    (apps.core.exits); the confirmation carries the fingerprint of exactly this list."""
    effects = exits.preview(partner, now=timezone.now())
    template = "partners/_exit_preview.html" if request.htmx else "partners/exit_preview.html"
    return render(
        request,
        template,
        {
            "partner": partner,
            "groups": exits.grouped(effects),
            "fingerprint": exits.fingerprint(effects),
            "reason": data["reason"],
            "note": data["note"],
            "changed": changed,
        },
        # htmx swaps only 2xx: the changed list is shown in its place either way.
        status=409 if changed and not request.htmx else 200,
    )


@staff_required
@require_POST
def partner_qualification(request, pk: int):
    partner = _get_partner(request, pk)
    form = QualificationForm(request.POST, instance=Partner.objects.get(pk=partner.pk), prefix="q")
    if not form.is_valid():
        return _detail_response(request, partner, status=400, qualification_form=form)
    try:
        partner_qualify(partner=partner, actor=request.user, scores=form.cleaned_data)
    except (DomainError, InvalidInput) as exc:
        partner.refresh_from_db()
        if isinstance(exc, DomainError):
            detail = exc.detail
        else:
            detail = "; ".join(m for msgs in exc.errors.values() for m in msgs)
        return _detail_response(request, partner, status=409, flash_error=detail)
    if request.htmx:
        return _detail_response(request, partner, flash="4C qualification saved.")
    messages.success(request, "4C qualification saved.")
    return redirect("partners:detail", pk=partner.pk)


@staff_required
@require_POST
def task_toggle(request, pk: int, task_pk: int):
    partner = _get_partner(request, pk)
    task = get_object_or_404(partner.tasks, pk=task_pk)
    try:
        task_set_done(task=task, done=request.POST.get("done") == "1", actor=request.user)
    except DomainError as exc:
        if request.htmx:
            return _detail_response(request, partner, status=409, flash_error=exc.detail)
        messages.error(request, exc.detail)
    if request.htmx:
        return _detail_response(request, partner)
    return redirect(f"{partner.get_absolute_url()}#tasks")
