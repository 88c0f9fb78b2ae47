"""Fund periods and allocations: by hand, or by a rule over tiers, previewed by the same function
that writes it. The period's row lock and its CHECK keep the budget from being over-allocated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import iso
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.formatting import format_money
from apps.deals.figures import won_figures
from apps.partners.models import Partner
from apps.program.models import Tier
from apps.program.money import CENT, base_currency, to_base
from apps.program.stages import ACTIVE_STAGES

from ..models import MAX_AMOUNT, FundAllocation, FundPeriod, Movement
from .ledger import record


class OverAllocated(DomainError):
    code = "over_allocated"


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise NotPermitted(_("Only admins open fund periods and allocate funds."))


def clean_amount(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: [_("Enter an amount.")]}) from None
    low = Decimal("0") if allow_zero else Decimal("0.01")
    if not amount.is_finite() or amount < low or amount > MAX_AMOUNT:
        raise InvalidInput(
            {
                field: [
                    _("Enter an amount between %(low)s and %(high)s.")
                    % {"low": format_money(low, None), "high": format_money(MAX_AMOUNT, None)}
                ]
            }
        )
    if amount != amount.quantize(CENT):
        raise InvalidInput({field: [_("Use at most two decimal places.")]})
    return amount.quantize(CENT)


@transaction.atomic
def period_create(
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    budget: Decimal,
    actor,
    now: datetime | None = None,
) -> FundPeriod:
    _require_admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 40 or "\x00" in name:
        raise InvalidInput({"name": [_("Name the period in 1 to 40 characters, e.g. 2027-H1.")]})
    if ends_on < starts_on:
        raise InvalidInput({"ends_on": [_("The period ends on or after the day it starts.")]})
    if FundPeriod.objects.filter(name=name).exists():
        raise InvalidInput({"name": [_("A fund period has this name already.")]})
    return FundPeriod.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=clean_amount(budget, "budget", allow_zero=True),
        currency=base_currency(),
        created_at=now or timezone.now(),
    )


def _over_allocated(period: FundPeriod, amount_base: Decimal) -> OverAllocated:
    cur = period.currency
    return OverAllocated(
        _(
            "The %(period)s budget cannot cover this: %(asked)s asked, %(left)s of %(budget)s "
            "left to allocate. Allocate less or raise the budget."
        )
        % {
            "period": period.name,
            "asked": format_money(amount_base, cur),
            "left": format_money(period.unallocated, cur),
            "budget": format_money(period.budget, cur),
        }
    )


def _allocate_locked(
    *,
    period: FundPeriod,
    partner: Partner,
    amount: Decimal,
    currency: str,
    claim_deadline: date,
    actor,
    now: datetime,
    rule: str = "",
) -> FundAllocation:
    """Within the caller's transaction and its lock on the period row."""
    currency = (currency or "").upper()
    if currency not in iso.CURRENCY_CODES:
        raise InvalidInput({"currency": [str(iso.CURRENCY_ERROR) % {"value": currency or "—"}]})
    if claim_deadline < period.starts_on:
        raise InvalidInput(
            {"claim_deadline": [_("The claim deadline is within or after the period.")]}
        )
    if FundAllocation.objects.filter(period=period, partner=partner).exists():
        raise InvalidInput(
            {
                "partner": [
                    _("%(partner)s has an allocation in %(period)s already.")
                    % {"partner": partner.name, "period": period.name}
                ]
            }
        )
    amount_base = to_base(amount, currency, now, base=period.currency)
    if amount_base is None:
        raise InvalidInput(
            {
                "currency": [
                    _("No exchange rate from %(from)s to %(to)s is in force.")
                    % {"from": currency, "to": period.currency}
                ]
            }
        )
    if period.allocated_base + amount_base > period.budget:
        raise _over_allocated(period, amount_base)
    allocation = FundAllocation.objects.create(
        period=period,
        partner=partner,
        amount=amount,
        currency=currency,
        amount_base=amount_base,
        claim_deadline=claim_deadline,
        rule=rule,
        created_at=now,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            FundPeriod.objects.filter(pk=period.pk).update(
                allocated_base=F("allocated_base") + amount_base
            )
    except IntegrityError as exc:  # fund_period_within_budget: the guarantee behind the check
        raise _over_allocated(period, amount_base) from exc
    period.allocated_base += amount_base
    record(
        allocation=allocation,
        kind=Movement.Kind.ALLOCATED,
        amount=amount,
        actor=actor,
        now=now,
        note=rule or "allocated by hand",
    )
    allocation.refresh_from_db(fields=["allocated", "committed", "claimed", "paid"])
    return allocation


def _locked_period(period: FundPeriod) -> FundPeriod:
    return FundPeriod.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def allocation_create(
    *,
    period: FundPeriod,
    partner: Partner,
    amount,
    currency: str,
    claim_deadline: date,
    actor,
    now: datetime | None = None,
) -> FundAllocation:
    _require_admin(actor)
    return _allocate_locked(
        period=_locked_period(period),
        partner=partner,
        amount=clean_amount(amount, "amount"),
        currency=currency,
        claim_deadline=claim_deadline,
        actor=actor,
        now=now or timezone.now(),
    )


@dataclass
class PlanRow:
    partner: Partner
    tier: Tier
    won_value: Decimal
    percent: Decimal
    amount: Decimal
    already: bool  # has an allocation in the period: left as it is


@dataclass
class Plan:
    period: FundPeriod
    rows: list[PlanRow]
    claim_deadline: date
    written: int = 0

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows if not r.already), Decimal("0.00"))

    @property
    def fits(self) -> bool:
        return self.total <= self.period.unallocated


