"""What funds do when the floors below announce something (connected in FundsConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from apps.deals.events import registration_won
from apps.partners.events import partner_exited
from apps.program.events import exchange_rate_saved

from .exit import carry_out
from .services import earning_accrue, earnings_convert


@receiver(partner_exited, dispatch_uid="funds.cancel_on_exit")
def cancel_unclaimed_requests(sender, partner, actor=None, reason="", now=None, **kwargs):
    return carry_out(partner, now=now)


@receiver(registration_won, dispatch_uid="funds.accrue_rebate")
def accrue_rebate(sender, registration_id=None, **kwargs):
    """The partner's rebate on the won registration, once (services/earnings.py)."""
    if registration_id is not None:
        earning_accrue(registration_id=registration_id)


@receiver(exchange_rate_saved, dispatch_uid="funds.convert_earnings")
def convert_earnings(sender, currency=None, effective_date=None, **kwargs):
    """Earnings accrued before a rate was in force on their date count in the base currency
    once one is."""
    if currency and effective_date:
        earnings_convert(currency=currency, since=effective_date)
