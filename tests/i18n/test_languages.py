"""The portal in the partner user's language: their own choice, else their browser's, else
English; the API's keys and codes stay the same whatever the language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.partners.models import Partner, Stage
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

# Words on the portal home and the registrations list, in each language.
HOME = {
    "en": ["Deal registrations", "Register a deal", "My registrations", "Log out", "Preferences"],
    "de": ["Deal-Registrierungen", "Deal registrieren", "Meine Registrierungen", "Abmelden",
           "Einstellungen"],
}  # fmt: skip
LIST = {
    "en": [">Customer<", ">Waiting or protection<", ">Filter<", ">Submitted<", "Protected until"],
    "de": [">Kunde<", ">Wartezeit oder Schutz<", ">Filtern<", ">Eingereicht<", "Geschützt bis"],
}


@pytest.fixture
def growing(acme):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    acme.refresh_from_db()
    RegistrationFactory(partner=acme)
    RegistrationFactory(partner=acme, approved=True)
    return acme


def _page(client, name: str, **headers) -> str:
    response = client.get(reverse(name), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_user_who_chose_german_gets_the_portal_in_german(client_for, charlie, growing):
    charlie.language = "de"
    charlie.save(update_fields=["language"])
    c = client_for(charlie)
    home = _page(c, "portal:home")
    assert '<html lang="de">' in home
    for de, en in zip(HOME["de"], HOME["en"], strict=True):
        assert de in home and f">{en}<" not in home, (de, en)
    rows = _page(c, "portal:deals")
    for de, en in zip(LIST["de"], LIST["en"], strict=True):
        assert de in rows and en not in rows, (de, en)


def test_the_users_choice_wins_over_the_browsers(client_for, charlie, growing):
    charlie.language = "de"
    charlie.save(update_fields=["language"])
    home = _page(client_for(charlie), "portal:home", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Meine Registrierungen" in home


def test_with_no_choice_the_browser_decides(client_for, charlie, growing):
    c = client_for(charlie)
    rows = _page(c, "portal:deals", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert '<html lang="de">' in rows
    for de, en in zip(LIST["de"], LIST["en"], strict=True):
        assert de in rows and en not in rows, (de, en)
    rows = _page(c, "portal:deals", HTTP_ACCEPT_LANGUAGE="ja")
    assert '<html lang="ja">' in rows and "Waiting or protection" not in rows
    # A language not offered falls back to English.
    rows = _page(c, "portal:deals", HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="en">' in rows and "Waiting or protection" in rows


def test_english_is_the_default(client_for, charlie, growing):
    c = client_for(charlie)
    home, rows = _page(c, "portal:home"), _page(c, "portal:deals")
    assert '<html lang="en">' in home
    for word in HOME["en"]:
        assert word in home, word
    for word in LIST["en"]:
        assert word in rows, word
    assert "Meine Registrierungen" not in home + rows


def test_the_language_page_saves_the_choice_for_the_next_page(client_for, charlie, growing):
    c = client_for(charlie)
    page = _page(c, "language")
    assert 'name="language"' in page and "As my browser asks" in page and "Deutsch" in page
    r = c.post(reverse("language"), {"language": "de"})
    assert r.status_code == 302 and r.url == reverse("language")
    charlie.refresh_from_db()
    assert charlie.language == "de"
    after = _page(c, "language")
    assert "Ihre Sprache ist gespeichert." in after  # the confirmation, already in German
    assert "Meine Registrierungen" in _page(c, "portal:home")
    # Back to the browser's.
    assert c.post(reverse("language"), {"language": ""}).status_code == 302
    charlie.refresh_from_db()
    assert charlie.language == ""
    assert "My registrations" in _page(c, "portal:home")


def test_managers_choose_their_language_on_the_same_page(client_for, bob):
    c = client_for(bob)
    r = c.post(reverse("language"), {"language": "de"})
    assert r.status_code == 302, r
    assert r.url == reverse("language")
    bob.refresh_from_db()
    assert bob.language == "de"


@pytest.mark.parametrize("code", ["xx", "ko", "zh-hans", "de-at", "<script>", "e" * 40])
def test_it_refuses_a_language_not_offered_beside_the_field(client_for, charlie, code):
    r = client_for(charlie).post(reverse("language"), {"language": code})
    assert r.status_code == 400
    assert set(r.context["form"].errors) == {"language"}
    assert 'id="id_language_error"' in r.content.decode()
    charlie.refresh_from_db()
    assert charlie.language == ""


def test_the_language_page_wants_a_signed_in_user(client):
    r = client.get(reverse("language"))
    assert r.status_code == 302 and r.url.startswith(reverse("login"))


def test_a_stored_language_no_longer_offered_is_ignored(client_for, charlie, growing):
    type(charlie).objects.filter(pk=charlie.pk).update(language="ko")
    assert '<html lang="en">' in _page(client_for(charlie), "portal:home")


API = "/api/v1/deal-registrations/"


def test_the_api_keeps_its_keys_and_codes_in_german(api_for, charlie, growing):
    api = api_for(charlie)
    english = api.get(API).json()
    german = api.get(API, HTTP_ACCEPT_LANGUAGE="de").json()
    assert set(german) == set(english)
    assert [set(row) for row in german["results"]] == [set(row) for row in english["results"]]
    assert [row["status"] for row in german["results"]] == [
        row["status"] for row in english["results"]
    ]
    data = {
        "customer_name": "Initech",
        "customer_domain": "not a domain",
        "customer_country": "DE",
        "contact_name": "Peter Gibbons",
        "contact_email": "peter@initech.example",
        "product": "Analytics",
        "estimated_value": "1000.00",
        "currency": "EUR",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    en = api.post(API, data, format="json")
    de = api.post(API, data, format="json", HTTP_ACCEPT_LANGUAGE="de")
    assert en.status_code == de.status_code == 400
    assert en.json().keys() == de.json().keys()
    assert en.json().get("code") == de.json().get("code")
    assert en.content != de.content  # the sentences a person reads are translated
    unknown = api.get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="de")
    assert unknown.status_code == 404
    assert unknown.json().keys() == api.get("/api/v1/no-such-endpoint/").json().keys()
