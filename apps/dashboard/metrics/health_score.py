"""The partner health score: seven signals per active partner, lowest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models import Window as Over
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegStatus
from apps.enablement.models import Certification, CertificationStatus, ResourceOpen
from apps.leads.models import Assignment
from apps.leads.models import Outcome as LeadOutcome
from apps.partners.models import ACTIVE_STAGES, Partner, Task
from apps.qbrs.models import QBR, ActionItem
from apps.qbrs.models import Status as QBRStatus

from .common import _cutoffs, _partners, _via_partner, stage_names
from .sql import with_ctes

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


# Long on purpose: seven signals become the CTEs of one statement that scores and ranks every
# active partner; each block below is one CTE, in the order the statement reads them.
def health(now: datetime, manager=None, limit: int = 15) -> dict:
    """A 0–100 score per active partner from seven signals of 0–20 points each (HEALTH_PARTS),
    their sum scaled to 100, lowest first: the partners about to go quiet. Three queries.

    Every active partner is scored (the ranking needs them all), so each signal is one grouped
    aggregate over an indexed range — registrations of the last 90 days, closings of the last
    12 months, the last two QBR scores, overdue tasks and action items — never one lookup per
    partner; one statement joins them to the active partners, scores, ranks and returns the
    `limit` lowest, which are then loaded with their last registration.
    """
    today = timezone.localdate(now)
    names = stage_names()
    within = _cutoffs(names, now)
    stretched = _cutoffs(names, now, 1.5)
    year_ago = now - timedelta(days=365)

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
        .annotate(stage_time=Case(*stage_time, default=Value(0), output_field=IntegerField()))
        .values("id", "name", "stage", "stage_entered_at", "stage_time")
    )
    regs = DealRegistration.objects.filter(_via_partner(manager))
    # Activity: 20 with a registration in the last 30 days, 10 in the last 90.
    month_ago = now - timedelta(days=30)
    recent = (
        regs.filter(submitted_at__gte=now - timedelta(days=90), submitted_at__lte=now)
        .values("partner_id")
        .annotate(fresh=Count("submitted_at", filter=Q(submitted_at__gte=month_ago)))
    )
    closed = (
        regs.filter(
            status__in=[RegStatus.WON, RegStatus.LOST], closed_at__gte=year_ago, closed_at__lte=now
        )
        .values("partner_id")
        .annotate(
            won=Count("partner_id", filter=Q(status=RegStatus.WON)),
            lost=Count("partner_id", filter=Q(status=RegStatus.LOST)),
        )
    )
    last_two = (
        QBR.objects.filter(
            _via_partner(manager),
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
    tasks = (
        Task.objects.filter(_via_partner(manager), done=False, due_date__lt=today)
        .values("partner_id", "stage", "stage_visit")
        .annotate(n=Count("id"))
    )
    items = (
        ActionItem.objects.filter(
            _via_partner(manager, "qbr__partner__"), done=False, due_date__lt=today
        )
        .exclude(qbr__status=QBRStatus.CANCELLED)
        .values(partner_id=F("qbr__partner_id"))
        .annotate(n=Count("id"))
    )
    # Lead response: of the leads given to the partner in the last 90 days whose clock ended,
    # those it answered (accepted or rejected) before the deadline and those it let lapse.
    # Leads still waiting, recalled by a manager or closed before an answer don't count.
    given = (
        Assignment.objects.filter(
            _via_partner(manager),
            assigned_at__gte=now - timedelta(days=90),
            assigned_at__lte=now,
            outcome__in=[LeadOutcome.ACCEPTED, LeadOutcome.REJECTED, LeadOutcome.LAPSED],
        )
        .values("partner_id")
        .annotate(
            answered=Count("id", filter=~Q(outcome=LeadOutcome.LAPSED)),
            lapsed=Count("id", filter=Q(outcome=LeadOutcome.LAPSED)),
        )
    )
    # Enablement: a person certified (valid now), and the partner's people opening the library
    # (one row per person, resource and day).
    certified = (
        Certification.objects.filter(
            _via_partner(manager),
            status=CertificationStatus.ACTIVE,
            earned_at__lte=now,
            expires_at__gt=now,
        )
        .values("partner_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    library = (
        ResourceOpen.objects.filter(
            _via_partner(manager), opened_at__gte=now - timedelta(days=90), opened_at__lte=now
        )
        .values("partner_id")
        .annotate(opens=Count("id"))
    )
    # Every signal joined to every active partner, scored and ranked in one statement: only
    # the `limit` lowest come back.
    lowest = with_ctes(
        {
            "active": active,
            "recent": recent,
            "closed": closed,
            "qbr": last_two,
            "tasks": tasks,
            "items": items,
            "given": given,
            "certified": certified,
            "library": library,
            "signals": """
                SELECT a.id, a.name, a.stage_time,
                       CASE WHEN r.fresh > 0 THEN 20
                            WHEN r.partner_id IS NOT NULL THEN 10
                            ELSE 0 END AS activity,
                       COALESCE(c.won, 0) AS won, COALESCE(c.lost, 0) AS lost,
                       q.last_score, q.previous_score,
                       COALESCE(t.n, 0) + COALESCE(i.n, 0) AS work,
                       COALESCE(g.answered, 0) AS answered, COALESCE(g.lapsed, 0) AS lapsed,
                       CASE WHEN z.partner_id IS NOT NULL THEN 10 ELSE 0 END
                       + CASE WHEN o.partner_id IS NOT NULL THEN 10 ELSE 0 END AS enablement,
                       COALESCE(z.people, 0) AS certified_people
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
                LEFT JOIN library o ON o.partner_id = a.id""",
            "scored": f"SELECT signals.*, {_POINTS_SQL} FROM signals",  # noqa: S608 — our SQL
        },
        """
        SELECT *, ROUND((activity + wins + satisfaction + overdue + stage_time + leads
                         + enablement) * 100.0 / %s) AS score
        FROM scored ORDER BY score, name, id LIMIT %s
        """,
        [MAX_POINTS, limit],
    )

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
