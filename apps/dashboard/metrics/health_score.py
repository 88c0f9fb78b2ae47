"""The partner health score: seven signals per active partner, lowest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Window as Over
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.postgresql.ctes import with_ctes
from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegStatus
from apps.enablement.models import Certification, CertificationStatus, ResourceOpen
from apps.leads.models import Assignment
from apps.leads.models import Outcome as LeadOutcome
from apps.partners.models import ACTIVE_STAGES, Partner, Task
from apps.qbrs.models import QBR, ActionItem
from apps.qbrs.models import Status as QBRStatus

from . import common
from .common import _cutoffs, _partners, _via_partner, sql_timestamp, stage_names

HEALTH_PARTS = [
    # key, label, how the points are earned
    ("activity", _("Activity"), _("20 if a registration in the last 30 days, 10 if in 90, else 0")),
    (
        "wins",
        _("Win rate"),
        _("20 at ≥ 50 % won of closed in 12 months, 10 at ≥ 25 % or none closed"),
    ),
    (
        "satisfaction",
        _("QBR satisfaction"),
        _("20 if the last score ≥ 7 and not falling, 0 if falling, else 10"),
    ),
    (
        "overdue",
        _("Overdue work"),
        _("20 with no overdue tasks or action items, 10 with 1–2, else 0"),
    ),
    (
        "stage_time",
        _("Time in stage"),
        _("20 within the stage target, 10 up to 1.5× it, else 0"),
    ),
    (
        "leads",
        _("Lead response"),
        _(
            # xgettext:no-python-format (a percent sign here is a percent, not a placeholder)
            "20 when ≥ 80 % of the leads given in 90 days were answered in time, 10 at ≥ 50 % "
            "or none given, else 0"
        ),
    ),
    (
        "enablement",
        _("Enablement"),
        _("10 for a person with a valid certification, 10 for library use in the last 90 days"),
    ),
]
# Seven signals of 0–20 points; the score is their sum scaled to 0–100.
MAX_POINTS = 20 * len(HEALTH_PARTS)


# The points of each signal, in SQL (HEALTH_PARTS says the same in words). `signals` holds per
# active partner: stage_time, activity, won, lost, last_score, previous_score, work, answered,
# lapsed, enablement.
_POINTS_SQL = """
    CASE WHEN won + lost = 0 THEN 10
         WHEN won * 2 >= won + lost THEN 20
         WHEN won * 4 >= won + lost THEN 10
         ELSE 0 END AS wins,
    CASE WHEN last_score IS NULL THEN 10
         WHEN previous_score > last_score THEN 0
         WHEN last_score >= 7 THEN 20
         WHEN last_score >= 1 THEN 10
         ELSE 0 END AS satisfaction,
    CASE WHEN work = 0 THEN 20 WHEN work <= 2 THEN 10 ELSE 0 END AS overdue,
    CASE WHEN lapsed + answered = 0 THEN 10
         WHEN answered * 5 >= (lapsed + answered) * 4 THEN 20
         WHEN answered * 2 >= lapsed + answered THEN 10
         ELSE 0 END AS leads
