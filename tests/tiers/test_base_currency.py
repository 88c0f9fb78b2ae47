"""The base currency: only an ISO 4217 currency, and a change that never silently relabels the
tier thresholds — the confirmation page shows the plan that the change then applies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from apps.program.currency import base_currency_plan
from apps.program.models import ExchangeRate, ProgramSettings, Tier

pytestmark = pytest.mark.django_db

SETTINGS = {
    "qualification_threshold": "12",
    "base_currency": "USD",
    "review_sla_hours": "48",
    "max_extensions": "2",
    "max_extension_days": "90",
    "onboarding_reminder_days": "14, 7",
    "agreement_reminder_days": "60, 30",
    "deal_expiry_reminder_days": "14",
    "qbr_reminder_days": "7, 1",
    "demotion_grace_days": "30",
}


def _page(to: str, **extra) -> str:
    return f"{reverse('program:base_currency')}?{urlencode({'to': to, **extra})}"


def _thresholds() -> dict[str, Decimal]:
    return dict(Tier.objects.values_list("name", "min_won_value"))


def test_it_refuses_a_code_that_is_no_currency(client_for, alice, program):
    response = client_for(alice).post(
        reverse("program:settings"), {**SETTINGS, "base_currency": "XYZ"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "XYZ is not an ISO 4217 currency code" in form.errors["base_currency"][0]
    # next to the field: its error is announced by the field itself
    html = response.content.decode()
    assert 'id="id_base_currency_error"' in html
    assert 'aria-describedby="id_base_currency_helptext id_base_currency_error"' in html
    assert ProgramSettings.get().base_currency == "USD"


def test_the_settings_form_asks_before_changing_the_base_currency(
    client_for, alice, program, tiers
):
    before = _thresholds()
    response = client_for(alice).post(
        reverse("program:settings"),
        {**SETTINGS, "base_currency": "EUR", "review_sla_hours": "24"},
    )
    assert response.status_code == 302 and response["Location"] == _page("EUR")
    settings = ProgramSettings.get()
    assert (settings.base_currency, settings.review_sla_hours) == ("USD", 24)
    assert _thresholds() == before


def test_it_refuses_to_change_while_no_rate_converts_the_figures(client_for, alice, program, tiers):
    before = _thresholds()
    c = client_for(alice)
    response = c.get(_page("EUR"))
    assert response.status_code == 200
    assert "figures would become meaningless" in response.content.decode()
    assert response.context["plan"] is None
    response = c.post(reverse("program:base_currency"), {"to": "EUR", "fingerprint": "x"})
    assert response.status_code == 409
    assert ProgramSettings.get().base_currency == "USD" and _thresholds() == before


def test_the_preview_shows_exactly_what_the_change_does(client_for, alice, program, tiers):
    ExchangeRate.objects.create(
        currency="EUR", rate_to_base=Decimal("1.25"), effective_date=date(2026, 1, 1)
    )
    ExchangeRate.objects.create(
        currency="GBP", rate_to_base=Decimal("1.50"), effective_date=date(2026, 2, 1)
    )
    c = client_for(alice)
    response = c.get(_page("EUR"))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.rate == Decimal("1.25") and plan.rate_source == "latest"
    shown = {t.tier: (t.old, t.new) for t in plan.thresholds}
    assert shown == {
        name: (value, (value / Decimal("1.25")).quantize(Decimal("0.01")))
        for name, value in _thresholds().items()
        if value > 0
    }
    html = response.content.decode()
    assert "1.25" in html
    for t in plan.thresholds:
        assert t.tier in html
    response = c.post(
        reverse("program:base_currency"), {"to": "EUR", "fingerprint": plan.fingerprint}
    )
    assert response.status_code == 302
    assert ProgramSettings.get().base_currency == "EUR"
    assert {n: v for n, v in _thresholds().items() if v > 0} == {
        t.tier: t.new for t in plan.thresholds
    }
    rates = {r.currency: r.rate_to_base for r in ExchangeRate.objects.all()}
    assert rates == {r.new_currency: r.new for r in plan.rates}
    assert rates == {"USD": Decimal("0.80000000"), "GBP": Decimal("1.20000000")}


def test_an_entered_rate_converts_where_no_rate_exists(client_for, alice, program, tiers):
    c = client_for(alice)
    plan = c.get(_page("CHF", rate="2")).context["plan"]
    assert plan.rate == Decimal("2") and plan.rate_source == "entered"
    gold = Tier.objects.get(name="Gold").min_won_value
    c.post(
        reverse("program:base_currency"),
        {"to": "CHF", "rate": "2", "fingerprint": plan.fingerprint},
    )
    assert ProgramSettings.get().base_currency == "CHF"
    assert Tier.objects.get(name="Gold").min_won_value == (gold / 2).quantize(Decimal("0.01"))


def test_it_applies_nothing_when_the_figures_changed_since_the_preview(
    client_for, alice, program, tiers
):
    c = client_for(alice)
    plan = c.get(_page("CHF", rate="2")).context["plan"]
    Tier.objects.filter(name="Gold").update(min_won_value=Decimal("999999.00"))
    response = c.post(
        reverse("program:base_currency"),
        {"to": "CHF", "rate": "2", "fingerprint": plan.fingerprint},
    )
    assert response.status_code == 409
    assert ProgramSettings.get().base_currency == "USD"
    assert Tier.objects.get(name="Gold").min_won_value == Decimal("999999.00")


@pytest.mark.parametrize("to", ["XYZ", "usd", ""])
def test_the_confirmation_refuses_bad_input(client_for, alice, program, to):
    response = client_for(alice).get(_page(to))
    assert response.status_code == 400


def test_only_admins_change_it(client_for, bob, program):
    assert client_for(bob).get(_page("EUR")).status_code == 403


def test_the_plan_needs_no_rate_when_nothing_is_in_the_base_currency(program):
    Tier.objects.update(min_won_value=0)
    ExchangeRate.objects.all().delete()
    plan = base_currency_plan("EUR")
    assert plan.rate is None and not plan.converts_anything


def test_django_admin_does_not_change_it_silently(client_for, alice, program):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    url = reverse("admin:program_programsettings_change", args=[program.pk])
    html = client_for(alice).get(url).content.decode()
    assert 'name="base_currency"' not in html
