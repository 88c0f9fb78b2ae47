"""Lists count a row's conflicts up to a cap, so a row costs the same however many
registrations its customer has drawn; the registration's own page lists every one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.deals.models import Status
from apps.deals.selectors import LIST_CONFLICT_CAP, stored_conflict_counts
from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory, registration_in
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def _crowd(n: int, domain: str = "crowded.example"):
    """n partners' registrations of one customer (a partner holds one open registration of it)."""
    return [
        RegistrationFactory(partner=PartnerFactory(stage=Stage.GROWTH), customer_domain=domain)
        for _ in range(n)
    ]


def test_counts_are_exact_up_to_the_cap_and_say_more_beyond_it():
    few = _crowd(4, "few.example")
    many = _crowd(LIST_CONFLICT_CAP + 5)
    closed = registration_in(Status.LOST, customer_domain="few.example")  # not open: no conflict
    counts = stored_conflict_counts([*few, many[0], closed])
    assert [counts[r.pk] for r in few] == [3, 3, 3, 3]
    assert counts[many[0].pk] == LIST_CONFLICT_CAP + 1  # "more than the cap"
    assert counts[closed.pk] == 0
    assert stored_conflict_counts([few[0], many[0]], cap=0) == {few[0].pk: 1, many[0].pk: 1}


def test_the_queue_shows_the_cap_and_the_page_shows_them_all(client_for, bob):
    many = _crowd(LIST_CONFLICT_CAP + 2)
    client = client_for(bob)
    html = client.get(reverse("deals:queue")).content.decode()
    assert f"⚠ {LIST_CONFLICT_CAP}+ conflicts" in html
    detail = client.get(reverse("deals:detail", args=[many[0].pk]))
    assert len(detail.context["conflicts"]) == LIST_CONFLICT_CAP + 1


def test_a_partner_learns_only_that_there_is_a_conflict(client_for, charlie, acme):
    mine = RegistrationFactory(partner=acme, customer_domain="crowded.example")
    _crowd(LIST_CONFLICT_CAP + 2)
    page = client_for(charlie).get(reverse("portal:deals")).content.decode()
    row = page.split(mine.customer_name, 1)[1].split("</tr>", 1)[0]
    assert "already registered" in row
    assert "conflict" not in row.lower()  # no count, nobody named
