from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from apps.qbrs import quarters
from apps.qbrs.models import QBR, ActionItem
from tests.factories import PartnerFactory


class QBRFactory(factory.django.DjangoModelFactory):
    """QBRFactory(status="completed", outcome="continue"): status is settable only here."""

    class Meta:
        model = QBR

    partner = factory.SubFactory(PartnerFactory, stage="growth")
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    quarter = factory.LazyAttribute(lambda q: quarters.label_for(q.scheduled_for))
    status = "scheduled"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    qbr = factory.SubFactory(QBRFactory)
    title = factory.Sequence(lambda n: f"Action item {n}")
    owner_side = "partner"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


def registration(
    partner,
    *,
    status="submitted",
    submitted_at,
    currency="USD",
    value="1000",
    actual_value=None,
    reviewed_at=None,
    approved_at=None,
    closed_at=None,
    **extra,
):
    """A deal registration built directly in the state a metrics test needs."""
    from apps.deals.models import DealRegistration

    n = DealRegistration.objects.count()
    return DealRegistration.objects.create(
        partner=partner,
        status=status,
        customer_name=f"Customer {n}",
        customer_domain=f"customer{n}.example",
        customer_country="US",
        contact_name="Casey Contact",
        contact_email="casey@example.com",
        product="Widgets",
        estimated_value=Decimal(value),
        currency=currency,
        expected_close_date=datetime.date(2030, 1, 1),
        submitted_at=submitted_at,
        reviewed_at=reviewed_at,
        approved_at=approved_at,
        closed_at=closed_at,
        actual_value=Decimal(actual_value) if actual_value is not None else None,
        **extra,
    )
