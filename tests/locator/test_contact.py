"""The public contact forms: "Contact this partner" (a lead for that partner) and "Find me a
partner" (a lead routed by the rules). The visitor gets the same answer whatever happens —
a request kept, a bot caught by the honeypot, the rate passed, a partner not listed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.leads.models import Lead, Source

from .factories import ListingFactory

pytestmark = pytest.mark.django_db

FIND = "/partners/find/match/"
THANKS = "/partners/find/thanks/"


def _form(**overrides) -> dict:
    return {
        "contact_name": "Jana Weber",
        "company": "Acme Logistics GmbH",
        "contact_email": "jana.weber@acme-logistics.de",
        "country": "DE",
        "need": "Fleet analytics for 12 depots.",
        "fax_number": "",
        **overrides,
    }


def _contact_url(listing) -> str:
    return reverse("find:contact", args=[listing.pk])


def test_contacting_a_listed_partner_gives_it_the_lead(client):
    listing = ListingFactory()
    response = client.post(_contact_url(listing), _form())
    assert response.status_code == 302 and response["Location"] == THANKS
    lead = Lead.objects.get()
    assert lead.source == Source.LOCATOR
    assert lead.requested_partner == listing.partner
    assert lead.partner == listing.partner and lead.status == "assigned"
    assert (lead.company, lead.contact_email, lead.country) == (
        "Acme Logistics GmbH",
        "jana.weber@acme-logistics.de",
        "DE",
    )
    assert lead.domain == "acme-logistics.de"
    assert "Fleet analytics" in lead.description
    assert lead.product == "Fleet analytics for 12 depots."


def test_a_long_need_is_kept_whole_and_listed_on_one_line(client):
    need = "Roll-out\nfor our depots. " + "x" * 400
    client.post(FIND, _form(need=need))
    lead = Lead.objects.get()
    assert lead.description == need.strip()
    assert lead.product == " ".join(need.split())[:200] and "\n" not in lead.product


def test_find_me_a_partner_routes_the_lead_by_the_rules(client):
    response = client.post(FIND, _form())
    assert response.status_code == 302 and response["Location"] == THANKS
    lead = Lead.objects.get()
    assert lead.source == Source.LOCATOR and lead.requested_partner is None


def _answers(client, url: str, data: dict) -> tuple[int, str, bytes]:
    response = client.post(url, data, follow=False)
    thanks = client.get(response["Location"])
    return response.status_code, response["Location"], thanks.content


def test_the_answer_is_the_same_whatever_happens(client, rates):
    listing = ListingFactory()
    hidden = ListingFactory(partner__listed_in_locator=False)
    kept = _answers(client, _contact_url(listing), _form())
    bot = _answers(client, _contact_url(listing), _form(fax_number="+1 555 0100"))
    unlisted = _answers(client, _contact_url(hidden), _form())
    unknown = _answers(client, reverse("find:contact", args=[10**30]), _form())
    find = _answers(client, FIND, _form())
    rates(public_form="0/hour")
    throttled = _answers(client, _contact_url(listing), _form())
    assert kept == bot == unlisted == unknown == find == throttled
    assert kept[:2] == (302, THANKS)


def test_a_bot_filling_the_honeypot_leaves_nothing(client):
    listing = ListingFactory()
    client.post(_contact_url(listing), _form(fax_number="x"))
    client.post(FIND, _form(fax_number="x"))
    assert not Lead.objects.exists()


def test_past_the_rate_nothing_is_kept(client, rates):
    rates(public_form="2/hour")
    listing = ListingFactory()
    for _ in range(4):
        assert client.post(_contact_url(listing), _form())["Location"] == THANKS
    assert Lead.objects.count() == 2
    # Another visitor still gets through.
    other = client.post(FIND, _form(), REMOTE_ADDR="198.51.100.7")
    assert other["Location"] == THANKS and Lead.objects.count() == 3


def test_a_partner_that_is_not_listed_is_not_given_the_lead(client):
    hidden = ListingFactory(partner__listed_in_locator=False)
    client.post(_contact_url(hidden), _form())
    lead = Lead.objects.get()
    assert lead.requested_partner is None and lead.partner != hidden.partner


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_email", "not-an-address"),
        ("country", "XX"),
        ("company", ""),
        ("need", ""),
        ("contact_name", "x" * 201),
        ("need", "x" * 2001),
    ],
)
def test_the_visitors_own_mistakes_are_shown_next_to_the_field(client, field, value):
    response = client.post(FIND, _form(**{field: value}))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Lead.objects.exists()


def test_the_forms_open_with_a_honeypot_people_never_see(client):
    listing = ListingFactory(public_name="Alpha Partner")
    for url in (_contact_url(listing), FIND):
        page = client.get(url).content.decode()
        assert 'name="fax_number"' in page and 'aria-hidden="true"' in page
    assert "Contact Alpha Partner" in client.get(_contact_url(listing)).content.decode()


def test_the_thank_you_page_opens_for_anyone(client):
    assert client.get(THANKS).status_code == 200
