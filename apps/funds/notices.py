"""Notifications of the funds that name an amount: the amount too is written in each
recipient's language (apps.notifications.services.Text formats dates and moments; this adds
money)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation

from apps.core.formatting import format_money
from apps.notifications.services import Text


@dataclass(frozen=True)
class Money:
    """An amount among a notification's parameters, written when the notification is."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class MoneyText(Text):
    """A Text whose Money parameters are written in the recipient's language."""

    def render(self, language: str, time_zone: str = "") -> str:
        with translation.override(language):
            params = {
                name: format_money(value.amount, value.currency)
                if isinstance(value, Money)
                else value
                for name, value in self.params.items()
            }
        return Text(self.msgid, params).render(language, time_zone)
