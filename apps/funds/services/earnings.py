"""Partner earnings (issue 21): the rebate accrued once when a registration is won, and payout
batches by period — previewed, written once, approved, exported, paid. `payout_batch_transition`
is the one way a batch's status (and with it its accruals' status) changes."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from apps.accounts.audiences import partner_users
from apps.audit.models import AuditEvent
from apps.core import transitions
from apps.core.access import READS_EARNINGS
from apps.core.errors import ConcurrentChange, DomainError, InvalidInput, NotPermitted
from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegistrationStatus
from apps.notifications.services import Text, notify
from apps.program.money import CENT, base_currency, to_base

from ..models import EarningAccrual, EarningStatus, PayoutBatch
from .requests import clean_text

# A month (2026-11) or a quarter (2026-Q4) of this century: the API's schema states the same.
PERIOD_PATTERN = r"^(20\d{2})-(?:(0[1-9]|1[0-2])|[Qq]([1-4]))\Z"
PERIOD = re.compile(PERIOD_PATTERN)
PERIOD_ERROR = gettext_lazy("Give a month as 2026-11 or a quarter as 2026-Q4.")


def earnings_convert(*, currency: str, since: date) -> int:
    """Accruals in `currency` stored without a rate in force on their date (amount_base empty)
    and won on or after `since`, converted now that a rate is: the totals in the base currency
    stop leaving them out. Only those accrued under today's base currency (a rate is to it).
    Returns how many were converted."""
    base = base_currency()
    waiting = EarningAccrual.objects.select_for_update().filter(
        currency=currency.upper(),
        base_currency=base,
        amount_base__isnull=True,
        won_on__gte=since,
    )
    converted = []
    with transaction.atomic():
        for accrual in waiting:
            accrual.amount_base = to_base(
                accrual.amount, accrual.currency, accrual.won_on, base=base
            )
            if accrual.amount_base is not None:
                converted.append(accrual)
        EarningAccrual.objects.bulk_update(converted, ["amount_base"], batch_size=500)
    return len(converted)


def _audit(*, action: str, object_type: str, object_id: int, actor, now: datetime, detail: dict):
    AuditEvent.objects.create(
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=AuditEvent.Outcome.DONE,
        detail=detail,
    )


# --- accrual ----------------------------------------------------------------------------------
def earning_accrue(*, registration_id: int, now: datetime | None = None) -> EarningAccrual | None:
    """Accrue the partner's rebate on a won registration, once: None when it is not won, the
    partner's tier gives no rebate, or it was accrued already (by an earlier win of the same
    registration, or by a concurrent event — the unique constraint decides)."""
    now = now or timezone.now()
    registration = (
        DealRegistration.objects.select_related("partner__tier").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != RegistrationStatus.WON:
        return None
    tier = registration.partner.tier
    if tier is None or tier.rebate_percent <= 0:
        return None
    if EarningAccrual.objects.filter(registration_id=registration.pk).exists():
        return None
    won_value = registration.won_value
    amount = (won_value * tier.rebate_percent / Decimal(100)).quantize(CENT)
    if amount <= 0:
        return None
    won_on = timezone.localdate(registration.closed_at or now)
    base = base_currency()
    try:
        with transaction.atomic():
            accrual = EarningAccrual.objects.create(
                registration=registration,
                partner_id=registration.partner_id,
                tier=tier,
                tier_name=tier.name,
                percent=tier.rebate_percent,
                won_value=won_value,
                currency=registration.currency.upper(),
                amount=amount,
                base_currency=base,
                amount_base=to_base(amount, registration.currency, won_on, base=base),
                won_on=won_on,
                created_at=now,
            )
            _audit(
                action="earning_accrued",
                object_type="funds.earningaccrual",
                object_id=accrual.pk,
                actor=None,
                now=now,
                detail={
                    "registration": registration.pk,
                    "partner": registration.partner_id,
                    "amount": str(amount),
                    "currency": accrual.currency,
                    "amount_base": None
                    if accrual.amount_base is None
                    else str(accrual.amount_base),
                    "percent": str(tier.rebate_percent),
                    "tier": tier.name,
                },
            )
    except IntegrityError as exc:
        if "earning_one_per_registration" in str(exc):
            return None  # accrued meanwhile by a concurrent event
        raise
    return accrual


# --- payout batches ---------------------------------------------------------------------------
def parse_period(text) -> tuple[str, date, date]:
    """`2026-11` (a month) or `2026-Q4` (a quarter) → (name, first day, last day)."""
    match = PERIOD.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidInput({"period": [str(PERIOD_ERROR)]})
    year, month, quarter = int(match[1]), match[2], match[3]
    if month:
        first, last = int(month), int(month)
        name = f"{year}-{month}"
    else:
        first, last = 3 * int(quarter) - 2, 3 * int(quarter)
        name = f"{year}-Q{quarter}"
    return name, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def unbatched(starts_on: date, ends_on: date) -> QuerySet[EarningAccrual]:
    """Accruals a batch of the period takes: accrued, in no batch, won within it (partial index
    earning_unbatched_idx)."""
    return EarningAccrual.objects.filter(
        status=EarningStatus.ACCRUED,
        batch__isnull=True,
        won_on__gte=starts_on,
        won_on__lte=ends_on,
    ).order_by("won_on", "id")


def fingerprint(accrual_ids) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(accrual_ids)).encode()).hexdigest()[:16]


@dataclass
class BatchPlan:
    """What a batch of the period would take: the preview, and what the write checks against."""

    name: str
    starts_on: date
    ends_on: date
    accruals: list[EarningAccrual]
    totals: dict[str, Decimal] = field(default_factory=dict)
    fingerprint: str = ""

    @property
    def count(self) -> int:
        return len(self.accruals)


def _plan(name: str, starts_on: date, ends_on: date, accruals: list[EarningAccrual]) -> BatchPlan:
    totals: dict[str, Decimal] = {}
    for a in accruals:
        totals[a.currency] = totals.get(a.currency, Decimal("0")) + a.amount
    return BatchPlan(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        accruals=accruals,
        totals=dict(sorted(totals.items())),
        fingerprint=fingerprint(a.pk for a in accruals),
    )


def payout_batch_plan(*, period) -> BatchPlan:
    """The preview: writes nothing."""
    name, starts_on, ends_on = parse_period(period)
    accruals = list(unbatched(starts_on, ends_on).select_related("partner", "registration"))
    return _plan(name, starts_on, ends_on, accruals)


def _require_staff(actor) -> None:
    if not getattr(actor, "is_staff_role", False):
        raise NotPermitted(_("Only admins and partner managers run payout batches."))


@transaction.atomic
def payout_batch_create(
    *, period, actor, expected: str | None = None, now: datetime | None = None
) -> PayoutBatch:
    """Write the batch the preview showed: the period's unbatched accruals, locked, so two
    batches written at once never take the same accrual. `expected` is the preview's
    fingerprint; when the accruals changed since, nothing is written (409 concurrent_change)."""
    _require_staff(actor)
    now = now or timezone.now()
    name, starts_on, ends_on = parse_period(period)
    # Locked in a stable order; a concurrent writer waits, then re-reads `batch IS NULL`.
    accruals = list(unbatched(starts_on, ends_on).select_for_update(of=("self",)))
    plan = _plan(name, starts_on, ends_on, accruals)
    if expected and expected != plan.fingerprint:
        raise ConcurrentChange(
            _("The accruals of %(p)s changed since the preview. Preview the batch again.")
            % {"p": name}
        )
    if not accruals:
        raise DomainError(
            _("No accrued earnings won in %(p)s wait for a batch.") % {"p": name},
            code="conditions_unmet",
            unmet=[_("Accrued earnings won in the period, in no other batch.")],
        )
    batch = PayoutBatch.objects.create(
        name=name, starts_on=starts_on, ends_on=ends_on, created_by=actor, created_at=now
    )
    taken = EarningAccrual.objects.filter(
        pk__in=[a.pk for a in accruals], batch__isnull=True
    ).update(batch=batch)
    if taken != len(accruals):  # cannot happen under the row locks; the database agrees
        raise ConcurrentChange(_("Another batch took some of these accruals. Preview again."))
    _audit(
        action="create",
        object_type="funds.payoutbatch",
        object_id=batch.pk,
        actor=actor,
        now=now,
        detail={
            "period": name,
            "accruals": len(accruals),
            "totals": {k: str(v) for k, v in plan.totals.items()},
        },
    )
    return batch


def _transition_input(name: str, data: dict) -> tuple[dict, str]:
    if name == "pay":
        reference = clean_text(data.get("reference"), "reference", required=True, limit=100)
        paid_on = data.get("paid_on")
        if not isinstance(paid_on, date):
            raise InvalidInput({"paid_on": [_("Give the payment date.")]})
        return {"reference": reference, "paid_on": paid_on}, reference
    return {}, ""


# What each batch transition makes of its accruals.
ACCRUALS_AFTER = {
    "approve": EarningStatus.APPROVED,
    "pay": EarningStatus.PAID,
    "cancel": EarningStatus.ACCRUED,
}


@transaction.atomic
def payout_batch_transition(
    *, batch: PayoutBatch, name: str, actor, now: datetime | None = None, via: str = "", **input
) -> PayoutBatch:
    """Run transition `name` (approve, pay {reference, paid_on}, cancel) and move the batch's
    accruals with it; a cancelled batch lets its accruals go to a later batch."""
    now = now or timezone.now()
    if name not in transitions.names(batch, "status"):
        raise DomainError(
            _("There is no transition called “%(n)s”.") % {"n": name},
            code="transition_not_allowed",
        )
    _require_staff(actor)
    kwargs, note = _transition_input(name, input)
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    transitions.apply(batch, "status", name, user=actor, now=now, actor=actor, **kwargs)
    accruals = EarningAccrual.objects.filter(batch=batch)
    partner_ids = sorted(set(accruals.values_list("partner_id", flat=True)))
    if name == "cancel":
        accruals.update(status=EarningStatus.ACCRUED, batch=None)
    else:
        accruals.update(status=ACCRUALS_AFTER[name])
    if name == "pay":
        _notify_paid(batch, partner_ids, note)
    return batch


def _notify_paid(batch: PayoutBatch, partner_ids: list[int], reference: str) -> None:
    for partner_id in partner_ids:
        notify(
            recipients=partner_users(partner_id).filter(partner_role__in=READS_EARNINGS),
            kind="earnings_paid",
            subject=Text(gettext_noop("Earnings paid for %(p)s"), {"p": batch.name}),
            body=Text(
                gettext_noop("Your rebates for %(p)s were paid, reference %(r)s."),
                {"p": batch.name, "r": reference},
            ),
            key=f"earnings-paid:{batch.pk}:{partner_id}",
            link=reverse("portal:earnings"),
        )