"""


# Long on purpose: seven signals become the CTEs of one statement that scores every active
# partner; each block below is one CTE, in the order the statement reads them.
def signals(now: datetime, manager=None, only=None, with_due: bool = False) -> dict:
    """The CTEs of the health statement, the last one (`ranked`) a row per active partner with
    its signals, points and score. `only`: just these partner ids (the stored scores' refresh,
    apps/dashboard/health.py); `with_due`: also `due_at`, the next moment the score may change
    with the clock alone — a signal's oldest row leaving its window, a task falling due, a
    certification ending, the stage target passing (never later than a day from `now`)."""
    today = timezone.localdate(now)
    names = stage_names()
    within = _cutoffs(names, now)
    stretched = _cutoffs(names, now, 1.5)
    year_ago = now - timedelta(days=365)
    mine = _via_partner(manager) & (Q(partner_id__in=only) if only is not None else Q())

    # Time in stage is scored in the query (a CASE on the partner's own columns), so only
    # integers come back for the thousands of active partners.
    stage_ok = Q(stage__in=[s for s in ACTIVE_STAGES if s.value not in within])
    for stage, at in within.items():
        stage_ok |= Q(stage=stage, stage_entered_at__gte=at)
    stage_time = [When(stage_ok, then=Value(20))]
    if stretched:  # none without any StageConfig row: an empty Q() cannot be a When()
        stage_half = Q()
        for stage, at in stretched.items():
            stage_half |= Q(stage=stage, stage_entered_at__gte=at)
        stage_time.append(When(stage_half, then=Value(10)))
    active = (
        Partner.objects.filter(_partners(manager), stage__in=ACTIVE_STAGES)
        .filter(Q(id__in=only) if only is not None else Q())
        .annotate(stage_time=Case(*stage_time, default=Value(0), output_field=IntegerField()))
        .values("id", "name", "manager_id", "stage", "stage_entered_at", "stage_time")
    )
    regs = DealRegistration.objects.filter(mine)
    # Activity: 20 with a registration in the last 30 days, 10 in the last 90.
    month_ago = now - timedelta(days=30)
    recent = (
        regs.filter(submitted_at__gte=now - timedelta(days=90), submitted_at__lte=now)
        .values("partner_id")
        .annotate(
            fresh=Count("submitted_at", filter=Q(submitted_at__gte=month_ago)),
            last_at=Max("submitted_at"),
        )
    )
    closed = (
        regs.filter(
            status__in=[RegStatus.WON, RegStatus.LOST], closed_at__gte=year_ago, closed_at__lte=now
        )
        .values("partner_id")
        .annotate(
            won=Count("partner_id", filter=Q(status=RegStatus.WON)),
            lost=Count("partner_id", filter=Q(status=RegStatus.LOST)),
            first_closed=Min("closed_at"),
        )
    )
    last_two = (
        QBR.objects.filter(
            mine,
            status=QBRStatus.COMPLETED,
            satisfaction_score__isnull=False,
            completed_at__lte=now,
        )
        .annotate(
            rank=Over(
                RowNumber(),
                partition_by=[F("partner_id")],
                order_by=[F("completed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=2)
        .values("partner_id", "rank", "satisfaction_score")
    )
    # Overdue tasks per stage visit; only those of the visit the partner is in count (a finished
    # visit's optional leftovers don't) — matched in the join below, not here: a condition
    # comparing two tables' columns would be estimated to match almost nothing, and PostgreSQL
    # would then join it to every partner by a nested loop (seconds at 10,000 partners).
    open_tasks = Task.objects.filter(mine, done=False)
    tasks = (
        open_tasks.filter(due_date__lt=today)
        .values("partner_id", "stage", "stage_visit")
        .annotate(n=Count("id"))
    )
    item_scope = _via_partner(manager, "qbr__partner__") & (
        Q(qbr__partner_id__in=only) if only is not None else Q()
    )
    open_items = ActionItem.objects.filter(item_scope, done=False).exclude(
        qbr__status=QBRStatus.CANCELLED
    )
    items = (
        open_items.filter(due_date__lt=today)
        .values(partner_id=F("qbr__partner_id"))
        .annotate(n=Count("id"))
    )
    # Lead response: of the leads given to the partner in the last 90 days whose clock ended,
    # those it answered (accepted or rejected) before the deadline and those it let lapse.
    # Leads still waiting, recalled by a manager or closed before an answer don't count.
    given = (
        Assignment.objects.filter(
            mine,
            assigned_at__gte=now - timedelta(days=90),
            assigned_at__lte=now,
            outcome__in=[LeadOutcome.ACCEPTED, LeadOutcome.REJECTED, LeadOutcome.LAPSED],
        )
        .values("partner_id")
        .annotate(
            answered=Count("id", filter=~Q(outcome=LeadOutcome.LAPSED)),
            lapsed=Count("id", filter=Q(outcome=LeadOutcome.LAPSED)),
            first_given=Min("assigned_at"),
        )
    )
    # Enablement: a person certified (valid now), and the partner's people opening the library
    # (one row per person, resource and day).
    certified = (
        Certification.objects.filter(
            mine,
            status=CertificationStatus.ACTIVE,
            earned_at__lte=now,
            expires_at__gt=now,
        )
        .values("partner_id")
        .annotate(people=Count("user_id", distinct=True), next_expiry=Min("expires_at"))
    )
    library = (
        ResourceOpen.objects.filter(
            mine, opened_at__gte=now - timedelta(days=90), opened_at__lte=now
        )
        .values("partner_id")
        .annotate(opens=Count("id"), last_open=Max("opened_at"))
    )
    ctes: dict = {
        "active": active,
        "recent": recent,
        "closed": closed,
        "qbr": last_two,
        "tasks": tasks,
        "items": items,
        "given": given,
        "certified": certified,
        "library": library,
    }
    due, joins = "NULL::timestamptz", ""
    if with_due:
        # The tasks and action items not yet overdue: the first of them falls due the day after
        # its due date, at local midnight.
        ctes["upcoming_tasks"] = (
            open_tasks.filter(due_date__gte=today)
            .values("partner_id", "stage", "stage_visit")
            .annotate(next_due=Min("due_date"))
        )
        ctes["upcoming_items"] = (
            open_items.filter(due_date__gte=today)
            .values(partner_id=F("qbr__partner_id"))
            .annotate(next_due=Min("due_date"))
        )
        joins = """
                LEFT JOIN upcoming_tasks ut ON ut.partner_id = a.id AND ut.stage = a.stage
                    AND ut.stage_visit = a.stage_entered_at
                LEFT JOIN upcoming_items ui ON ui.partner_id = a.id"""
        due = _due_sql(now, names)
    ctes["signals"] = f"""
                SELECT a.id, a.name, a.manager_id, a.stage_time,
                       CASE WHEN r.fresh > 0 THEN 20
                            WHEN r.partner_id IS NOT NULL THEN 10
                            ELSE 0 END AS activity,
                       COALESCE(c.won, 0) AS won, COALESCE(c.lost, 0) AS lost,
                       q.last_score, q.previous_score,
                       COALESCE(t.n, 0) + COALESCE(i.n, 0) AS work,
                       COALESCE(g.answered, 0) AS answered, COALESCE(g.lapsed, 0) AS lapsed,
                       CASE WHEN z.partner_id IS NOT NULL THEN 10 ELSE 0 END
                       + CASE WHEN o.partner_id IS NOT NULL THEN 10 ELSE 0 END AS enablement,
                       COALESCE(z.people, 0) AS certified_people,
                       {due} AS due_at
                FROM active a
                LEFT JOIN recent r ON r.partner_id = a.id
                LEFT JOIN closed c ON c.partner_id = a.id
                LEFT JOIN (
                    SELECT partner_id,
                           MAX(CASE WHEN rank = 1 THEN satisfaction_score END) AS last_score,
                           MAX(CASE WHEN rank = 2 THEN satisfaction_score END) AS previous_score
                    FROM qbr GROUP BY partner_id
                ) q ON q.partner_id = a.id
                LEFT JOIN tasks t ON t.partner_id = a.id AND t.stage = a.stage
                    AND t.stage_visit = a.stage_entered_at
                LEFT JOIN items i ON i.partner_id = a.id
                LEFT JOIN given g ON g.partner_id = a.id
                LEFT JOIN certified z ON z.partner_id = a.id
                LEFT JOIN library o ON o.partner_id = a.id{joins}"""  # noqa: S608 — our SQL
    ctes["scored"] = f"SELECT signals.*, {_POINTS_SQL} FROM signals"  # noqa: S608 — our SQL
    ctes["ranked"] = f"""
        SELECT *, ROUND((activity + wins + satisfaction + overdue + stage_time + leads
                         + enablement) * 100.0 / {MAX_POINTS})::integer AS score
        FROM scored"""  # noqa: S608 — our SQL, a constant
    return ctes


def _due_sql(now: datetime, names: dict) -> str:
    """SQL of the next moment after `now` a partner's score may change with time alone (the
    signals CTE's aliases); a day from `now` at the latest."""
    day = "interval '1 day'"
    tz = timezone.get_current_timezone_name().replace("'", "''")
    # The stage target, then one and a half times it, passing (per stage: targets differ).
    stage_cases = "".join(
        f" WHEN a.stage = '{stage}' THEN CASE"
        f" WHEN a.stage_entered_at + {day} * {float(config.target_days)} > %(now)s"
        f" THEN a.stage_entered_at + {day} * {float(config.target_days)}"
        f" WHEN a.stage_entered_at + {day} * {config.target_days * 1.5} > %(now)s"
        f" THEN a.stage_entered_at + {day} * {config.target_days * 1.5} END"
        for stage, config in names.items()
        if config.target_days and stage in ACTIVE_STAGES
    )
    stage_due = f"CASE{stage_cases} END" if stage_cases else "NULL::timestamptz"
    moments = [
        f"r.last_at + {day} * (CASE WHEN r.fresh > 0 THEN 30 ELSE 90 END)",
        f"c.first_closed + {day} * 365",
        f"g.first_given + {day} * 90",
        "z.next_expiry",
        f"o.last_open + {day} * 90",
        f"((ut.next_due + 1)::timestamp AT TIME ZONE '{tz}')",
        f"((ui.next_due + 1)::timestamp AT TIME ZONE '{tz}')",
        stage_due,
        f"%(now)s + {day} * {common.RECHECK_DAYS}",
    ]
    return f"LEAST({', '.join(moments)})".replace("%(now)s", sql_timestamp(now))


