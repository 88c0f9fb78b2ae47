"""A partner user's request answers the same whether an id it names exists or not.

Generated over the API's entries in tests/security/matrix.py: dave (Globex) names Acme's object
with every method, and the answer is the one for a missing id — 404, also for the actions only
staff may run (the role is checked after the lookup), or 405 where the method is none of the
endpoint's. A `partner` a partner user sends is dropped unread, never validated.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.partners.models import Partner

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

OBJECT_ENDPOINTS = sorted(
    n for n, e in MATRIX.items() if e[0] == "api" and e[1] not in (None, "missing", "uuid")
)
BODY = {"done": True, "name": "x", "reason": "x", "signed_by_name": "x", "partner": 1}


def _call(client, method: str, url: str):
    return getattr(client, method)(url, BODY, format="json")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("name", OBJECT_ENDPOINTS)
def test_another_companys_object_answers_like_a_missing_one(name, method, world, api_for, dave):
    real = _call(api_for(dave), method, url_for(name, world, real=True))
    missing = _call(api_for(dave), method, url_for(name, world, real=False))
    assert real.status_code == missing.status_code, (name, method, real.status_code)
    assert real.json() == missing.json(), (name, method)
    assert real.status_code in (404, 405), (name, method, real.status_code)


STAFF_ACTIONS = [
    ("patch", "partner-detail", {"name": "Renamed"}),
    ("put", "partner-detail", {"name": "Renamed"}),
    ("post", "partner-run-transition", {}),
    ("get", "partner-history", {}),
    ("patch", "agreement-detail", {"title": "Renamed"}),
    ("put", "agreement-detail", {"title": "Renamed"}),
    ("patch", "qbr-detail", {"notes": "x"}),
    ("post", "qbr-run-transition", {}),
]


@pytest.mark.parametrize(("method", "name", "body"), STAFF_ACTIONS)
def test_staff_actions_answer_404_outside_and_403_inside_the_callers_company(
    method, name, body, world, api_for, charlie, dave
):
    url = url_for(name, world)
    assert getattr(api_for(dave), method)(url, body, format="json").status_code == 404
    assert getattr(api_for(charlie), method)(url, body, format="json").status_code == 403


def _registration(**extra) -> dict:
    return {
        "customer_name": "Initech LLC",
        "customer_domain": "initech.com",
        "customer_country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.com",
        "product": "Analytics suite",
        "estimated_value": "1000.00",
        "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        **extra,
    }


@pytest.mark.parametrize(
    "sent", ["globex", 999_999, "not-a-number", "nul\x00", -1, None, [1], {"id": 1}]
)
def test_a_partner_sent_by_a_partner_user_is_ignored_unread(sent, api_for, charlie, globex):
    value = globex.pk if sent == "globex" else sent
    r = api_for(charlie).post(
        "/api/v1/deal-registrations/", _registration(partner=value), format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["partner"] == charlie.partner_id
    assert DealRegistration.objects.get().partner_id == charlie.partner_id


def test_a_partner_sent_by_a_manager_is_still_validated(api_for, bob):
    r = api_for(bob).post(
        "/api/v1/deal-registrations/", _registration(partner=999_999), format="json"
    )
    assert r.status_code == 400 and "partner" in r.json()


LISTS_WITH_PARTNER_FILTER = [
    "/api/v1/deal-registrations/",
    "/api/v1/agreements/",
    "/api/v1/qbrs/",
    "/api/v1/partners/",
]


@pytest.mark.parametrize("url", LISTS_WITH_PARTNER_FILTER)
def test_a_partner_filter_naming_another_company_answers_like_a_missing_one(
    url, world, api_for, dave
):
    acme = world["partner"]
    assert Partner.objects.filter(pk=999_999).count() == 0
    real = api_for(dave).get(url, {"partner": acme.pk})
    missing = api_for(dave).get(url, {"partner": 999_999})
    assert real.status_code == missing.status_code
    assert real.json() == missing.json()
