"""Registering a deal."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.audiences import vendor_side
from apps.core import extra_fields
from apps.core.errors import DomainError, NotPermitted
from apps.notifications.services import Amount, Text, notify

from ..events import registration_submitted
from ..models import DealRegistration, RegistrationEvent, Status
from ..normalize import name_key
from ..selectors import own_open_registration
from .announce import announce
from .conflicts import lock_for_detection, record_conflicts
from .validation import registration_validate


class PartnerInactive(DomainError):
    code = "partner_inactive"


class DuplicateRegistration(DomainError):
    code = "duplicate_registration"


def _refuse_duplicate(partner, customer_domain: str) -> None:
    """A partner holds one open registration per customer (the database says so too)."""
    first = own_open_registration(partner.pk, customer_domain)
    if first is not None:
        raise DuplicateRegistration(
            _("Your company already has an open registration of %(domain)s.")
            % {"domain": customer_domain},
            extra={"registration": first},
        )


def require_active(partner) -> None:
    if not partner.is_active_partner:
        raise PartnerInactive(
            _(
                "Deals can be registered only while the partnership is active "
                "(onboarding, growth, evaluation or expansion)."
            )
        )


# What `apps.core.extra_fields` calls a registration.
EXTENDED = "deals.registration"


@transaction.atomic
def registration_create(
    *, partner, submitted_by, data: dict, now: datetime | None = None
) -> DealRegistration:
    now = now or timezone.now()
    if submitted_by.is_partner_user and submitted_by.partner_id != partner.pk:
        raise NotPermitted(_("Partner users register deals for their own company only."))
    if not (submitted_by.is_partner_user or submitted_by.is_staff_role):
        raise NotPermitted()
    require_active(partner)
    cleaned = registration_validate(data, today=timezone.localdate(now))
    registration = DealRegistration(
        partner=partner, submitted_by=submitted_by, submitted_at=now, **cleaned
    )
    registration.customer_name_key = name_key(registration.customer_name)
    # Submissions of one customer run one after the other from here (an advisory lock), so the
    # duplicate check sees any submitted a moment ago; the unique index is the last word.
    lock_for_detection(registration)
    _refuse_duplicate(partner, registration.customer_domain)
    try:
        # In a savepoint of its own already (RandomIdModel.save_base): a lost race on the
        # unique index rolls back to it, and the transaction can still look up the first.
        registration.save(force_insert=True)
    except IntegrityError as exc:
        if "deal_one_open_per_partner_customer" not in str(exc):
            raise
        _refuse_duplicate(partner, registration.customer_domain)
        raise
    # What the apps above add to a registration (funds: the fund request that produced it).
    extra_fields.save(EXTENDED, registration, data, partner_id=partner.pk, actor=submitted_by)
    # Conflict detection runs once, here: lists and the queue read the stored pairs.
    registration.conflicts_found = record_conflicts(registration)
    RegistrationEvent.objects.create(
        registration=registration,
        transition="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        actor=submitted_by,
        at=now,
        via="" if submitted_by.is_partner_user else "on the partner's behalf",
    )
    notify(
        recipients=vendor_side(partner),
        kind="deal_submitted",
        subject=Text(
            gettext_noop("New deal registration from %(partner)s: %(customer)s"),
            {"partner": partner.name, "customer": registration.customer_name},
        ),
        body=Text(
            gettext_noop("%(partner)s registered %(customer)s (%(domain)s), %(value)s."),
            {
                "partner": partner.name,
                "customer": registration.customer_name,
                "domain": registration.customer_domain,
                "value": Amount(registration.estimated_value, registration.currency),
            },
        ),
        key=f"deal-submitted:{registration.pk}",
        link=reverse("deals:detail", args=[registration.pk]),
    )
    announce(registration, registration_submitted, submitted_by)
    return registration
