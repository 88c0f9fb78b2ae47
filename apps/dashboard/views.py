from __future__ import annotations

from urllib.parse import urlencode

from django.db import connection, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.core.access import staff_required
from apps.core.sections import collect
from apps.partners.models import Stage

from . import cache, charts, metrics


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


def _without_jit() -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of this transaction: measured on the
    dashboard's aggregates at 1,000,000 registrations it spends 0.5–4 s compiling queries that
    run in tens of milliseconds (their cost estimates cross jit_above_cost). SET LOCAL ends with
    the transaction, so no other request on the connection is affected."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


@staff_required
def home(request):
    with transaction.atomic():
        _without_jit()
        return _home(request)


def _home(request):
    now = timezone.now()
    days = _period(request.GET.get("period"))
    mine = request.GET.get("mine") == "1"
    manager = request.user if mine else None
    manager_pk = manager.pk if manager is not None else "all"
    partner_filter = {"manager": request.user.pk} if mine else {}
    qbr_filter = {"mine": "1"} if mine else {}

    funnel = metrics.stage_funnel(now, days, manager)
    names = metrics.stage_names()
    for step in funnel["steps"]:
        step["from_name"] = names[step["from"]].display_name
        step["to_name"] = names[step["to"]].display_name
    stay = metrics.time_in_stage(now, days, manager)
    regs = metrics.registrations(now, days, manager)
    funnel_chart = charts.hbar(
        "chart-funnel",
        "Partners per stage now",
        "Number of partners in each lifecycle stage; each bar opens the partners in that stage.",
        [
            {
                "label": names[s.value].display_name,
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
    context = {
        "now": now,
        "days": days,
        "periods": metrics.PERIODS,
        "mine": mine,
        "funnel": funnel,
        "funnel_chart": funnel_chart,
        "stay": stay,
        "stay_chart": stay_chart,
        "bottlenecks": metrics.bottlenecks(now, manager),
        "onboarding": metrics.onboarding(now, days, manager),
        "regs": regs,
        "weekly_chart": charts.weekly("chart-weekly", "Registrations per week", regs["weeks"]),
        # The two figures that rank every partner are cached briefly (see cache.py).
        "money": cache.cached(
            "money", now, (days, manager_pk), lambda: metrics.money(now, days, manager)
        ),
        "qbrs": metrics.qbrs(now, days, manager),
        "health": cache.cached("health", now, (manager_pk,), lambda: metrics.health(now, manager)),
        "links": {
            "board": _list_url("partners:list", partner_filter, sort="entered"),
            "queue": reverse("deals:queue"),
            "approved": _list_url("deals:queue", {}, status="approved"),
            "won": _list_url("deals:queue", {}, status="won"),
            "qbrs_overdue": _list_url("qbrs:list", qbr_filter, status="overdue"),
            "qbrs_completed": _list_url("qbrs:list", qbr_filter, status="completed"),
            "onboarding": reverse("onboarding:overview"),
        },
        "sections": collect("dashboard", request),
    }
    return render(request, "dashboard/home.html", context)
