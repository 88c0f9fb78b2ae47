"""The money figures kept per partner (models.PartnerMoney): approved pipeline and won value over
each of the page's periods, marked by writes and due by the clock like the health scores
(stores.py), read instead of ranking every partner over the period's registrations.

Ranking partners by won value read every approved registration and every win of the period
(about 100,000 rows and 150 ms at 1,000,000 registrations). Each partner's figures are stored
for the 30, 90 and 365 days at once, computed by the statement that computes them from the
registrations (metrics.money_per_partner, with money()'s own conversions), and recomputed when a
write marks the partner — a registration's partner, status, values, currency or close, the
partner's tier, manager or name — or for everyone (partner 0) when an exchange rate or the base
currency changes; and when the clock makes them due (a win leaving a window, a rate coming into
force). `figures()` then ranks the stored rows: O(partners with money), not O(registrations).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F, Q, Sum

from apps.deals.models import DealRegistration
from apps.partners.models import Partner
from apps.program.models import ExchangeRate, ProgramSettings

from .metrics.common import PERIODS, Window
from .metrics.deals import money, money_per_partner, money_result
from .models import ALL_PARTNERS, MoneyMark, PartnerMoney
from .stores import Source, Store, columns_of

WINDOWS = PERIODS


def _sources() -> list[Source]:
    everyone = str(ALL_PARTNERS)
    return [
        (
            DealRegistration._meta.db_table,
            "x.partner_id",
            columns_of(
                DealRegistration,
                "partner",
                "status",
                "estimated_value",
                "actual_value",
                "currency",
                "closed_at",
            ),
        ),
        (Partner._meta.db_table, "x.id", columns_of(Partner, "tier", "manager", "name")),
        (
            ExchangeRate._meta.db_table,
            everyone,
            columns_of(ExchangeRate, "currency", "rate_to_base", "effective_date"),
        ),
        (ProgramSettings._meta.db_table, everyone, columns_of(ProgramSettings, "base_currency")),
    ]


def _stored() -> tuple[str, ...]:
    per_window = [
        f"{figure}_{w}"
        for w in WINDOWS
        for figure in ("won", "won_deals", "won_missing", "won_missing_currencies")
    ]
    return (
        "tier_id",
        "manager_id",
        "name",
        "pipeline",
        "pipeline_n",
        "pipeline_missing",
        "pipeline_missing_currencies",
        *per_window,
    )


STORE = Store(
    name="money",
    rows=PartnerMoney,
    marks=MoneyMark,
    stored=_stored(),
    sources=_sources,
    statement=lambda now, only: money_per_partner(now, only, WINDOWS),
)
install = STORE.install
uninstall = STORE.uninstall
refresh = STORE.refresh
rebuild = STORE.rebuild


def figures(now: datetime, period: int | Window, manager=None, limit: int = 10) -> dict:
    """metrics.money(now, period, manager, limit)'s answer from the stored figures (three reads
    after the refresh) for the rolling periods. Another period (a calendar quarter, a custom
    range), or a moment before the stored figures, is computed from the registrations."""
    if not isinstance(period, int) or period not in WINDOWS or STORE.stored_after(now):
        return money(now, period, manager, limit)
    days = period
    refresh(now)
    won, deals, lacking = f"won_{days}", f"won_deals_{days}", f"won_missing_{days}"
    rows = PartnerMoney.objects.filter(Q(pipeline_n__gt=0) | Q(**{f"{deals}__gt": 0}))
    if manager is not None:
        rows = rows.filter(manager_id=manager.pk)
    top = [
        {
            "id": r["partner_id"],
            "name": r["name"],
            "pipeline": r["pipeline"],
            "won": r[won],
            "won_deals": r[deals],
            "missing": r["pipeline_missing"] + r[lacking],
        }
        for r in rows.order_by(F(won).desc(), F("pipeline").desc(), "partner_id")[:limit].values(
            "partner_id", "name", "pipeline", won, deals, "pipeline_missing", lacking
        )
    ]
    per_tier = {
        r["tier_id"]: {
            "pipeline": r["pipeline"] or Decimal(0),
            "won": r["won"] or Decimal(0),
            "won_deals": r["won_deals"],
            "missing": r["missing"],
        }
        for r in rows.values("tier_id")
        .order_by("tier_id")
        .annotate(
            pipeline=Sum("pipeline"),
            won=Sum(won),
            won_deals=Sum(deals),
            missing=Sum(F("pipeline_missing") + F(lacking)),
        )
    }
    missing = _lacking_currencies(
        rows.filter(Q(pipeline_missing__gt=0) | Q(**{f"{lacking}__gt": 0})), days
    )
    base = ProgramSettings.get().base_currency.upper()
    return money_result(base, top, per_tier, missing)


def _lacking_currencies(rows, days: int) -> set[str]:
    """The currencies that lacked a rate among `rows`, gathered by PostgreSQL: the distinct
    pairs of lists first (a handful), then their codes — a few codes back, not a row per partner
    missing a rate (thousands in a program with an unrated currency)."""
    codes = rows.values_list("pipeline_missing_currencies", f"won_missing_currencies_{days}")
    sql, params = codes.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT code FROM "  # noqa: S608 — our SQL around the queryset's
            f"(SELECT pipeline, won FROM ({sql}) m (pipeline, won) GROUP BY 1, 2) pairs, "
            "unnest(COALESCE(pipeline, '{}') || COALESCE(won, '{}')) code",
            params,
        )
        return {code for (code,) in cursor.fetchall()}
