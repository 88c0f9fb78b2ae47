from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from apps.core.access import staff_required
from apps.core.sections import collect
from apps.partners.models import Stage
from apps.program.stages import stage_name

from . import cache, charts, periods, snapshot
from .forms import DashboardForm


def root(request):
    """/: the main app for admins and managers; partner users go to their portal."""
    if request.user.is_authenticated and request.user.is_partner_user:
        return redirect("portal:home")
    return home(request)


def _list_url(name: str, mine_params: dict, **params) -> str:
    query = urlencode({k: v for k, v in {**params, **mine_params}.items() if v not in ("", None)})
    return reverse(name) + (f"?{query}" if query else "")


def _controls(request, now):
    """The checked controls, and the status to answer: 400 for a value the page does not offer
    (the message beside the control), never the default figures in its place."""
    form = DashboardForm(request.GET, now=now)  # no parameters: valid, the defaults
    return form, 200 if form.is_valid() else 400


@staff_required
def home(request):
    now = timezone.now()
    form, status = _controls(request, now)
    context: dict = {"form": form, "choices": periods.CHOICES}
    if status != 200:
        # the period asked for stays selected when it is one of the choices; none is otherwise
        asked = request.GET.get("period", periods.DEFAULT)
        context |= {"refused": True, "selected": asked if asked in dict(periods.CHOICES) else ""}
        return render(request, "dashboard/home.html", context, status=status)
    period, mine = form.chosen_period(), form.only_mine
    manager = request.user if mine else None
    shown, updating = snapshot.for_page(now, period, manager)
    figures = shown["figures"]
    context |= {
        "period": period,
        "selected": period.key,
        "period_label": dict(periods.CHOICES).get(period.key, ""),
        "mine": mine,
        "now": shown["at"],
        "updating": updating,
    }
    context["fresh_url"] = _list_url(
        "dashboard-fresh",
        {},
        view="quarters" if form.wants_quarters else "",
        period="" if form.wants_quarters else period.key,
        mine="1" if mine else "",
        since=shown["at"].isoformat(),
    )
    if form.wants_quarters:
        context |= {"quarters_view": True, **figures}
        context["links"] = {"period": _list_url("home", {}, mine="1" if mine else "")}
    else:
        context |= {**figures, **_page(request, period, mine, figures)}
        context["figures_html"] = _figures_html(request, period, mine, shown, context)
    return render(request, "dashboard/home.html", context)


def _figures_html(request, period: periods.Period, mine: bool, shown: dict, context: dict):
    """The figures' part of the page (its context made already: cheap beside rendering it). A
    stored snapshot's is rendered once per language, time zone and manager ("my partners") and
    kept (cache.read_html); a custom range's each time."""
    kept = period.kept and cache.seconds() > 0
    key = cache.html_key(
        period.key,
        request.user.pk if mine else None,
        shown["at"],
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
    )
    html = cache.read_html(key) if kept else None
    if html is None:
        html = render_to_string("dashboard/_figures.html", context)
        if kept:
            cache.store_html(key, html)
    return mark_safe(html)  # noqa: S308 — rendered by our template, escaped there


@staff_required
def fresh(request):
    """Polled by a page that shows a snapshot being refreshed: 204 while it is, and an htmx
    reload once a snapshot computed after the shown one (`since`) is stored. Anything it cannot
    read (a refused control, a custom range, which is never stored) reloads: the page then
    says what it says."""
    now = timezone.now()
    form, status = _controls(request, now)
    since = _moment(request.GET.get("since"))
    period = form.chosen_period() if status == 200 else None
    manager_pk = request.user.pk if status == 200 and form.only_mine else None
    stored = cache.read(period.key, manager_pk) if period is not None and period.kept else None
    if (
        period is None
        or since is None
        or stored is None
        or stored["at"] > since
        # the refresh was lost (a worker died) or cannot be sent: the reload computes in the page
        or not snapshot.request_refresh(period.key, manager_pk, shown_at=stored["at"], now=now)
    ):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return HttpResponse(status=204)


