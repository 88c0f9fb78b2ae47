"""Demo partner earnings: the tiers' rebates, a few more of Northwind's deals won over the last
three months, the rebate of every won demo registration, and payout batches — two months ago
paid, last month approved, this month's still accrued — so "Earnings", "Payout batches" and
Fiona's "My earnings" show each state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.deals.models import DealRegistration, RegistrationEvent, Status
from apps.funds.services import earning_accrue, payout_batch_create, payout_batch_transition
from apps.program.models import Tier

REBATES = {"Bronze": Decimal("1"), "Silver": Decimal("2"), "Gold": Decimal("3")}
# customer, domain, value, currency, months ago (0: this month), day of the month
WINS = [
    ("Blue Yonder Airlines", "blueyonderairlines.com", "42000", "EUR", 2, 6),
    ("Wingtip Toys", "wingtiptoys.com", "18500", "EUR", 2, 19),
    ("Woodgrove Bank", "woodgrovebank.com", "96000", "USD", 1, 11),
    ("Margie's Travel", "margiestravel.com", "23000", "EUR", 1, 24),
    ("Alpine Ski House", "alpineskihouse.com", "31000", "EUR", 0, 1),
]


def _month_start(today: date, months_ago: int) -> date:
    first = today.replace(day=1)
    for _ in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def _won(ctx: dict, win: tuple, closed: datetime) -> None:
    customer, domain, value, currency, _months_ago, _day = win
    partner, nora, manager = ctx["northwind"], ctx["nora"], ctx["manager"]
    submitted = closed - timedelta(days=40)
    reg = DealRegistration.objects.create(
        partner=partner,
        submitted_by=nora,
        status=Status.WON,
        customer_name=customer,
        customer_domain=domain,
        customer_country="DE",
        contact_name="Alex Buyer",
        contact_email=f"alex@{domain}",
        product="Analytics suite",
        estimated_value=Decimal(value),
        actual_value=Decimal(value),
        currency=currency,
        expected_close_date=closed.date(),
        submitted_at=submitted,
        reviewed_at=submitted + timedelta(hours=20),
        reviewed_by=manager,
        approved_at=submitted + timedelta(hours=20),
        expires_at=submitted + timedelta(days=partner.protection_days),
        closed_at=closed,
    )
    RegistrationEvent.objects.bulk_create(
        [
            RegistrationEvent(
                registration=reg, transition="submit", to_status=Status.SUBMITTED, actor=nora,
                at=submitted,
            ),
            RegistrationEvent(
                registration=reg, transition="approve", from_status=Status.SUBMITTED,
                to_status=Status.APPROVED, actor=manager, at=reg.approved_at,
            ),
            RegistrationEvent(
                registration=reg, transition="mark_won", from_status=Status.APPROVED,
                to_status=Status.WON, actor=manager, at=closed,
            ),
        ]
    )  # fmt: skip


def seed(ctx: dict) -> None:
    manager = ctx["manager"]
    now = timezone.now()
    today = timezone.localdate(now)
    for tier in Tier.objects.filter(name__in=REBATES):
        tier.rebate_percent = REBATES[tier.name]
        tier.save(update_fields=["rebate_percent"])
    for win in WINS:
        months_ago, day = win[4], win[5]
        won_on = min(_month_start(today, months_ago) + timedelta(days=day - 1), today)
        closed = timezone.make_aware(datetime.combine(won_on, time(15)))
        _won(ctx, win, min(closed, now))
    for pk in DealRegistration.objects.filter(status=Status.WON).values_list("pk", flat=True):
        earning_accrue(registration_id=pk, now=now)
    paid_month, approved_month = (f"{_month_start(today, n):%Y-%m}" for n in (2, 1))
    paid = payout_batch_create(period=paid_month, actor=manager, now=now)
    payout_batch_transition(batch=paid, name="approve", actor=manager, now=now)
    payout_batch_transition(
        batch=paid,
        name="pay",
        actor=manager,
        now=now,
        reference=f"REB-{paid_month}",
        paid_on=today - timedelta(days=3),
    )
    approved = payout_batch_create(period=approved_month, actor=manager, now=now)
    payout_batch_transition(batch=approved, name="approve", actor=manager, now=now)
