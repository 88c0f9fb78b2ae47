"""The partner's figures a library template may name (apps/enablement/merge.py discovers this
module): last quarter's registrations, pipeline, won value and win rate — the QBR figures —
and the partner's open action items. A figure that cannot be given is None (shown as "—")."""

from __future__ import annotations

from datetime import datetime

from apps.core.formatting import format_money

from . import quarters
from .metrics import figures_for
from .models import ActionItem
from .templatetags.qbrs import figure


def _money(amount, currency: str) -> str | None:
    """In the currency's own symbol and decimals, in the language the document is written in."""
    return None if amount in (None, "") else format_money(amount, currency)


def figures(partner, now: datetime) -> dict[str, str | None]:
    quarter = quarters.shift(quarters.label_for(now), -1)
    data = figures_for(partner, quarter, now)
    currency = data["currency"]
    unconverted = bool(data.get("unconverted_currencies"))
    return {
        "quarter": quarter,
        "registrations": figure(data["submitted"]),
        # A sum that left out a currency without a rate is not the figure: say nothing.
        "pipeline": None if unconverted else _money(data["pipeline_value"], currency),
        "won_value": None if unconverted else _money(data["won_value"], currency),
        "win_rate": None if data["win_rate"] is None else figure(data["win_rate"], "percent"),
        "open_action_items": figure(
            ActionItem.objects.filter(qbr__partner=partner, done=False).count()
        ),
    }
