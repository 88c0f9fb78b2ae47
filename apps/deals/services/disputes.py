"""Protection disputes: two open claims on one customer found when customers became registrable
domains (migration 0008). An admin decides which registration keeps the customer; the other's
claim ends by the registration's own transitions (`reject` while submitted, `expire` while
approved), with the decision as its reason, and its partner is told — never who the other is."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.audiences import partner_users
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.notifications.services import Text, notify

from ..models import UNDECIDED_STATUSES, DealRegistration, ProtectionDispute, Status
from .review import registration_transition

REASON = "Another registration already holds this customer; an admin decided which one keeps it."


def open_disputes():
    return ProtectionDispute.objects.filter(decision="").select_related(
        "holder__partner", "challenger__partner"
    )


def _end_claim(loser: DealRegistration, actor, now: datetime) -> None:
    if loser.status in UNDECIDED_STATUSES:
        registration_transition(
            registration=loser, name="reject", actor=actor, now=now, reason=REASON
        )
    elif loser.status == Status.APPROVED:
        # The protection window ends now, by the sweep's own transition, recorded with the admin.
        registration_transition(
            registration=loser, name="expire", actor=actor, now=now, as_system=True, via=REASON
        )
        notify(
            recipients=partner_users(loser.partner_id),
            kind="deal_expire",
            subject=Text(
                gettext_noop("Protection ended: %(customer)s"), {"customer": loser.customer_name}
            ),
            body=Text(
                gettext_noop(
                    "Your registration of %(customer)s was a second claim on a customer another "
                    "registration already held. An admin decided that the other registration "
                    "keeps it, so this protection has ended."
                ),
                {"customer": loser.customer_name},
            ),
            key=f"deal-dispute:{loser.pk}",
            link=reverse("portal:deal_detail", args=[loser.pk]),
        )


@transaction.atomic
def dispute_decide(
    *, dispute: ProtectionDispute, decision: str, actor, now: datetime | None = None
) -> ProtectionDispute:
    if not actor.is_admin:
        raise NotPermitted(_("Only admins decide protection disputes."))
    if decision not in ProtectionDispute.Decision.values:
        raise InvalidInput({"decision": [_("Choose which registration keeps the customer.")]})
    now = now or timezone.now()
    dispute = ProtectionDispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.decision:
        raise DomainError(_("This dispute has already been decided."), code="concurrent_change")
    holder, challenger = (
        DealRegistration.objects.select_for_update().select_related("partner").get(pk=pk)
        for pk in (dispute.holder_id, dispute.challenger_id)
    )
    keep_holder = decision == ProtectionDispute.Decision.KEEP_HOLDER
    winner, loser = (holder, challenger) if keep_holder else (challenger, holder)
    if loser.is_open:
        _end_claim(loser, actor, now)
    # The winner leaves the set-aside state once the loser's claim has ended, so the unique
    # indexes (one approved per customer, one open per partner and customer) admit it.
    DealRegistration.objects.filter(pk=winner.pk, duplicate_of=loser.pk).update(duplicate_of=None)
    dispute.decision, dispute.decided_by, dispute.decided_at = decision, actor, now
    dispute.save(update_fields=["decision", "decided_by", "decided_at"])
    return dispute
