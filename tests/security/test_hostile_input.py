"""A hostile input corpus against the deal registration doors (API and portal form) and the
transition inputs: clear 4xx, nothing stored half-way, nothing rendered unescaped."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.deals.models import DealRegistration, RegistrationEvent

pytestmark = pytest.mark.django_db

CORPUS = [
    "x" * 100_000,
    "\x00null",
    "bell\x07\x1b[31m",
    "right\u202eto-left",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE deals_dealregistration; --",
    "1 OR 1=1",
    "аcme.com",  # Cyrillic а
    "ＡＣＭＥ",
    "\U0001f600" * 50,
    "9" * 400,
    "-1e309",
    "NaN",
    "Infinity",
    "",
    " ",
]
FIELDS = [
    "customer_name",
    "customer_domain",
    "customer_country",
    "contact_name",
    "contact_email",
    "product",
    "estimated_value",
    "currency",
    "expected_close_date",
    "description",
]


def _valid():
    return {
        "customer_name": "Initech LLC",
        "customer_domain": "initech.example",
        "customer_country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.example",
        "product": "Analytics suite",
        "estimated_value": "125000.00",
        "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "description": "",
    }


def _no_half_rows():
    # Every stored registration has its submission event: nothing half-way.
    assert not DealRegistration.objects.exclude(events__transition="submit").exists()


@pytest.mark.parametrize("field", FIELDS)
def test_the_api_answers_hostile_values_with_a_clear_4xx(field, api_for, charlie):
    api = api_for(charlie)
    for value in CORPUS:
        body = {**_valid(), field: value}
        response = api.post("/api/v1/deal-registrations/", body, format="json")
        assert response.status_code in (201, 400), (field, value[:20], response.status_code)
        if response.status_code == 400:
            assert field in response.json() or "non_field_errors" in response.json()
        else:
            stored = DealRegistration.objects.get(pk=response.json()["id"])
            assert "\x00" not in getattr(stored, field).__str__()
            stored.events.all().delete()
            stored.delete()
    _no_half_rows()


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[]", b'{"customer_name": ', b"\xff\xfe", b"null", b'"string"', b"{" * 5000],
)
def test_malformed_json_is_a_400(raw, api_for, charlie):
    response = api_for(charlie).post(
        "/api/v1/deal-registrations/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert DealRegistration.objects.count() == 0


def test_an_oversized_body_is_refused(client_for, charlie, settings):
    c = client_for(charlie)
    body = json.dumps(
        {**_valid(), "description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    )
    response = c.post("/api/v1/deal-registrations/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert DealRegistration.objects.count() == 0


@pytest.mark.parametrize("value", [v for v in CORPUS if v.strip()])
def test_the_portal_form_refuses_or_escapes_hostile_text(value, client_for, charlie):
    c = client_for(charlie)
    response = c.post(reverse("portal:deal_new"), {**_valid(), "customer_name": value[:5000]})
    assert response.status_code in (200, 302, 400), response.status_code
    page = c.get(reverse("portal:deals")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror" not in page
    _no_half_rows()


@pytest.mark.parametrize(
    "body",
    [{"reason": "x" * 10_000}, {"reason": None}, {"reason": ["a"]}, {"reason": {"a": 1}}],
)
def test_transition_inputs_refuse_hostile_values(body, api_for, bob, world):
    reg = world["registration"]
    response = api_for(bob).post(
        f"/api/v1/deal-registrations/{reg.pk}/transitions/reject/", body, format="json"
    )
    assert response.status_code == 400
    reg.refresh_from_db()
    assert reg.status == "submitted"
    assert not RegistrationEvent.objects.filter(registration=reg, transition="reject").exists()
