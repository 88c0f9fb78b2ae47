"""One customer, one claim: sibling hosts are one customer; a partner holds one open registration
of it; claims set aside by the registrable-domain migration wait for an admin's decision."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.urls import reverse

from apps.core.errors import DomainError
from apps.deals.models import DealRegistration, ProtectionDispute, Status
from apps.deals.services import DuplicateRegistration, registration_create, registration_transition
from apps.deals.services.disputes import dispute_decide
from apps.notifications.models import Notification
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerUserFactory


def _input(valid_input, domain):
    return {**valid_input, "customer_domain": domain}


def test_a_sibling_host_of_a_protected_customer_is_that_customer(
    acme, globex, bob, charlie, dave, valid_input, client_for
):
    first = registration_create(
        partner=acme, submitted_by=charlie, data=_input(valid_input, "initech.co.uk")
    )
    registration_transition(registration=first, name="approve", actor=bob)
    second = registration_create(
        partner=globex,
        submitted_by=dave,
        data=_input(valid_input, "https://sales.eu.Initech.co.uk/contact"),
    )
    assert second.customer_domain == "initech.co.uk"
    assert first.pk in second.conflicts_found and second.conflicts_found[first.pk][0]  # same
    with pytest.raises(DomainError) as refused:
        registration_transition(registration=second, name="approve", actor=bob)
    assert refused.value.code == "domain_protected"
    # The portal hint for any host of it says "protected", never by whom.
    r = client_for(dave).get(reverse("portal:deal_hint"), {"customer_domain": "www.initech.co.uk"})
    assert "protected" in r.content.decode().lower() and "Acme" not in r.content.decode()


def test_a_partner_cannot_hold_two_open_registrations_of_one_customer(
    acme, charlie, valid_input, api_for, client_for
):
    first = registration_create(
        partner=acme, submitted_by=charlie, data=_input(valid_input, "initech.com")
    )
    with pytest.raises(DuplicateRegistration) as refused:
        registration_create(
            partner=acme, submitted_by=charlie, data=_input(valid_input, "shop.initech.com")
        )
    assert refused.value.extra == {"registration": first.pk}
    r = api_for(charlie).post(
        "/api/v1/deal-registrations/", _input(valid_input, "www.initech.com"), format="json"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "duplicate_registration" and r.json()["registration"] == first.pk
    page = client_for(charlie).post(
        reverse("portal:deal_new"), _input(valid_input, "https://initech.com/x")
    )
    assert page.status_code == 409
    assert reverse("portal:deal_detail", args=[first.pk]) in page.content.decode()
    assert DealRegistration.objects.count() == 1
    # Once the first is closed, the partner may register the customer again.
    registration_transition(registration=first, name="withdraw", actor=charlie)
    registration_create(partner=acme, submitted_by=charlie, data=_input(valid_input, "initech.com"))
    assert DealRegistration.objects.filter(status=Status.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_identical_submissions_at_one_instant_create_one(acme, valid_input):
    users = [PartnerUserFactory(partner=acme) for _ in range(5)]
    barrier = threading.Barrier(5, timeout=20)
    outcomes: list[str] = []

    def submit(user):
        try:
            barrier.wait()
            registration_create(partner=acme, submitted_by=user, data=valid_input)
            outcomes.append("created")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["created"] + ["duplicate_registration"] * 4
    assert DealRegistration.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_partners_and_two_managers_at_one_instant_protect_sibling_hosts_once(
    acme, globex, bob, valid_input
):
    manager = bob.__class__.objects.create(username="mia", role="manager")
    regs = [
        RegistrationFactory(partner=acme, customer_domain="initech.com"),
        RegistrationFactory(partner=globex, customer_domain="initech.com"),
    ]
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[str] = []

    def approve(reg_pk, actor):
        try:
            reg = DealRegistration.objects.select_related("partner").get(pk=reg_pk)
            barrier.wait()
            registration_transition(registration=reg, name="approve", actor=actor)
            outcomes.append("approved")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(r.pk, m))
        for r, m in zip(regs, [bob, manager], strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["approved", "domain_protected"]
    assert DealRegistration.objects.filter(status=Status.APPROVED).count() == 1


@pytest.fixture
def dispute(acme, globex):
    """What migration 0008 leaves: two approved claims on one customer, the later set aside."""
    holder = RegistrationFactory(partner=acme, customer_domain="initech.com", approved=True)
    challenger = RegistrationFactory(
        partner=globex, customer_domain="initech.com", approved=True, duplicate_of=holder
    )
    return ProtectionDispute.objects.create(
        holder=holder, challenger=challenger, customer_domain="initech.com"
    )


def test_a_set_aside_claim_cannot_be_approved_until_decided(acme, globex, bob):
    holder = RegistrationFactory(partner=acme, customer_domain="initech.com")
    aside = RegistrationFactory(partner=acme, customer_domain="initech.com", duplicate_of=holder)
    with pytest.raises(DomainError) as refused:
        registration_transition(registration=aside, name="approve", actor=bob)
    assert refused.value.code == "domain_protected"


def test_an_admin_keeps_the_later_claim_and_the_earlier_protection_ends(
    dispute, alice, charlie, dave
):
    dispute_decide(dispute=dispute, decision="keep_challenger", actor=alice)
    holder = DealRegistration.objects.get(pk=dispute.holder_id)
    challenger = DealRegistration.objects.get(pk=dispute.challenger_id)
    assert holder.status == Status.EXPIRED and challenger.status == Status.APPROVED
    assert challenger.duplicate_of_id is None  # inside the one-approval index again
    assert holder.events.filter(transition="expire", actor=alice).exists()
    told = Notification.objects.get(recipient=charlie, kind="deal_expire")
    assert "Globex" not in told.subject + told.body  # never who the other partner is
    assert not Notification.objects.filter(recipient=dave).exists()
    dispute.refresh_from_db()
    assert dispute.decision == "keep_challenger" and dispute.decided_by == alice
    with pytest.raises(DomainError):  # decided once
        dispute_decide(dispute=dispute, decision="keep_holder", actor=alice)


def test_only_admins_decide_on_the_disputes_page(dispute, alice, bob, charlie, client_for):
    assert client_for(bob).get(reverse("deals:disputes")).status_code == 403
    partner_user = client_for(charlie).get(reverse("deals:disputes"))
    assert partner_user.status_code == 302 and partner_user.url == reverse("portal:home")
    page = client_for(alice).get(reverse("deals:disputes"))
    assert page.status_code == 200 and "initech.com" in page.content.decode()
    queue = client_for(alice).get(reverse("deals:queue"))
    assert "1 protection dispute to decide" in queue.content.decode()
    url = reverse("deals:dispute_decide", args=[dispute.pk])
    assert client_for(bob).post(url, {"decision": "keep_holder"}).status_code == 403
    r = client_for(alice).post(url, {"decision": "keep_holder"}, follow=True)
    assert r.status_code == 200
    challenger = DealRegistration.objects.get(pk=dispute.challenger_id)
    assert challenger.status == Status.EXPIRED
    assert "initech.com" not in client_for(alice).get(reverse("deals:disputes")).content.decode()
