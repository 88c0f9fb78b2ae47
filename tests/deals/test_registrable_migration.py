"""Migration 0008: stored customers become registrable domains; double claims are set aside."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# Partners as they were then too: the columns added later (0007's reach) have no database default,
# so the historical model of 0007 could not insert a partner into today's table.
BEFORE = [("deals", "0007_iso_codes_from_pycountry"), ("partners", "0006_qualified_at")]
AFTER = [("deals", "0008_registrable_domains")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _forward_again_after():
    """The test migrates deals back to 0007: afterwards every app goes forward to its latest
    migration again, or the tests after it would meet a schema without the later columns,
    triggers and tables (deals 0010/0011, the dashboard's roll-up triggers)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_it_recomputes_customers_and_sets_double_claims_aside_for_admins():
    old = _migrate(BEFORE)
    Partner = old.get_model("partners", "Partner")
    PartnerType = old.get_model("program", "PartnerType")
    Registration = old.get_model("deals", "DealRegistration")
    kind = PartnerType.objects.first() or PartnerType.objects.create(
        key="reseller", name="Reseller"
    )
    alice_co = Partner.objects.create(name="Alice Co", partner_type=kind, stage="growth")
    bob_co = Partner.objects.create(name="Bob Co", partner_type=kind, stage="growth")
    now = timezone.now()

    def reg(partner, domain, status, minutes, name):
        approved = now - timedelta(minutes=minutes) if status == "approved" else None
        return Registration.objects.create(
            partner_id=partner.pk,
            status=status,
            customer_name=name,
            customer_name_key=name.lower(),
            customer_domain=domain,
            customer_country="US",
            contact_name="Jo",
            contact_email="jo@example.com",
            product="Suite",
            estimated_value=Decimal("10.00"),
            currency="USD",
            expected_close_date=now.date(),
            submitted_at=now - timedelta(minutes=minutes + 5),
            approved_at=approved,
            expires_at=approved and approved + timedelta(days=90),
        )

    holder = reg(alice_co, "acme.com", "approved", 50, "Qwertyacme")
    sibling = reg(bob_co, "shop.acme.com", "approved", 10, "Zxcvbshop")  # approved later
    first = reg(bob_co, "initech.co.uk", "submitted", 30, "Poiuyinit")
    again = reg(bob_co, "www2.initech.co.uk", "submitted", 20, "Lkjhginit")
    closed = reg(alice_co, "old.globex.com", "rejected", 40, "Mnbvcglob")
    untouched = reg(alice_co, "umbrella.de", "submitted", 5, "Asdfgumbr")

    new = _migrate(AFTER)
    Registration = new.get_model("deals", "DealRegistration")
    Dispute = new.get_model("deals", "ProtectionDispute")
    Conflict = new.get_model("deals", "RegistrationConflict")
    domains = dict(Registration.objects.values_list("pk", "customer_domain"))
    assert domains[holder.pk] == domains[sibling.pk] == "acme.com"
    assert domains[first.pk] == domains[again.pk] == "initech.co.uk"
    assert domains[closed.pk] == "globex.com"
    assert domains[untouched.pk] == "umbrella.de"
    # Nothing changed silently: both claims stay, the later one is set aside for a decision.
    assert Registration.objects.get(pk=sibling.pk).status == "approved"
    aside = dict(
        Registration.objects.filter(duplicate_of__isnull=False).values_list("pk", "duplicate_of")
    )
    assert aside == {sibling.pk: holder.pk, again.pk: first.pk}
    assert set(Dispute.objects.values_list("holder", "challenger", "customer_domain")) == {
        (holder.pk, sibling.pk, "acme.com"),
        (first.pk, again.pk, "initech.co.uk"),
    }
    # The stored conflicts know the two claims are one customer.
    assert Conflict.objects.filter(
        registration=holder.pk, other=sibling.pk, same_domain=True
    ).exists()
    assert Conflict.objects.filter(registration=again.pk, other=first.pk, same_domain=True).exists()
    # And the database refuses a third approved claim on the customer.
    third = reg(bob_co, "acme.com", "submitted", 1, "Tyuioacme")  # bob's claim is set aside
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=third.pk).update(status="approved", approved_at=now)