def _moment(value: str | None):
    try:
        moment = parse_datetime((value or "")[:40])
    except ValueError:  # well formed, but no such moment (Feb 30)
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


def _in_reader_language(figures: dict) -> None:
    """Stage names as this reader reads them (`program.stages.stage_name`): a snapshot keeps the
    names as configured, for readers of every language, and a default one ("Growth") is written
    here in the page's language ("Wachstum")."""
    if "funnel" not in figures:  # the quarter-over-quarter view names no stage
        return
    figures["stage_names"] = {
        code: stage_name(code, name) for code, name in figures["stage_names"].items()
    }
    for step in figures["funnel"]["steps"]:
        step["from_name"] = stage_name(step["from"], step["from_name"])
        step["to_name"] = stage_name(step["to"], step["to_name"])
    for row in figures["funnel"]["stages"]:
        row["name"] = stage_name(row["stage"], row["name"])
        for move in row["moves"]:
            move["name"] = stage_name(move["to"], move["name"])
    for row in figures["stay"]:
        row["name"] = stage_name(row["stage"], row["name"])
    for row in figures["bottlenecks"]["rows"]:
        row["stage_name"] = stage_name(row["partner"].stage, row["stage_name"])


def _page(request, period: periods.Period, mine: bool, figures: dict) -> dict:
    """What the page draws around the figures: charts, links, other apps' parts."""
    _in_reader_language(figures)
    partner_filter = {"manager": request.user.pk} if mine else {}
    qbr_filter = {"mine": "1"} if mine else {}
    names = figures["stage_names"]
    funnel, stay = figures["funnel"], figures["stay"]
    funnel_chart = charts.hbar(
        "chart-funnel",
        gettext("Partners per stage now"),
        gettext(
            "Number of partners in each lifecycle stage; each bar opens the partners in that stage."
        ),
        [
            {
                "label": names[s.value],
                "value": funnel["counts"][s.value],
                "href": _list_url("partners:list", partner_filter, stage=s.value),
                "css": f"stage-{s.value}",
            }
            for s in Stage
        ],
        axis_label=gettext("partners"),
    )
    stay_chart = charts.hbar(
        "chart-stay",
        gettext("Median days in stage"),
        gettext(
            "Median days per stage over the stays that ended in the period and the stays still "
            "running; the dark line marks each stage's target."
        ),
        [
            {
                "label": row["name"],
                "value": row["median"],
                "marker": row["target"],
                "href": _list_url(
                    "partners:list", partner_filter, stage=row["stage"], sort="entered"
                ),
                "over": row["median_over"],
            }
            for row in stay
        ],
        unit=gettext(" d"),
        marker_label=gettext("target"),
        axis_label=gettext("days"),
    )
    loops = next(
        s for s in funnel["steps"] if (s["from"], s["to"]) == (Stage.EVALUATION, Stage.GROWTH)
    )
    return {
        # The QBR card's loops are the funnel's Evaluation → Growth step: one number, one place.
        "loops": loops,
        "funnel_chart": funnel_chart,
        "stay_chart": stay_chart,
        "weekly_chart": charts.weekly(
            "chart-weekly", gettext("Registrations per week"), figures["regs"]["weeks"]
        ),
        "links": {
            "board": _list_url("partners:list", partner_filter, sort="entered"),
            "queue": reverse("deals:queue"),
            "approved": _list_url("deals:queue", {}, status="approved"),
            "won": _list_url("deals:queue", {}, status="won"),
            "qbrs_overdue": _list_url("qbrs:list", qbr_filter, status="overdue"),
            "qbrs_completed": _list_url("qbrs:list", qbr_filter, status="completed"),
            "onboarding": reverse("onboarding:overview"),
            "quarters": _list_url("home", {}, view="quarters", mine="1" if mine else ""),
        },
        # A snapshot stored before the parts joined it has none: computed here, once.
        "sections": (
            figures["sections"] if "sections" in figures else collect("dashboard", timezone.now())
        ),
    }
