from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.core.access import staff_required
from apps.core.sections import collect
from apps.partners.models import Stage

from . import cache, charts, metrics, snapshot


def root(request):
    """/: the main app for admins and managers; partner users go to their portal."""
    if request.user.is_authenticated and request.user.is_partner_user:
        return redirect("portal:home")
    return home(request)


def _period(value: str | None) -> int:
    try:
        days = int(value or metrics.DEFAULT_PERIOD)
    except ValueError:
        return metrics.DEFAULT_PERIOD
    return days if days in metrics.PERIODS else metrics.DEFAULT_PERIOD


def _list_url(name: str, mine_params: dict, **params) -> str:
    query = urlencode({k: v for k, v in {**params, **mine_params}.items() if v not in ("", None)})
    return reverse(name) + (f"?{query}" if query else "")


@staff_required
def home(request):
    days = _period(request.GET.get("period"))
    mine = request.GET.get("mine") == "1"
    manager = request.user if mine else None
    shown, updating = snapshot.for_page(timezone.now(), days, manager)
    context = {**shown["figures"], **_page(request, days, mine, shown["figures"])}
    context |= {
        "now": shown["at"],
        "updating": updating,
        "fresh_url": _list_url(
            "dashboard-fresh",
            {},
            period=days,
            mine="1" if mine else "",
            since=shown["at"].isoformat(),
        ),
    }
    return render(request, "dashboard/home.html", context)


@staff_required
def fresh(request):
    """Polled by a page that shows a snapshot being refreshed: 204 while it is, and an htmx
    reload once a snapshot computed after the shown one (`since`) is stored."""
    days = _period(request.GET.get("period"))
    manager_pk = request.user.pk if request.GET.get("mine") == "1" else None
    since = _moment(request.GET.get("since"))
    stored = cache.read(days, manager_pk)
    if (
        since is None
        or stored is None
        or stored["at"] > since
        # the refresh was lost (a worker died) or cannot be sent: the reload computes in the page
        or not snapshot.request_refresh(days, manager_pk)
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


def _page(request, days: int, mine: bool, figures: dict) -> dict:
    """What the page draws around the figures: charts, links, the filters, other apps' parts."""
    partner_filter = {"manager": request.user.pk} if mine else {}
    qbr_filter = {"mine": "1"} if mine else {}
    names = figures["stage_names"]
    funnel, stay = figures["funnel"], figures["stay"]
    funnel_chart = charts.hbar(
        "chart-funnel",
        "Partners per stage now",
        "Number of partners in each lifecycle stage; each bar opens the partners in that stage.",
        [
            {
                "label": names[s.value],
                "value": funnel["counts"][s.value],
                "href": _list_url("partners:list", partner_filter, stage=s.value),
                "css": f"stage-{s.value}",
            }
            for s in Stage
        ],
    )
    stay_chart = charts.hbar(
        "chart-stay",
        "Median days in stage",
        "Median days per stage over the stays that ended in the period and the stays still "
        "running; the dark line marks each stage's target.",
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
        unit=" d",
        marker_label="target",
    )
    return {
        "days": days,
        "periods": metrics.PERIODS,
        "mine": mine,
        "funnel_chart": funnel_chart,
        "stay_chart": stay_chart,
        "weekly_chart": charts.weekly(
            "chart-weekly", "Registrations per week", figures["regs"]["weeks"]
        ),
        "links": {
            "board": _list_url("partners:list", partner_filter, sort="entered"),
            "queue": reverse("deals:queue"),
            "approved": _list_url("deals:queue", {}, status="approved"),
            "won": _list_url("deals:queue", {}, status="won"),
            "qbrs_overdue": _list_url("qbrs:list", qbr_filter, status="overdue"),
            "qbrs_completed": _list_url("qbrs:list", qbr_filter, status="completed"),
            "onboarding": reverse("onboarding:overview"),
        },
        # A snapshot stored before the parts joined it has none: computed here, once.
        "sections": (
            figures["sections"] if "sections" in figures else collect("dashboard", timezone.now())
        ),
    }
