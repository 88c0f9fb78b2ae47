"""A partner cannot hold two open registrations of one customer: the 409 names its own, and the
portal form links it while the partner types the domain (the deal hint, same throttle)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.deals.models import DealRegistration
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("approved", [False, True])
def test_the_hint_links_my_own_open_registration_of_the_customer(
    approved, client_for, charlie, acme
):
    mine = RegistrationFactory(partner=acme, customer_domain="initech.com", approved=approved)
    r = client_for(charlie).get(
        reverse("portal:deal_hint"), {"customer_domain": "https://shop.INITECH.com/x"}
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "already has an open registration" in html
    assert reverse("portal:deal_detail", args=[mine.pk]) in html


def test_a_closed_registration_of_mine_or_another_partners_open_one_is_not_linked(
    client_for, charlie, acme, globex
):
    RegistrationFactory(partner=acme, customer_domain="initech.com", status="rejected")
    theirs = RegistrationFactory(partner=globex, customer_domain="initech.com")
    html = (
        client_for(charlie)
        .get(reverse("portal:deal_hint"), {"customer_domain": "initech.com"})
        .content.decode()
    )
    assert "already registered" in html and "open registration" not in html
    assert f"/{theirs.pk}/" not in html


def test_submitting_the_duplicate_is_refused_with_409_and_a_link_to_the_first(
    client_for, api_for, charlie, acme, valid_input
):
    first = RegistrationFactory(partner=acme, customer_domain="initech.com")
    r = client_for(charlie).post(reverse("portal:deal_new"), valid_input)
    assert r.status_code == 409
    assert reverse("portal:deal_detail", args=[first.pk]) in r.content.decode()
    body = {**valid_input, "estimated_value": "1000.00"}
    r = api_for(charlie).post("/api/v1/deal-registrations/", body, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "duplicate_registration"
    assert DealRegistration.objects.count() == 1
