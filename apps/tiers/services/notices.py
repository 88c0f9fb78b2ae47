"""The evaluation's notifications, batched for a whole run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts import audiences
from apps.accounts.models import User
from apps.deals.figures import Figures
from apps.notifications.services import Message, Text, notify_batch

from ..models import Direction
from .changes import TIER_CHANGED_BODY, portal_tier_link


def _proposal_key(p) -> str:
    return f"tier-proposal:{p.pk}"


def notify_evaluation(proposals, changes, partners, now: datetime) -> None:
    """Notifications for a whole run in two queries: the recipients, then one bulk insert."""
    if not proposals and not changes:
        return
    by_id = {p.pk: p for p in partners}
    admins, users = audiences.admins_and_partner_users({c.partner_id for c in changes})

    def staff_of(partner) -> Sequence[User | int]:
        return [partner.manager_id] if partner.manager_id else admins

    queue = reverse("tiers:proposals")
    messages: list[dict] = []
    for p in proposals:
        partner = by_id[p.partner_id]
        if p.direction == Direction.PROMOTION:
            subject = gettext_noop("Promote %(partner)s to %(to)s?")
        else:
            subject = gettext_noop("Demote %(partner)s to %(to)s?")
        labels = {"partner": partner.name, "from": p.current_label, "to": p.proposed_label}
        messages.append(
            dict(
                recipients=staff_of(partner),
                kind="tier_proposal",
                subject=Text(subject, labels),
                body=Text(
                    gettext_noop(
                        "The tier evaluation proposes moving %(partner)s from %(from)s to "
                        "%(to)s. Approve or dismiss it in the tier proposals queue."
                    ),
                    labels,
                ),
                key=_proposal_key(p),
                link=queue,
            )
        )
    for c in changes:
        partner = by_id[c.partner_id]
        messages += _change_messages(c, partner, staff_of(partner), users.get(partner.pk, []))
    notify_many(messages)


def _change_messages(
    c, partner, staff: Sequence[User | int], users: Sequence[User | int]
) -> list[dict]:
    key = f"tier-change:{c.pk}"
    labels = {"partner": partner.name, "from": c.from_label, "to": c.to_label}
    if c.direction == Direction.PROMOTION:
        subject = gettext_noop("%(partner)s promoted to %(to)s")
    else:
        subject = gettext_noop("%(partner)s moved to %(to)s")
    return [
        dict(
            recipients=staff,
            kind="tier_change",
            subject=Text(subject, labels),
            body=Text(
                gettext_noop("%(partner)s: %(from)s → %(to)s. %(reason)s"),
                {**labels, "reason": c.reason},
            ),
            key=key,
            link=reverse("tiers:proposals"),
        ),
        dict(
            recipients=users,
            kind="tier_change",
            subject=Text(gettext_noop("Your company is now %(to)s"), labels),
            body=Text(TIER_CHANGED_BODY, labels),
            key=key,
            link=portal_tier_link(),
        ),
    ]


def notify_missing_rates(figures_by_partner: dict[int, Figures], now: datetime) -> None:
    notify_missing_currencies(
        sorted({c for f in figures_by_partner.values() for c in f.missing}), now
    )


def notify_missing_currencies(currencies: list[str], now: datetime) -> None:
    """The admins' daily notice of the currencies without a rate (one key per set and day)."""
    if not currencies:
        return
    admins = audiences.admin_list()
    notify_many(
        [
            dict(
                recipients=admins,
                kind="exchange_rate_missing",
                subject=Text(
                    gettext_noop("No exchange rate for %(currencies)s"),
                    {"currencies": ", ".join(currencies)},
                ),
                body=Text(
                    gettext_noop(
                        "Won registrations in %(currencies)s could not be converted to the base "
                        "currency, so tier figures leave them out and no demotion is proposed for "
                        "the partners concerned. Add the rates."
                    ),
                    {"currencies": ", ".join(currencies)},
                ),
                key=f"tier-missing-rate:{'-'.join(currencies)}:{timezone.localdate(now):%Y-%m-%d}",
                link=reverse("tiers:rates"),
            )
        ]
    )


def notify_many(messages: list[dict]) -> int:
    """The sweep's messages, batched: one read of existing keys and one insert in all."""
    return notify_batch(
        Message(
            recipients=m["recipients"],
            kind=m["kind"],
            subject=m["subject"],
            key=m["key"],
            body=m["body"],
            link=m.get("link", ""),
        )
        for m in messages
    )
