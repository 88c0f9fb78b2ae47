"""/partners/find/: only opted-in partners in an active stage, only their public fields,
searchable, cacheable, and a fixed number of queries whatever the number of partners."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.partners.models import Stage
from apps.people.models import Contact
from tests.deals.factories import RegistrationFactory
from tests.factories import ManagerFactory, PartnerUserFactory, TierFactory
from tests.qbrs.factories import QBRFactory

from .factories import ListingFactory, png_upload

pytestmark = pytest.mark.django_db
URL = "/partners/find/"


def _names(response) -> str:
    return response.content.decode()


def test_it_lists_only_opted_in_partners_in_an_active_stage(client):
    shown = ListingFactory(public_name="Shown Partner")
    ListingFactory(public_name="Not Opted In", partner__listed_in_locator=False)
    ListingFactory(public_name="Still Recruiting", partner__stage=Stage.RECRUITMENT)
    ListingFactory(public_name="Gone Partner", partner__stage=Stage.EXITED)
    response = client.get(URL)
    assert response.status_code == 200
    page = _names(response)
    assert "Shown Partner" in page
    for hidden in ("Not Opted In", "Still Recruiting", "Gone Partner"):
        assert hidden not in page
    assert reverse("find:contact", args=[shown.pk]) in page


def test_a_card_shows_the_public_fields(client):
    gold = TierFactory(name="Gold", rank=3)
    ListingFactory(
        public_name="Adventure Works Consulting",
        description="Roll-out in weeks.",
        partner__tier=gold,
        partner__countries=["DE", "CH"],
        partner__specializations=["Retail"],
    )
    page = _names(client.get(URL))
    for text in ("Adventure Works Consulting", "Roll-out in weeks.", "Germany", "Switzerland",
                 "Retail", "Gold partner"):  # fmt: skip
        assert text in page, text


def test_the_partners_name_stands_in_for_an_empty_public_name(client):
    ListingFactory(public_name="", partner__name="Proseware")
    assert "Proseware" in _names(client.get(URL))


def test_no_private_field_of_a_listed_partner_is_ever_rendered(client, api_for):
    manager = ManagerFactory(username="zq-manager", email="zq-manager@vendor.example",
                             first_name="Zqmanagerfirst")  # fmt: skip
    tier = TierFactory(name="Platinum", rank=9, discount_percent=Decimal("17.25"))
    listing = ListingFactory(
        public_name="Visible Name", partner__manager=manager, partner__tier=tier,
        partner__website="https://zq-private-site.example",
        partner__qualification_customer=5,
    )  # fmt: skip
    partner = listing.partner
    PartnerUserFactory(username="zq-portal-user", email="zq-user@partner.example",
                       partner=partner)  # fmt: skip
    Contact.objects.create(partner=partner, name="Zq Contact", email="zq-contact@partner.example",
                           notes="zq-contact-notes")  # fmt: skip
    RegistrationFactory(partner=partner, customer_name="Zqcustomer Inc",
                        estimated_value=Decimal("987654.32"))  # fmt: skip
    QBRFactory(partner=partner, notes="zq-qbr-notes")
    private = ["zq-manager", "Zqmanagerfirst", "zq-user", "zq-portal-user", "zq-contact",
               "Zq Contact", "zq-private-site", "Zqcustomer", "987654", "987,654", "17.25",
               "zq-qbr-notes", "qualification"]  # fmt: skip
    pages = [
        client.get(URL),
        client.get(URL, {"q": "Visible"}),
        client.get(reverse("find:contact", args=[listing.pk])),
        api_for().get("/api/v1/locator/partners/"),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode()
        assert "Visible Name" in text
        leaked = [p for p in private if p.lower() in text.lower()]
        assert not leaked, (response.request["PATH_INFO"], leaked)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cloud"}, {"Alpha"}),  # a specialization
        ({"q": "ALPHA"}, {"Alpha"}),  # the public name, any case
        ({"q": "payroll"}, {"Beta"}),  # the description
        ({"q": "Secret Legal"}, set()),  # the partner's own name, hidden by a public name
        ({"country": "FR"}, {"Beta"}),
        ({"country": "DE"}, {"Alpha", "Beta"}),
        ({"specialization": "Security"}, {"Beta"}),
        ({"country": "DE", "specialization": "Cloud migration"}, {"Alpha"}),
        ({"q": "nothing like it"}, set()),
    ],
)
def test_it_searches_by_text_country_and_specialization(client, params, expected):
    ListingFactory(public_name="Alpha", description="Stores.", partner__name="Secret Legal GmbH",
                   partner__countries=["DE"], partner__specializations=["Cloud migration"])  # fmt: skip
    ListingFactory(public_name="Beta", description="Payroll for shops.",
                   partner__countries=["DE", "FR"], partner__specializations=["Security"])  # fmt: skip
    page = _names(client.get(URL, params))
    assert {n for n in ("Alpha", "Beta") if f">{n}<" in page} == expected


def test_the_search_offers_the_countries_and_specializations_of_listed_partners(client):
    ListingFactory(partner__countries=["FR"], partner__specializations=["Security"])
    ListingFactory(partner__listed_in_locator=False, partner__specializations=["Hidden skill"])
    page = _names(client.get(URL))
    assert '<option value="FR">France</option>' in page
    assert '<option value="Security">Security</option>' in page
    assert "Hidden skill" not in page


def test_an_unknown_country_is_said_and_lists_nothing(client):
    ListingFactory(public_name="Alpha")
    response = client.get(URL, {"country": "XX"})
    assert response.status_code == 400
    page = _names(response)
    assert 'id="filter-errors"' in page and "Alpha" not in page


def test_hostile_search_text_is_answered_not_crashed(client):
    ListingFactory(public_name="Alpha")
    for value in ("\x00", "%", "_", "a" * 5000, "' OR 1=1 --", "<script>"):
        response = client.get(URL, {"q": value, "specialization": value})
        assert response.status_code == 200, value
        assert "<script>" not in _names(response).split("</head>")[1]


def test_the_anonymous_directory_is_cacheable_by_anyone(client):
    response = client.get(URL)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "csrftoken" not in response.cookies  # no per-visitor token in a shared copy
    assert "sessionid" not in response.cookies


def test_a_signed_in_users_copy_stays_private(client_for, bob):
    response = client_for(bob).get(URL)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.parametrize("rows", [2, 50])
def test_the_directory_reads_a_fixed_number_of_queries(rows, client, django_assert_num_queries):
    for n in range(rows):
        ListingFactory(partner__tier=TierFactory(name=f"Tier {n % 3}", rank=n % 3 + 10),
                       logo=png_upload() if n % 2 else "")  # fmt: skip
    # 1 the count for the pages, 2 a page of listings with partner and tier (one join),
    # 3 the countries and specializations offered by the search.
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert response.status_code == 200


def test_a_listed_partners_logo_is_served_as_an_image_with_nosniff(client):
    listing = ListingFactory(logo=png_upload(), logo_type="image/png")
    response = client.get(reverse("find:logo", args=[listing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_an_unlisted_partners_logo_is_not_served(client):
    hidden = ListingFactory(logo=png_upload(), partner__listed_in_locator=False)
    inactive = ListingFactory(logo=png_upload(), partner__stage=Stage.EXITED)
    no_logo = ListingFactory()
    for listing in (hidden, inactive, no_logo):
        assert client.get(reverse("find:logo", args=[listing.pk])).status_code == 404
    assert client.get(reverse("find:logo", args=[10**30])).status_code == 404


def test_the_contact_page_of_a_partner_not_listed_is_not_found(client):
    hidden = ListingFactory(partner__listed_in_locator=False)
    assert client.get(reverse("find:contact", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("find:contact", args=[10**30])).status_code == 404


def test_the_directory_pages_its_partners(client):
    for n in range(30):
        ListingFactory(public_name=f"Partner {n:02d}")
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert _names(first).count('class="locator-card"') == 24
    assert _names(second).count('class="locator-card"') == 6
