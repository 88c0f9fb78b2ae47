"""Conflict detection: same normalized domain, similar customer names; never leaked to partners."""

from __future__ import annotations

import pytest

from apps.deals.models import Status
from apps.deals.selectors import conflicts_for, domain_standing, find_conflicts
from tests.deals.factories import RegistrationFactory, registration_in

pytestmark = pytest.mark.django_db


def test_it_finds_open_registrations_with_the_same_domain(acme, globex):
    mine = RegistrationFactory(partner=acme, customer_domain="initech.com")
    theirs = RegistrationFactory(partner=globex, customer_domain="initech.com", approved=True)
    RegistrationFactory(partner=globex, customer_domain="other.com")
    found = find_conflicts(mine)
    assert [(c.registration, c.same_domain) for c in found] == [(theirs, True)]
    assert found[0].reasons == ["same domain"]


def test_it_finds_similar_customer_names_with_their_similarity(acme, globex):
    mine = RegistrationFactory(
        partner=acme, customer_name="Northwind Traders Inc.", customer_domain="nw.example"
    )
    similar = RegistrationFactory(
        partner=globex, customer_name="NORTHWIND TRADING LTD", customer_domain="nwt.example"
    )
    same = RegistrationFactory(
        partner=globex, customer_name="Northwind Traders GmbH", customer_domain="nw.de"
    )
    RegistrationFactory(partner=globex, customer_name="Contoso Pharmaceuticals")
    found = {c.registration.pk: c for c in find_conflicts(mine)}
    assert set(found) == {similar.pk, same.pk}
    assert found[same.pk].similarity == pytest.approx(1.0)
    assert 0.5 <= found[similar.pk].similarity < 1.0
    assert not found[similar.pk].same_domain
    assert found[similar.pk].reasons[0].startswith("similar name (")


@pytest.mark.parametrize(
    "status", [Status.REJECTED, Status.WITHDRAWN, Status.WON, Status.LOST, Status.EXPIRED]
)
def test_closed_registrations_do_not_conflict(status, acme, globex):
    mine = RegistrationFactory(partner=acme, customer_domain="initech.com", customer_name="Initech")
    registration_in(status, partner=globex, customer_domain="initech.com", customer_name="Initech")
    assert find_conflicts(mine) == []
    closed = registration_in(status, partner=acme, customer_domain="initech.com")
    assert find_conflicts(closed) == []


def test_it_finds_conflicts_for_many_registrations_at_once(acme, globex, django_assert_num_queries):
    regs = [RegistrationFactory(partner=acme, customer_domain=f"c{i}.example") for i in range(5)]
    RegistrationFactory(partner=globex, customer_domain="c3.example")
    with django_assert_num_queries(2):  # similar names, then the conflicting registrations
        found = conflicts_for(regs)
    assert [len(found[r.pk]) for r in regs] == [0, 0, 0, 1, 0]


def test_the_domain_standing_says_registered_or_protected_never_who(acme, globex):
    assert domain_standing("initech.com") is None
    RegistrationFactory(partner=globex, customer_domain="initech.com")
    assert domain_standing("initech.com") == "registered"
    RegistrationFactory(partner=acme, customer_domain="initech.com", approved=True)
    assert domain_standing("initech.com") == "protected"


def test_no_notification_to_a_partner_user_names_another_partner(
    api_for, client_for, bob, charlie, dave, acme, globex
):
    from django.urls import reverse

    from apps.deals.services import registration_transition
    from apps.notifications.models import Notification

    mine = RegistrationFactory(partner=acme, customer_domain="initech.com", customer_name="Initech")
    theirs = RegistrationFactory(
        partner=globex, customer_domain="initech.com", customer_name="Initech Holding",
        estimated_value="4444444",
    )  # fmt: skip
    registration_transition(registration=mine, name="approve", actor=bob)
    registration_transition(registration=theirs, name="reject", actor=bob, reason="Protected")
    registration_transition(registration=mine, name="extend", actor=bob, days=5)
    registration_transition(registration=mine, name="mark_won", actor=bob)
    for user, other in ((charlie, globex), (dave, acme)):
        notes = Notification.objects.filter(recipient=user)
        assert notes.exists()
        for n in notes:
            text = f"{n.subject} {n.body} {n.link}"
            assert other.name not in text and "4444444" not in text
        html = client_for(user).get(reverse("notifications:list")).content.decode()
        assert other.name not in html


def test_the_holder_of_a_protection_is_not_told_of_later_registrations(
    api_for, charlie, acme, globex
):
    mine = RegistrationFactory(partner=acme, customer_domain="initech.com", approved=True)
    RegistrationFactory(partner=globex, customer_domain="initech.com")
    assert (
        api_for(charlie).get(f"/api/v1/deal-registrations/{mine.pk}/").json()["conflict"] is False
    )
