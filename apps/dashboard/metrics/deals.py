"""The deal registration figures: weekly flow, review time against the SLA, win rate, and the
money — pipeline and won value in the base currency."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.deals.models import Status as RegStatus
from apps.program.models import ProgramSettings, Tier

from ..stats import queryset_percentiles
from .common import _hours, _rate, _via_partner, window

MONEY = DecimalField(max_digits=30, decimal_places=10)
CENT = Decimal("0.01")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def registrations(now: datetime, days: int, manager=None) -> dict:
    """Submitted / approved / rejected per week, review time against the SLA, SLA breaches now,
    win rate of the registrations closed in the period. Eight queries, each bounded by an index
    on its timestamp (see dashboard migration 0001)."""
    w = window(now, days)
    sla = ProgramSettings.get().review_sla_hours
    regs = DealRegistration.objects.filter(_via_partner(manager))

    def weekly(field: str, **extra) -> dict[date, int]:
        rows = (
            regs.filter(**{f"{field}__gte": w.start, f"{field}__lte": w.end}, **extra)
            .annotate(week=TruncWeek(field))
            .values("week")
            .annotate(n=Count("*"))  # not "id": the timestamp indexes cover the count
            .order_by()
        )
        return {
            timezone.localdate(r["week"]) if isinstance(r["week"], datetime) else r["week"]: r["n"]
            for r in rows
        }

    submitted = weekly("submitted_at")
    approved = weekly("approved_at")
    rejected = weekly("reviewed_at", status=RegStatus.REJECTED)
    weeks = []
    day = week_start(timezone.localdate(w.start))
    last = week_start(timezone.localdate(w.end))
    while day <= last:
        weeks.append(
            {
                "week": day,
                "submitted": submitted.get(day, 0),
                "approved": approved.get(day, 0),
                "rejected": rejected.get(day, 0),
            }
        )
        day += timedelta(days=7)

    reviewed = Q(reviewed_at__gte=w.start, reviewed_at__lte=w.end)
    review = queryset_percentiles(
        regs.filter(reviewed).annotate(
            review=ExpressionWrapper(F("reviewed_at") - F("submitted_at"), DurationField())
        ),
        "review",
        (0.5, 0.9),
    ).get(None, {})
    # Three aggregates, each over its own index (never the whole table): what waits now (the
    # partial index of submitted registrations), what was reviewed in the period, what closed.
    agg = regs.filter(status=RegStatus.SUBMITTED).aggregate(
        waiting=Count("*"),
        breaches=Count("submitted_at", filter=Q(submitted_at__lt=now - timedelta(hours=sla))),
    )
    agg |= regs.filter(reviewed).aggregate(
        reviewed=Count("*"),
        reviewed_late=Count(
            "reviewed_at", filter=Q(reviewed_at__gt=F("submitted_at") + timedelta(hours=sla))
        ),
    )
    agg |= regs.filter(
        status__in=[RegStatus.WON, RegStatus.LOST], closed_at__gte=w.start, closed_at__lte=w.end
    ).aggregate(
        won=Count("closed_at", filter=Q(status=RegStatus.WON)),
        lost=Count("closed_at", filter=Q(status=RegStatus.LOST)),
    )
    median, p90 = _hours(review.get(0.5)), _hours(review.get(0.9))
    return {
        "weeks": weeks,
        "totals": {
            key: sum(wk[key] for wk in weeks) for key in ("submitted", "approved", "rejected")
        },
        "sla_hours": sla,
        "review_median_hours": median,
        "review_p90_hours": p90,
        "median_over_sla": median is not None and median > sla,
        "p90_over_sla": p90 is not None and p90 > sla,
        "reviewed": agg["reviewed"],
        "reviewed_late": agg["reviewed_late"],
        "waiting": agg["waiting"],
        "breaches": agg["breaches"],
        "won": agg["won"],
        "lost": agg["lost"],
        "win_rate": _rate(agg["won"], agg["won"] + agg["lost"]),
    }


_rates_table: bool = False


def rates_available() -> bool:
    """Whether the exchange-rate table exists yet (the tiers app ships it); remembered once
    true, as tables do not disappear under a running site."""
    global _rates_table
    if not _rates_table:
        from apps.tiers.models import ExchangeRate

        _rates_table = ExchangeRate._meta.db_table in connection.introspection.table_names()
    return _rates_table


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _rate_in_force():
    """Each row's rate to the base currency in force on its `rate_date` (NULL when none is, or
    when there is no rate table yet)."""
    if not rates_available():
        return Value(None, output_field=MONEY)
    from apps.tiers.models import ExchangeRate

    return Subquery(
        ExchangeRate.objects.filter(
            currency=OuterRef("currency"), effective_date__lte=OuterRef("rate_date")
        )
        .order_by("-effective_date")
        .values("rate_to_base")[:1],
        output_field=MONEY,
    )


def in_base_currency(regs, base: str, today: date):
    """Annotate `amount` (won value for won, estimated value otherwise) and `in_base` (that
    amount in the base currency, NULL when no rate is in force) — converted in SQL with the rate
    in force on the close date for won registrations and on `today` for the others."""
    rate = _rate_in_force()
    return regs.annotate(
        rate_date=Case(
            When(status=RegStatus.WON, then=TruncDate("closed_at")),
            default=Value(today),
            output_field=DateField(),
        ),
        amount=Case(
            When(status=RegStatus.WON, then=Coalesce("actual_value", "estimated_value")),
            default=F("estimated_value"),
            output_field=MONEY,
        ),
    ).annotate(
        in_base=Case(
            When(currency=base, then=F("amount")),
            default=ExpressionWrapper(F("amount") * rate, output_field=MONEY),
            output_field=MONEY,
        )
    )


def _rates_on(day: date) -> dict[str, Decimal]:
    """{currency: the rate in force on `day`} — one query over the (small) rate table."""
    if not rates_available():
        return {}
    from apps.tiers.models import ExchangeRate

    latest = (
        ExchangeRate.objects.filter(currency=OuterRef("currency"), effective_date__lte=day)
        .order_by("-effective_date")
        .values("effective_date")[:1]
    )
    return dict(
        ExchangeRate.objects.filter(effective_date=Subquery(latest))
        .values_list("currency", "rate_to_base")
        .order_by()
    )


def _converted(regs, base: str, amount, rate_date, rates: dict | None = None):
    """Annotate `in_base`: `amount` in the base currency at the rate in force on `rate_date`
    (NULL when none is), reading no column but those the dashboard's covering indexes hold.
    With `rates` ({currency: rate}, when every row converts on the same day) the rate is a
    constant CASE instead of a lookup per row."""
    if rates is not None:
        rate = Case(
            *[When(currency=c, then=Value(r)) for c, r in sorted(rates.items())],
            default=Value(None),
            output_field=MONEY,
        )
    else:
        rate = _rate_in_force()
    return regs.annotate(
        rate_date=ExpressionWrapper(rate_date, output_field=DateField()),
        amount=ExpressionWrapper(amount, output_field=MONEY),
    ).annotate(
        in_base=Case(
            When(currency=base, then=F("amount")),
            default=ExpressionWrapper(F("amount") * rate, output_field=MONEY),
            output_field=MONEY,
        )
    )


def money(now: datetime, days: int, manager=None, limit: int = 10) -> dict:
    """Approved pipeline (approved now, at today's rate) and won value (won in the period, at
    the rate in force on the close date) by partner and by tier, in the base currency. Amounts
    in a currency with no rate in force are left out of the sums and counted, never guessed."""
    w = window(now, days)
    base = ProgramSettings.get().base_currency.upper()
    today = timezone.localdate(now)
    # Two index-only scans (dashboard migration 0001): the approved registrations through the
    # partial pipeline index (converted at today's rates, constants in the query), those won in
    # the period through the closed-at index (at the rate of each close date) — each converted
    # and summed per partner in the database; the ranking by partner, the sums by tier and the
    # currencies without a rate are folded here from those per-partner rows.
    mine = DealRegistration.objects.filter(_via_partner(manager))
    approved = _converted(
        mine.filter(status=RegStatus.APPROVED),
        base,
        F("estimated_value"),
        Value(today),
        rates=_rates_on(today),
    )
    won = _converted(
        mine.filter(status=RegStatus.WON, closed_at__gte=w.start, closed_at__lte=w.end),
        base,
        Coalesce("actual_value", "estimated_value"),
        TruncDate("closed_at"),
    )
    # Grouped by partner; the currencies left unconverted ride along as an array on PostgreSQL
    # (usually empty), while SQLite — no ARRAY_AGG, and small — groups by currency as well.
    missing = Q(in_base__isnull=True)
    keys: tuple[str, ...] = ("partner_id", "partner__name", "partner__tier_id")
    extra: dict = {}
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        extra["currencies"] = ArrayAgg("currency", filter=missing, distinct=True, default=None)
    else:
        keys = (*keys, "currency")
    groups = [
        {**g, "pipeline": g["total"], "won": None, "won_deals": 0}
        for g in approved.values(*keys)
        .annotate(
            total=Sum("in_base", output_field=MONEY),
            missing=Count("partner_id", filter=missing),
            **extra,
        )
        .order_by()
    ] + [
        {**g, "pipeline": None, "won": g["total"], "won_deals": g["n"]}
        for g in won.values(*keys)
        .annotate(
            total=Sum("in_base", output_field=MONEY),
            n=Count("partner_id"),
            missing=Count("partner_id", filter=missing),
            **extra,
        )
        .order_by()
    ]
    zero = {"pipeline": Decimal(0), "won": Decimal(0), "won_deals": 0, "missing": 0}
    per_partner: dict[int, dict] = {}
    per_tier: dict[int | None, dict] = {}
    missing_set: set[str] = set()
    for g in groups:
        if g["missing"]:
            missing_set.update(g["currencies"] if "currencies" in g else [g["currency"]])
        for key, into in (
            (g["partner_id"], per_partner),
            (g["partner__tier_id"], per_tier),
        ):
            row = into.setdefault(key, {**zero, "name": g["partner__name"]})  # tiers: unused
            row["pipeline"] += g["pipeline"] or 0
            row["won"] += g["won"] or 0
            row["won_deals"] += g["won_deals"]
            row["missing"] += g["missing"]
    tier_names = {t.pk: (t.rank, t.name) for t in Tier.objects.filter(pk__in=list(per_tier))}
    # Best first: won, then pipeline, then id (nothing converted counts as zero).
    by_partner = sorted(
        (
            {"partner_id": pk, "partner__name": row["name"], **row}
            for pk, row in per_partner.items()
        ),
        key=lambda r: (-r["won"], -r["pipeline"], r["partner_id"]),
    )[:limit]
    by_tier = sorted(
        (
            {
                "partner__tier_id": pk,
                "partner__tier__name": tier_names[pk][1] if pk in tier_names else None,
                "rank": tier_names[pk][0] if pk in tier_names else None,
                **row,
            }
            for pk, row in per_tier.items()
        ),
        key=lambda r: (r["rank"] is None, r["rank"] or 0),
    )
    missing_currencies = sorted(missing_set)

    def shape(row, **extra) -> dict:
        return {
            **extra,
            "pipeline": _money(row["pipeline"]),
            "won": _money(row["won"]),
            "won_deals": row["won_deals"],
            "missing": row["missing"],
        }

    partners = [shape(r, partner_id=r["partner_id"], name=r["partner__name"]) for r in by_partner]
    tiers = [
        shape(r, tier_id=r["partner__tier_id"], name=r["partner__tier__name"] or "No tier")
        for r in by_tier
    ]
    return {
        "base": base,
        "by_partner": partners,
        "by_tier": tiers,
        "pipeline": sum((t["pipeline"] for t in tiers), Decimal("0.00")),
        "won": sum((t["won"] for t in tiers), Decimal("0.00")),
        "won_deals": sum(t["won_deals"] for t in tiers),
        "missing": sum(t["missing"] for t in tiers),
        "missing_currencies": missing_currencies,
    }


def partner_money(partner_id: int, start: datetime, now: datetime) -> dict:
    """One partner's won value in [start, now] and approved pipeline now, in the base currency,
    with the registrations left out for want of a rate. Two queries."""
    base = ProgramSettings.get().base_currency.upper()
    regs = DealRegistration.objects.filter(partner_id=partner_id).filter(
        Q(status=RegStatus.APPROVED)
        | Q(status=RegStatus.WON, closed_at__gte=start, closed_at__lte=now)
    )
    agg = in_base_currency(regs, base, timezone.localdate(now)).aggregate(
        pipeline=Sum("in_base", filter=Q(status=RegStatus.APPROVED), output_field=MONEY),
        approved=Count("id", filter=Q(status=RegStatus.APPROVED)),
        won=Sum("in_base", filter=Q(status=RegStatus.WON), output_field=MONEY),
        won_deals=Count("id", filter=Q(status=RegStatus.WON)),
        missing=Count("id", filter=Q(in_base__isnull=True)),
    )
    return {
        "base": base,
        "start": start,
        "won": _money(agg["won"]),
        "won_deals": agg["won_deals"],
        "pipeline": _money(agg["pipeline"]),
        "approved": agg["approved"],
        "missing": agg["missing"],
    }