def health(now: datetime, manager=None, limit: int = 15) -> dict:
    """A 0–100 score per active partner from seven signals of 0–20 points each (HEALTH_PARTS),
    their sum scaled to 100, lowest first: the partners about to go quiet. Three queries.

    Every active partner is scored (the ranking needs them all), so each signal is one grouped
    aggregate over an indexed range — registrations of the last 90 days, closings of the last
    12 months, the last two QBR scores, overdue tasks and action items — never one lookup per
    partner; one statement joins them to the active partners, scores, ranks and returns the
    `limit` lowest, which are then loaded with their last registration. The dashboard page
    reads the same figures kept per partner (apps/dashboard/health.py); this computes them from
    the source rows.
    """
    lowest = with_ctes(
        signals(now, manager), "SELECT * FROM ranked ORDER BY score, name, id LIMIT %s", [limit]
    )
    return shape(lowest, now)


def shape(lowest: list[dict], now: datetime) -> dict:
    """The page's rows from the scored rows (`id`, the points, the signals' figures): the shown
    partners loaded with their manager and last registration (one query)."""
    names = stage_names()
    # The shown partners, with their last registration however old (one query, `limit` rows).
    last_registration = Subquery(
        DealRegistration.objects.filter(partner_id=OuterRef("pk"), submitted_at__lte=now)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    loaded = Partner.objects.select_related("manager").annotate(last_registration=last_registration)
    found = {p.pk: p for p in loaded.filter(pk__in=[row["id"] for row in lowest])}
    rows = []
    for row in lowest:
        p = found[row["id"]]
        parts = [
            {"key": key, "label": label, "points": int(row[key]), "rule": rule}
            for key, label, rule in HEALTH_PARTS
        ]
        rows.append(
            {
                "partner": p,
                "score": int(row["score"]),
                "parts": parts,
                "explain": "; ".join(f"{x['label']} {x['points']}/20" for x in parts),
                "days_since_registration": (
                    (now - p.last_registration).days if p.last_registration else None
                ),
                "won_12m": row["won"],
                "closed_12m": row["won"] + row["lost"],
                "last_score": row["last_score"],
                "previous_score": row["previous_score"],
                "overdue_work": row["work"],
                "leads_answered": row["answered"],
                "leads_lapsed": row["lapsed"],
                "certified_people": row["certified_people"],
                "days_in_stage": max(0, (now - p.stage_entered_at).days),
                "target": names[p.stage].target_days,
            }
        )
    return {"rows": rows, "parts": HEALTH_PARTS}
