"""What a partner's exit does to its fund requests (apps/core/exits.py): requests not yet claimed
are cancelled and an approved amount goes back to the allocation; claims already submitted stay
for the manager to decide and pay (the activity took place)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.exits import Effect, perform
from apps.core.formatting import format_money

from .models import EarningAccrual, EarningStatus, FundRequest, Status
from .services import fund_request_transition

ORDER = 50
UNCLAIMED = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED)


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    return _request_effects(partner, now=now) + _earning_effects(partner, now=now)


def _request_effects(partner, *, now: datetime) -> list[Effect]:
    requests = FundRequest.objects.filter(partner=partner, status__in=UNCLAIMED).order_by(
        "created_at", "id"
    )
    return [
        Effect(
            app="funds",
            action="cancel",
            object_id=r.pk,
            group=_("Fund requests to cancel"),
            label=(
                _("%(title)s: approved, not claimed; cancelled and the amount released")
                if r.status == Status.APPROVED
                else _("%(title)s: %(status)s; cancelled")
            )
            % {"title": r.title, "status": r.get_status_display().lower()},
            link=reverse("funds:request", args=[r.pk]),
        )
        for r in requests
    ]


def carry_out(partner, *, now: datetime) -> list[Effect]:
    def cancel(effect: Effect) -> None:
        if effect.action != "cancel":
            return  # unpaid earnings stay payable: nothing to do
        fund_request_transition(
            fund_request=FundRequest.objects.get(pk=effect.object_id),
            name="cancel",
            actor=None,  # the system: the exit itself was authorised
            now=now,
            via="partner exit",
        )

    return perform(exit_effects, cancel, partner, now=now)


def _earning_effects(partner, *, now: datetime) -> list[Effect]:
    """Earnings not yet paid stay payable after the exit (the deals were won while a partner):
    one line saying so, with the amounts per currency."""
    rows = list(
        EarningAccrual.objects.filter(partner=partner)
        .exclude(status=EarningStatus.PAID)
        .order_by()
        .values("currency")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("currency")
    )
    if not rows:
        return []
    n = sum(r["n"] for r in rows)
    amounts = ", ".join(format_money(r["total"], r["currency"]) for r in rows)
    return [
        Effect(
            app="funds",
            action="keep_payable",
            object_id=partner.pk,
            group=_("Earnings that stay payable"),
            label=ngettext(
                "%(n)s unpaid rebate (%(amounts)s) stays payable in a payout batch",
                "%(n)s unpaid rebates (%(amounts)s) stay payable in payout batches",
                n,
            )
            % {"n": n, "amounts": amounts},
            link=f"{reverse('funds:earnings')}?partner={partner.pk}",
        )
    ]
