"""The partner portal: register, follow, withdraw, ask for an extension — own company only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.deals.models import DealRegistration, ExtensionRequest, Status
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_it_registers_a_deal_from_the_form(client_for, charlie, acme, bob, valid_input):
    r = client_for(charlie).post(reverse("portal:deal_new"), valid_input)
    reg = DealRegistration.objects.get()
    assert r.status_code == 302 and r.url == reverse("portal:deal_detail", args=[reg.pk])
    assert (reg.partner, reg.submitted_by, reg.customer_domain) == (acme, charlie, "initech.com")
    assert Notification.objects.filter(recipient=bob, kind="deal_submitted").exists()


def test_it_shows_each_error_next_to_its_field(client_for, charlie, valid_input):
    bad = {
        **valid_input,
        "customer_name": "",
        "customer_domain": "not a domain",
        "contact_email": "nope",
        "estimated_value": "-3",
        "currency": "XYZ",
        "customer_country": "ZZ",
        "expected_close_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
    }
    r = client_for(charlie).post(reverse("portal:deal_new"), bad)
    assert r.status_code == 400
    form = r.context["form"]
    assert set(form.errors) == {
        "customer_name", "customer_domain", "contact_email", "estimated_value", "currency",
        "customer_country", "expected_close_date",
    }  # fmt: skip
    html = r.content.decode()
    assert 'id="id_customer_domain_error"' in html
    assert not DealRegistration.objects.exists()


def test_it_refuses_a_past_close_date_and_a_bad_domain_once_the_rest_is_right(
    client_for, charlie, valid_input
):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    r = client_for(charlie).post(
        reverse("portal:deal_new"), {**valid_input, "expected_close_date": past}
    )
    assert r.status_code == 400
    assert "past" in r.context["form"].errors["expected_close_date"][0]
    r = client_for(charlie).post(
        reverse("portal:deal_new"), {**valid_input, "customer_domain": "a"}
    )
    assert "customer_domain" in r.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer_name", "x" * 201),
        ("customer_name", "nul\x00"),
        ("description", "d" * 5001),
        ("estimated_value", "1e40"),
        ("estimated_value", "NaN"),
        ("expected_close_date", "31/31/2026"),
        ("customer_domain", "%00%ff<>"),
        ("contact_email", "<script>@x"),
    ],
)
def test_it_never_fails_on_hostile_form_input(client_for, charlie, valid_input, field, value):
    r = client_for(charlie).post(reverse("portal:deal_new"), {**valid_input, field: value})
    assert r.status_code == 400
    assert field in r.context["form"].errors


def test_it_escapes_hostile_text_on_every_page(client_for, charlie, bob, acme):
    reg = RegistrationFactory(partner=acme, customer_name="<script>alert(1)</script>")
    for client, url in [
        (client_for(charlie), reverse("portal:deal_detail", args=[reg.pk])),
        (client_for(charlie), reverse("portal:deals")),
        (client_for(bob), reverse("deals:detail", args=[reg.pk])),
        (client_for(bob), reverse("deals:queue")),
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_inactive_partner_sees_why_it_cannot_register(client_for, charlie, acme, valid_input):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.RECRUITMENT)
    client = client_for(charlie)
    r = client.get(reverse("portal:deal_new"))
    assert "cannot register deals right now" in r.content.decode()
    r = client.post(reverse("portal:deal_new"), valid_input)
    assert r.status_code == 409
    assert "only while the partnership is active" in r.content.decode()
    assert not DealRegistration.objects.exists()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (None, "no registration for this customer yet"),
        ("submitted", "already registered"),
        ("approved", "already protected"),
    ],
)
def test_the_hint_says_registered_or_protected_never_by_whom(
    setup, expected, client_for, charlie, globex
):
    if setup:
        RegistrationFactory(
            partner=globex,
            customer_domain="initech.com",
            customer_name="Secret Corp",
            estimated_value="4242424",
            approved=setup == "approved",
        )
    r = client_for(charlie).get(
        reverse("portal:deal_hint"), {"customer_domain": "https://www.INITECH.com/x"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and expected in html
    assert "initech.com" in html
    for leak in ("Globex", "Secret", "4242424", "4,242,424"):
        assert leak not in html


def test_the_hint_explains_a_bad_domain(client_for, charlie):
    r = client_for(charlie).get(reverse("portal:deal_hint"), {"customer_domain": "acme"})
    assert "ending" in r.content.decode()
    r = client_for(charlie).get(reverse("portal:deal_hint"), {"customer_domain": "x" * 100000})
    assert r.status_code == 200
    assert client_for(charlie).get(reverse("portal:deal_hint")).status_code == 200


def test_my_registrations_show_only_my_company_with_countdown_and_waiting(
    client_for, charlie, acme, globex
):
    now = timezone.now()
    RegistrationFactory(
        partner=acme, customer_name="Waiting Co", submitted_at=now - timedelta(hours=5)
    )
    RegistrationFactory(
        partner=acme,
        customer_name="Protected Co",
        approved=True,
        expires_at=now + timedelta(days=12, hours=3),
    )
    RegistrationFactory(partner=globex, customer_name="Other Co")
    html = client_for(charlie).get(reverse("portal:deals")).content.decode()
    assert "Waiting Co" in html and "Waiting 5 h" in html
    assert "Protected Co" in html and "12 days left" in html
    assert "Protected until" in html
    assert "Other Co" not in html


def test_my_registrations_filter_by_status_and_search(client_for, charlie, acme):
    RegistrationFactory(partner=acme, customer_name="Alpha Waiting")
    RegistrationFactory(partner=acme, customer_name="Beta Protected", approved=True)
    client = client_for(charlie)
    html = client.get(reverse("portal:deals"), {"status": "approved"}).content.decode()
    assert "Beta Protected" in html and "Alpha Waiting" not in html
    html = client.get(reverse("portal:deals"), {"q": "alpha"}).content.decode()
    assert "Alpha Waiting" in html and "Beta Protected" not in html
    bogus = client.get(reverse("portal:deals"), {"status": "bogus", "page": "x"})
    assert bogus.status_code == 400 and "Alpha Waiting" not in bogus.content.decode()
    assert client.get(reverse("portal:deals"), {"page": "x"}).status_code == 200


def test_every_registration_url_is_404_for_another_partners_user(client_for, dave, acme):
    reg = RegistrationFactory(partner=acme, customer_name="Acme Only Customer", approved=True)
    client = client_for(dave)
    assert client.get(reverse("portal:deal_detail", args=[reg.pk])).status_code == 404
    assert client.post(reverse("portal:deal_withdraw", args=[reg.pk])).status_code == 404
    r = client.post(reverse("portal:deal_extension", args=[reg.pk]), {"days": 10})
    assert r.status_code == 404
    assert "Acme Only Customer" not in client.get(reverse("portal:deals")).content.decode()
    assert "Acme Only Customer" not in client.get(reverse("portal:home")).content.decode()
    assert not ExtensionRequest.objects.exists()
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.APPROVED


def test_partner_users_are_sent_away_from_the_manager_pages(client_for, charlie, acme):
    reg = RegistrationFactory(partner=acme)
    client = client_for(charlie)
    for url in [
        reverse("deals:queue"),
        reverse("deals:detail", args=[reg.pk]),
    ]:
        r = client.get(url)
        assert r.status_code == 302 and r.url == reverse("portal:home")
    r = client.post(reverse("deals:transition", args=[reg.pk, "approve"]))
    assert r.status_code == 302
    assert DealRegistration.objects.get(pk=reg.pk).status == Status.SUBMITTED


def test_the_detail_shows_history_and_withdraws(client_for, charlie, acme, bob):
    from apps.deals.services import registration_create

    reg = registration_create(
        partner=acme,
        submitted_by=charlie,
        data={
            "customer_name": "Initech",
            "customer_domain": "initech.com",
            "customer_country": "US",
            "contact_name": "Bill",
            "contact_email": "bill@initech.com",
            "product": "Suite",
            "estimated_value": "100",
            "currency": "USD",
            "expected_close_date": timezone.localdate() + timedelta(days=3),
        },
    )
    client = client_for(charlie)
    html = client.get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    assert "History" in html and "Withdraw registration" in html
    r = client.post(reverse("portal:deal_withdraw", args=[reg.pk]))
    assert r.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Status.WITHDRAWN
    html = client.get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    assert "Withdraw registration" not in html and "withdraw" in html
    # again: refused with a message, not an error page
    r = client.post(reverse("portal:deal_withdraw", args=[reg.pk]), follow=True)
    assert r.status_code == 200 and "not possible while withdrawn" in r.content.decode()


def test_it_asks_for_an_extension_and_the_manager_decides(client_for, charlie, acme, bob):
    reg = RegistrationFactory(partner=acme, approved=True)
    client = client_for(charlie)
    for bad in ({"days": 0}, {"days": 91}, {"days": "x"}, {}):
        r = client.post(reverse("portal:deal_extension", args=[reg.pk]), bad)
        assert r.status_code == 400
    r = client.post(
        reverse("portal:deal_extension", args=[reg.pk]), {"days": 30, "reason": "Procurement"}
    )
    assert r.status_code == 302
    ext = ExtensionRequest.objects.get()
    assert (ext.days, ext.status, ext.requested_by) == (30, "pending", charlie)
    assert Notification.objects.filter(recipient=bob, kind="deal_extension_requested").exists()
    html = client.get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    assert "You asked for 30 more days" in html
    r = client.post(reverse("portal:deal_extension", args=[reg.pk]), {"days": 10}, follow=True)
    assert "already waiting" in r.content.decode()
    # the manager grants it by extending
    manager = client_for(bob)
    before = reg.expires_at
    manager.post(reverse("deals:transition", args=[reg.pk, "extend"]), {"days": 30})
    reg.refresh_from_db()
    ext.refresh_from_db()
    assert reg.expires_at == before + timedelta(days=30)
    assert ext.status == "granted" and ext.decided_by == bob


def test_the_manager_may_decline_an_extension_request(client_for, charlie, acme, bob):
    from apps.deals.services import extension_request_create

    reg = RegistrationFactory(partner=acme, approved=True)
    ext = extension_request_create(registration=reg, requested_by=charlie, days=15)
    r = client_for(bob).post(
        reverse("deals:decide_extension", args=[reg.pk, ext.pk]),
        {"decision": "decline", "reason": "The customer has not answered since March."},
    )
    assert r.status_code == 302
    ext.refresh_from_db()
    assert ext.status == "declined"
    assert Notification.objects.filter(recipient=charlie, kind="deal_extension_declined").exists()
    reg.refresh_from_db()
    assert reg.extensions_used == 0


def test_the_portal_home_shows_registrations_by_status_and_countdowns(client_for, charlie, acme):
    RegistrationFactory(partner=acme)
    RegistrationFactory(
        partner=acme,
        customer_name="Countdown Co",
        approved=True,
        expires_at=timezone.now() + timedelta(days=20, hours=1),
    )
    html = client_for(charlie).get(reverse("portal:home")).content.decode()
    assert "Deal registrations" in html
    assert "Countdown Co" in html and "20 days left" in html
    assert "1</span> submitted" in html and "1</span> approved" in html


@pytest.mark.parametrize("n", [2, 50])
def test_my_registrations_cost_the_same_queries_at_2_and_50(
    n, client_for, charlie, acme, django_assert_num_queries
):
    RegistrationFactory.create_batch(n // 2, partner=acme)
    RegistrationFactory.create_batch(n // 2, partner=acme, approved=True)
    client = client_for(charlie)
    client.get(reverse("portal:deals"))  # warm the session
    # 1 session, 2 user with its partner (portal access), 3 count, 4 page (+partner,
    # submitted_by), 5 the conflicts stored on submission (counted), 6 program settings (the SLA)
    with django_assert_num_queries(6):
        r = client.get(reverse("portal:deals"))
    assert len(r.context["rows"]) == min(n, 25)


def test_no_portal_page_shows_another_partners_name_id_or_value(client_for, charlie, acme, globex):
    theirs = RegistrationFactory(
        partner=globex, customer_domain="initech.com", customer_name="Hidden Customer",
        estimated_value="8765432", approved=True,
    )  # fmt: skip
    mine = RegistrationFactory(partner=acme, customer_domain="initech.com", customer_name="Initech")
    client = client_for(charlie)
    for url in [
        reverse("portal:home"),
        reverse("portal:deals"),
        reverse("portal:deal_detail", args=[mine.pk]),
        reverse("portal:deal_new"),
        reverse("portal:deal_hint") + "?customer_domain=initech.com",
    ]:
        html = client.get(url).content.decode()
        for leak in ("Globex", "Hidden Customer", "8765432", "8,765,432", f"/{theirs.pk}/"):
            assert leak not in html, (url, leak)
    html = client.get(reverse("portal:deal_detail", args=[mine.pk])).content.decode()
    assert "already registered or protected" in html