def clean_rule(percents: dict) -> dict[int, Decimal]:
    """{tier id: percent of the last 12 months' won value}, each 0–100."""
    rule: dict[int, Decimal] = {}
    for tier_id, value in percents.items():
        if value in (None, ""):
            continue
        try:
            pct = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise InvalidInput({f"tier_{tier_id}": [_("Enter a percentage.")]}) from None
        if not pct.is_finite() or not Decimal("0") <= pct <= Decimal("100"):
            raise InvalidInput({f"tier_{tier_id}": [_("Enter a percentage from 0 to 100.")]})
        if pct > 0:
            rule[int(tier_id)] = pct
    if not rule:
        raise InvalidInput({"non_field_errors": [_("Give at least one tier a percentage.")]})
    return rule


@transaction.atomic
def allocate_by_rule(
    *,
    period: FundPeriod,
    percents: dict,
    claim_deadline: date,
    actor,
    write: bool,
    now: datetime | None = None,
) -> Plan:
    """The allocations a tier rule gives ("Gold: 2% of the last 12 months' won value"): each
    active partner of a tier in the rule gets its percentage of its won value, in the base
    currency. The same function previews (`write=False`) and writes, so what is shown is what
    is written; partners already allocated in the period are shown and left alone, so writing
    twice allocates once. The whole plan is refused when it does not fit the budget."""
    _require_admin(actor)
    now = now or timezone.now()
    rule = clean_rule(percents)
    if write:
        period = _locked_period(period)
    partners = list(
        Partner.objects.select_related("tier")
        .filter(stage__in=ACTIVE_STAGES, tier_id__in=list(rule))
        .order_by("name", "id")
    )
    figures = won_figures([p.pk for p in partners], now, base=period.currency)
    taken = set(
        FundAllocation.objects.filter(period=period, partner__in=partners).values_list(
            "partner_id", flat=True
        )
    )
    rows = []
    for partner in partners:
        fig = figures.get(partner.pk)
        won = fig.won_value if fig is not None else Decimal("0.00")
        pct = rule[partner.tier_id]
        amount = (won * pct / 100).quantize(CENT, rounding=ROUND_DOWN)
        if amount > 0:
            rows.append(PlanRow(partner, partner.tier, won, pct, amount, partner.pk in taken))
    plan = Plan(period=period, rows=rows, claim_deadline=claim_deadline)
    if not write:
        return plan
    if not plan.fits:
        raise _over_allocated(period, plan.total)
    for row in rows:
        if row.already:
            continue
        _allocate_locked(
            period=period,
            partner=row.partner,
            amount=row.amount,
            currency=period.currency,
            claim_deadline=claim_deadline,
            actor=actor,
            now=now,
            rule=f"{row.tier.name}: {row.percent.normalize()}% of {row.won_value} won",
        )
        plan.written += 1
    return plan
