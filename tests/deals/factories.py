from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from apps.deals.models import DealRegistration, Status
from apps.partners.models import Stage
from tests.factories import PartnerFactory


def word(n: int) -> str:
    """A made-up company word, unlike any other (so factory names never look similar)."""
    digest = hashlib.sha256(str(n).encode()).hexdigest()
    return "".join(chr(ord("a") + int(digest[i : i + 2], 16) % 26) for i in range(0, 18, 2))


class RegistrationFactory(factory.django.DjangoModelFactory):
    """RegistrationFactory(approved=True) etc.: statuses are settable only at creation."""

    class Meta:
        model = DealRegistration
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory, stage=Stage.GROWTH)
    submitted_by = None
    status = Status.SUBMITTED
    customer_name = factory.Sequence(lambda n: f"{word(n).title()} Inc")
    customer_domain = factory.LazyAttribute(
        lambda r: r.customer_name.split()[0].lower() + ".example"
    )
    customer_country = "US"
    contact_name = "Jordan Buyer"
    contact_email = factory.LazyAttribute(lambda r: f"jordan@{r.customer_domain}")
    product = "Analytics suite"
    estimated_value = Decimal("25000.00")
    currency = "USD"
    expected_close_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def conflicts(obj, create, extracted, **kwargs):
        """Store its conflicts as submission does (only while open; see record_conflicts)."""
        if create:
            from apps.deals.services import record_conflicts

            record_conflicts(obj)

    class Params:
        approved = factory.Trait(
            status=Status.APPROVED,
            reviewed_at=factory.LazyAttribute(lambda r: r.submitted_at + timedelta(hours=2)),
            approved_at=factory.LazyAttribute(lambda r: r.submitted_at + timedelta(hours=2)),
            expires_at=factory.LazyAttribute(lambda r: r.approved_at + timedelta(days=90)),
        )


def registration_in(status: str, **kwargs) -> DealRegistration:
    """A registration in any status with the timestamps that status implies."""
    now = timezone.now()
    extra: dict = {}
    if status == Status.INFO_REQUESTED:
        extra["info_requested_at"] = now
    elif status not in (Status.SUBMITTED, Status.WITHDRAWN):
        extra["reviewed_at"] = now
    if status in (Status.APPROVED, Status.WON, Status.LOST, Status.EXPIRED):
        extra.update(approved_at=now, expires_at=now + timedelta(days=90))
    if status in (Status.WON, Status.LOST, Status.EXPIRED):
        extra["closed_at"] = now
    if status == Status.REJECTED:
        extra["rejection_reason"] = "No."
    return RegistrationFactory(status=status, **{**extra, **kwargs})
