"""Demo QBRs: partners that have run the growth ⇄ evaluation loop several times, each turn a
completed QBR (backdated with `now=`) with notes, a score and action items; then one upcoming
QBR and one overdue, and the scheduling sweep plans the rest."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.partners.models import Partner, Stage, StageHistory
from apps.program.models import PartnerType, Tier
from apps.qbrs.models import QBR, Status
from apps.qbrs.services import action_item_create, action_item_update, qbr_schedule, qbr_transition
from apps.qbrs.sweeps import qbr_scheduling

from . import inbox

TURN = timedelta(days=91)
EVALUATION = timedelta(days=3)  # from the QBR's start to its outcome
NOTES = [
    "Pipeline review; agreed on two joint campaigns.",
    "Win rate improved after the sales certification.",
    "Discussed the renewal of the reseller agreement and new regions.",
    "Strong quarter; asked for more technical enablement.",
    "Reviewed churn risks and the support escalation path.",
]
ITEMS = [
    ("Share the joint campaign calendar", "vendor"),
    ("Certify two more sales engineers", "partner"),
    ("Send three customer references", "partner"),
    ("Set up a quarterly pipeline call", "vendor"),
]


def _last_move(partner: Partner):
    last = StageHistory.objects.filter(partner=partner).order_by("-at").values_list("at", flat=True)
    return last.first() or partner.stage_entered_at


def _loop(partner: Partner, actor, *, turns: int, start, step: timedelta, meeting: timedelta):
    """`turns` QBRs that each took the partner to evaluation and back to growth."""
    now = timezone.now()
    for i in range(turns):
        held = start + step * i
        with inbox.history(held + meeting, now=now):  # read when the QBR was held
            _turn(partner, actor, i, last=i == turns - 1, held=held, meeting=meeting, now=now)


def _turn(partner: Partner, actor, i: int, *, last: bool, held, meeting: timedelta, now) -> None:
    qbr = qbr_schedule(partner=partner, scheduled_for=held, actor=actor)
    qbr_transition(qbr=qbr, name="start", actor=actor, now=held)
    for j, (title, side) in enumerate(ITEMS[(i % 2) * 2 : (i % 2) * 2 + 2]):
        due = (held + timedelta(days=30 + 7 * j)).date()
        left_open = last and side == "partner"  # the last turn leaves the partner one to do
        if left_open:
            # Due lately, not months ago: a team that let it slip for a quarter would have
            # been chased long before this morning.
            due = max(due, timezone.localdate(now) - timedelta(days=4))
        item = action_item_create(qbr=qbr, title=title, owner_side=side, due_date=due, actor=actor)
        if not left_open:
            action_item_update(
                item=item, actor=actor, done=True, now=min(held + timedelta(days=20), now)
            )
    qbr_transition(
        qbr=qbr,
        name="complete",
        actor=actor,
        now=held + meeting,
        outcome="continue",
        satisfaction_score=6 + (i * 3) % 5,
        notes=NOTES[i % len(NOTES)],
    )
    qbr.internal_notes = "Internal: watch discount requests." if i % 2 else ""
    qbr.save(update_fields=["internal_notes"])


def _demo_partner(name: str, ctx: dict, now) -> Partner:
    """A partner in growth for two years with no recorded moves yet, so that QBRs can be
    backdated over past quarters without contradicting an earlier history."""

    return Partner.objects.create(
        name=name,
        website=f"https://{name.split()[0].lower()}.example",
        partner_type=PartnerType.objects.filter(key="reseller").first(),
        tier=Tier.objects.order_by("rank").first(),
        manager=ctx.get("manager"),
        stage=Stage.GROWTH,
        stage_entered_at=now - timedelta(days=800),
    )


def seed(ctx: dict) -> None:
    now = timezone.now()
    actor = ctx.get("manager")
    loopers = []
    # Two partners that have lived in the loop for over a year: a quarterly QBR each turn.
    # (Named apart from the demo's customers: a QBR notice names the partner alone.)
    for name in ("Nod Publishers", "Tailwind Traders"):
        partner = _demo_partner(name, ctx, now)
        # The last turn two months ago: the dashboard's period shows a loop back to growth.
        start = now - TURN * 5 + timedelta(days=30)
        _loop(partner, actor, turns=5, start=start, step=TURN, meeting=EVALUATION)
        loopers.append(partner)
    for partner in ctx.get("partners") or []:
        partner.refresh_from_db()
        first = _last_move(partner) + timedelta(days=2)
        if partner.stage == Stage.GROWTH and now - first > timedelta(days=12):
            # One more turn after the partners' own history, so their users see a summary.
            turns = max(1, min(4, int((now - first) / TURN)))
            _loop(partner, actor, turns=turns, start=first, step=TURN, meeting=EVALUATION)
            loopers.append(partner)
        elif partner.stage == Stage.EVALUATION and now - partner.stage_entered_at < timedelta(
            days=30
        ):
            # An evaluation under way is a QBR in progress.
            qbr = qbr_schedule(partner=partner, scheduled_for=partner.stage_entered_at, actor=actor)
            qbr_transition(qbr=qbr, name="start", actor=actor, now=partner.stage_entered_at)

    # One overdue (its time passed, never held) and one coming up within the reminder window;
    # Northwind's is the upcoming one when it is in the loop, so nora sees it in the portal.
    northwind = ctx.get("northwind")
    upcoming = next((p for p in loopers if northwind and p.pk == northwind.pk), loopers[0])
    overdue = next(p for p in loopers if p.pk != upcoming.pk)
    # At the times of day meetings are set, not at the minute the demo was seeded.
    morning = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    qbr_schedule(partner=overdue, scheduled_for=morning - timedelta(days=4), actor=actor)
    qbr_schedule(partner=upcoming, scheduled_for=morning + timedelta(days=5), actor=actor)
    qbr_scheduling(now)
    ctx["qbrs"] = list(QBR.objects.filter(status=Status.COMPLETED))
