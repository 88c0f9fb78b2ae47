"""A partner's won business over the trailing 12 months, in the base currency: what the tier
evaluation (apps/tiers) measures and the funds' tier rules (apps/funds) allocate by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models.functions import Coalesce

from apps.core.postgresql.ctes import with_ctes
from apps.program.models import Tier
from apps.program.money import CENT, MONEY, base_currency, rate_to_base
from apps.program.stages import ACTIVE_STAGES

from .models import DealRegistration

WON = "won"


def window_start(now: datetime) -> datetime:
    """The same moment twelve calendar months earlier (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)


@dataclass
class Figures:
    """A partner's won business in the trailing 12 months, in the base currency."""

    base: str
    start: datetime
    end: datetime
    won_value: Decimal = Decimal("0.00")
    won_deals: int = 0
    # people with an active certification (set by the tier evaluation, which reads enablement)
    certified_people: int = 0
    # currency -> amount that had no rate in force on its close date (not in won_value)
    missing: dict[str, Decimal] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def missing_currencies(self) -> list[str]:
        return sorted(self.missing)

    def meets(self, tier: Tier | None) -> bool:
        if tier is None:
            return True
        return (
            self.won_value >= tier.min_won_value
            and self.won_deals >= tier.min_won_deals
            and self.certified_people >= tier.min_certified_people
        )

    def as_json(self) -> dict:
        return {
            "won_value": str(self.won_value),
            "won_deals": self.won_deals,
            "certified_people": self.certified_people,
            "base_currency": self.base,
            "window_start": self.start.isoformat(),
            "window_end": self.end.isoformat(),
            "converted_with": "the exchange rate in force on each registration's close date",
            "missing_rates": {cur: str(amount) for cur, amount in sorted(self.missing.items())},
        }


def won_figures(partner_ids: list[int] | None, now: datetime, *, base: str | None = None):
    """{partner_id: Figures} for won registrations closed in (now − 12 months, now].

    One query for any number of partners (`partner_ids` None: every active partner): each
    registration is converted in SQL with the rate in force on its close date, and the sums are
    grouped by partner and currency so a currency without a rate shows up instead of vanishing.
    """

    base = (base or base_currency()).upper()
    start = window_start(now)
    money = MONEY
    deals = DealRegistration.objects.filter(status=WON, closed_at__gte=start, closed_at__lte=now)
    if partner_ids is None:
        deals = deals.filter(partner__stage__in=ACTIVE_STAGES)
    else:
        deals = deals.filter(partner_id__in=partner_ids)
    # The conversion built once and grouped in SQL: the ORM's grouped annotate() would build
    # and compile the rate lookup again for each sum that reads it. Not materialized: the
    # planner inlines it, so the statement runs as the ORM's would.
    won = deals.annotate(
        won=Coalesce("actual_value", "estimated_value", output_field=money),
        rate=rate_to_base(base, on="closed_at__date"),
    ).values("partner_id", "currency", "won", "rate")
    rows = with_ctes(
        {"won": won},
        """SELECT partner_id, currency, COUNT(*) AS deals, SUM(won * rate) AS converted,
                  SUM(won) FILTER (WHERE rate IS NULL) AS unconverted
           FROM won GROUP BY partner_id, currency""",
    )
    result: dict[int, Figures] = {}
    for row in rows:
        figures = result.get(row["partner_id"])
        if figures is None:
            figures = result[row["partner_id"]] = Figures(base=base, start=start, end=now)
        figures.won_deals += row["deals"]
        if row["converted"] is not None:
            figures.won_value += Decimal(row["converted"])
        if row["unconverted"]:
            currency = row["currency"].upper()
            figures.missing[currency] = (
                figures.missing.get(currency, Decimal("0")) + Decimal(row["unconverted"])
            ).quantize(CENT)
    for figures in result.values():
        figures.won_value = figures.won_value.quantize(CENT)
    return result
