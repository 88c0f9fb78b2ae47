"""Writes of the QBR app. `qbr_transition` is the one way a QBR changes status, whichever door
(page, portal, API, sweep, the partner's exit) it comes through; the partner's stage moves only
through the lifecycle's `partner_transition`, in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import can_proceed

from apps.core import transitions
from apps.core.access import PARTNER_ROLE_REFUSED, WORKS_TASKS, partner_role_allows
from apps.core.errors import ConditionsUnmet, InvalidInput, NotPermitted, TransitionNotAllowed
from apps.core.events import send_after_commit
from apps.notifications.services import Text, notify
from apps.partners.models import Partner, Stage
from apps.partners.services import partner_transition

from . import metrics, quarters
from .events import qbr_completed
from .models import QBR, ActionItem, Outcome, OwnerSide, Status

# The lifecycle transition each outcome runs, when the partner's stage has it.
OUTCOME_TRANSITIONS = {
    Outcome.CONTINUE: "continue_growth",
    Outcome.EXPAND: "start_expansion",
    Outcome.EXIT: "exit",
}


def _stage_label(stage: str) -> str:
    return transitions.state_label(Partner, "stage", stage)


def _partner_can(partner: Partner, name: str) -> bool:
    return can_proceed(getattr(partner, name), check_conditions=False)


def _locked_partner(qbr: QBR) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=qbr.partner_id)
    qbr.partner = partner
    return partner


def _move_partner(
    partner,
    name: str,
    *,
    actor,
    qbr: QBR,
    now: datetime,
    note: str = "",
    reason="",
    confirmed_impact: str | None = None,
):
    return partner_transition(
        partner=partner,
        name=name,
        actor=actor,
        note=note,
        reason=reason,
        via=qbr.label,
        now=now,
        confirmed_impact=confirmed_impact,
    )


def _require_staff(actor) -> None:
    # `None` is the system (demo data, sweeps); a partner user only reads QBRs.
    if actor is not None and not getattr(actor, "is_staff_role", False):
        raise NotPermitted(_("Only partner managers and admins run QBRs."))


def _validate_score(score) -> None:
    if score is None:
        return
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 10:
        raise InvalidInput({"satisfaction_score": [_("Give a score from 1 to 10.")]})


@transaction.atomic
def qbr_schedule(
    *, partner, scheduled_for: datetime, actor=None, quarter: str | None = None
) -> QBR:
    _require_staff(actor)
    if timezone.is_naive(scheduled_for):
        raise InvalidInput({"scheduled_for": [_("Give a time zone.")]})
    quarter = quarter or quarters.label_for(scheduled_for)
    if not quarters.is_valid(quarter):
        raise InvalidInput({"quarter": [_("Write the quarter as YYYY-Qn, e.g. 2026-Q4.")]})
    if partner.stage == Stage.EXITED:
        raise ConditionsUnmet(
            _("An exited partner has no QBRs."),
            code="partner_inactive",
            unmet=[_("The partner has exited.")],
        )
    if QBR.objects.filter(
        partner=partner, status__in=[Status.SCHEDULED, Status.IN_PROGRESS]
    ).exists():
        raise ConditionsUnmet(
            _("This partner already has an open QBR; hold or cancel it first."),
            unmet=[_("The partner already has an open QBR.")],
        )
    try:
        with transaction.atomic():
            return QBR.objects.create(partner=partner, quarter=quarter, scheduled_for=scheduled_for)
    except IntegrityError as exc:  # someone scheduled one meanwhile
        raise ConditionsUnmet(
            _("This partner already has an open QBR."),
            unmet=[_("The partner already has an open QBR.")],
        ) from exc


@transaction.atomic
def qbr_update(
    *,
    qbr: QBR,
    actor,
    notes: str | None = None,
    internal_notes: str | None = None,
    satisfaction_score: int | None = None,
    scheduled_for: datetime | None = None,
) -> QBR:
    """Notes, score and time of a QBR that is still open (a held QBR's record is frozen)."""
    _require_staff(actor)
    if not qbr.is_open:
        raise ConditionsUnmet(
            _("This QBR is %(status)s; its record can no longer be edited.")
            % {"status": transitions.state_label(qbr, "status", qbr.status)},
            unmet=[_("The QBR is no longer open.")],
        )
    _validate_score(satisfaction_score)
    if scheduled_for is not None and qbr.status != Status.SCHEDULED:
        raise InvalidInput({"scheduled_for": [_("A QBR that has started cannot be moved.")]})
    fields = []
    for name, value in (
        ("notes", notes),
        ("internal_notes", internal_notes),
        ("satisfaction_score", satisfaction_score),
        ("scheduled_for", scheduled_for),
    ):
        if value is not None:
            setattr(qbr, name, value)
            fields.append(name)
    if scheduled_for is not None:
        qbr.reminded_days = None
        qbr.overdue_alerted_at = None
        fields += ["reminded_days", "overdue_alerted_at"]
    if fields:
        qbr.save(update_fields=fields)
    return qbr


def _check_completion(outcome: str, reason: str, satisfaction_score: int | None) -> None:
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome: continue, expand or exit.")]
    if outcome == Outcome.EXIT and not (reason or "").strip():
        errors["reason"] = [_("Say why the partnership ends.")]
    try:
        _validate_score(satisfaction_score)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def qbr_transition(  # noqa: PLR0913 — each transition's input, named
    *,
    qbr: QBR,
    name: str,
    actor,
    now: datetime | None = None,
    outcome: str = "",
    satisfaction_score: int | None = None,
    notes: str | None = None,
    reason: str = "",
    confirmed_impact: str | None = None,
) -> QBR:
    """Run QBR transition `name` (start, complete, cancel) with its effect on the partner.
    `confirmed_impact`: with outcome exit, the fingerprint of the exit preview the manager was
    shown (`exit_preview`); the exit is refused if it would now do anything else."""
    now = now or timezone.now()
    if name not in ("start", "complete", "cancel"):
        raise TransitionNotAllowed(transitions.no_such_transition(name))
    if name == "complete":
        # Input first: a refused completion changes nothing at all.
        _check_completion(outcome, reason, satisfaction_score)
    partner = _locked_partner(qbr)
    if name == "start":
        _start(qbr, partner, actor, now)
    elif name == "cancel":
        transitions.apply(qbr, "status", "cancel", user=actor, now=now)
    else:
        _complete(
            qbr,
            partner,
            actor,
            now,
            outcome=outcome,
            satisfaction_score=satisfaction_score,
            notes=notes,
            reason=reason,
            confirmed_impact=confirmed_impact,
        )
    return qbr


def _start(qbr: QBR, partner, actor, now: datetime) -> None:
    stage_before = partner.stage
    transitions.apply(qbr, "status", "start", user=actor, now=now)
    if stage_before == Stage.GROWTH:
        _move_partner(
            partner, "start_evaluation", actor=actor, qbr=qbr, now=now, note="QBR started"
        )
        qbr.stage_effect = "The partner moved from growth to evaluation."
    else:
        qbr.stage_effect = (
            f"The partner is in {_stage_label(stage_before)}: starting the QBR "
            "did not change its stage."
        )
    qbr.save(update_fields=["stage_effect"])


def _complete(  # noqa: PLR0913 — the completion's input, named
    qbr: QBR,
    partner,
    actor,
    now: datetime,
    *,
    outcome,
    satisfaction_score,
    notes,
    reason,
    confirmed_impact: str | None = None,
) -> None:
    """Record the outcome, move the partner as the outcome says where its stage allows, tell
    the partner (unless it exits) and announce the completion."""
    stage_before = partner.stage
    transitions.apply(
        qbr,
        "status",
        "complete",
        user=actor,
        now=now,
        outcome=outcome,
        reason=(reason or "").strip(),
        metrics=metrics.snapshot(qbr, now),
        satisfaction_score=satisfaction_score,
        notes=notes,
    )
    wanted = OUTCOME_TRANSITIONS[Outcome(outcome)]
    outcome_label = Outcome(outcome).label.lower()
    if _partner_can(partner, wanted):
        _move_partner(
            partner,
            wanted,
            actor=actor,
            qbr=qbr,
            now=now,
            note=f"QBR outcome: {outcome_label}",
            reason=qbr.outcome_reason if outcome == Outcome.EXIT else "",
            confirmed_impact=confirmed_impact if outcome == Outcome.EXIT else None,
        )
        qbr.stage_effect = (
            f"The partner moved from {_stage_label(stage_before)} to {_stage_label(partner.stage)}."
        )
    else:
        qbr.stage_effect = (
            f"The partner is in {_stage_label(stage_before)}, where “{outcome_label}” has no "
            "stage change: the outcome is recorded and the stage stays as it is."
        )
    qbr.save(update_fields=["stage_effect"])
    if outcome != Outcome.EXIT:
        notify(
            recipients=partner.users.filter(is_active=True),
            kind="qbr_completed",
            subject=Text(
                gettext_noop("Your QBR summary for %(quarter)s is ready"), {"quarter": qbr.quarter}
            ),
            body=Text(
                gettext_noop(
                    "The summary of your %(quarter)s QBR is ready: how the quarter went, the "
                    "outcome and the action items agreed, with who does what by when."
                ),
                {"quarter": qbr.quarter},
            ),
            key=f"qbr-completed:{qbr.pk}",
            link=reverse("portal:qbr_detail", args=[qbr.pk]),
        )
    send_after_commit(
        qbr_completed,
        QBR,
        qbr_id=qbr.pk,
        partner_id=qbr.partner_id,
        quarter=qbr.quarter,
        outcome=qbr.outcome,
    )


@transaction.atomic
def action_item_create(
    *, qbr: QBR, title: str, owner_side: str, due_date: date | None = None, actor=None
) -> ActionItem:
    _require_staff(actor)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Say what is to be done.")]
    elif len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    if owner_side not in OwnerSide.values:
        errors["owner_side"] = [_("Choose vendor or partner.")]
    if errors:
        raise InvalidInput(errors)
    if qbr.status == Status.CANCELLED:
        raise ConditionsUnmet(
            _("This QBR was cancelled; it takes no action items."),
            unmet=[_("The QBR was cancelled.")],
        )
    return ActionItem.objects.create(qbr=qbr, title=title, owner_side=owner_side, due_date=due_date)


def _check_partner_tick(item: ActionItem, actor, *, editing: bool) -> None:
    if item.qbr.partner_id != actor.partner_id:
        raise NotPermitted(_("This action item is not yours."))
    if item.owner_side != OwnerSide.PARTNER:
        raise NotPermitted(_("Only the vendor may update the vendor's action items."))
    if not partner_role_allows(actor, WORKS_TASKS):
        raise NotPermitted(PARTNER_ROLE_REFUSED)
    if editing:
        raise NotPermitted(_("You may only mark your action items done."))


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    actor,
    now: datetime | None = None,
    done: bool | None = None,
    title: str | None = None,
    owner_side: str | None = None,
    due_date: date | None = None,
    due_date_set: bool = False,
) -> ActionItem:
    """Mark an action item done (or not) and, for staff, edit it. A partner user may only tick
    their own company's partner-side items (visibility is the caller's queryset: 404 before)."""
    now = now or timezone.now()
    if getattr(actor, "is_partner_user", False):
        _check_partner_tick(
            item, actor, editing=title is not None or owner_side is not None or due_date_set
        )
    fields: list[str] = []
    if title is not None:
        title = title.strip()
        if not title or len(title) > 200:
            raise InvalidInput({"title": [_("Between 1 and 200 characters.")]})
        item.title = title
        fields.append("title")
    if owner_side is not None:
        if owner_side not in OwnerSide.values:
            raise InvalidInput({"owner_side": [_("Choose vendor or partner.")]})
        item.owner_side = owner_side
        fields.append("owner_side")
    if due_date_set:
        item.due_date = due_date
        item.overdue_reminded_at = None
        fields += ["due_date", "overdue_reminded_at"]
    if done is not None and done != item.done:
        item.done = done
        item.done_at = now if done else None
        item.done_by = actor if done else None
        fields += ["done", "done_at", "done_by"]
    if fields:
        item.save(update_fields=fields)
    return item
