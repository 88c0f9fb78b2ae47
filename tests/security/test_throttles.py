"""The doors anyone can knock on are rate-limited (named scopes, apps/core/throttles.py); the
lockout cannot be aimed at someone else; anonymous noise is counted, not listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.audit.services import refusal_tally
from apps.core.throttles import ScopeThrottle, throttle
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, VICTIM = "203.0.113.66", "198.51.100.7"


def sign_in_page(address: str, username: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def sign_in_api(address: str, username: str, password: str):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


# --- sign-in -----------------------------------------------------------------------------------


def test_sign_in_attempts_are_counted_per_client_across_usernames_and_doors(bob, rates):
    """Spraying usernames (which the per-username lockout does not see) meets the "sign_in" rate,
    one counter for the login page and the token endpoint."""
    rates(sign_in="4/minute")
    assert sign_in_page(ATTACKER, "u1", "x").status_code == 200
    assert sign_in_api(ATTACKER, "u2", "x").status_code == 400
    assert sign_in_page(ATTACKER, "u3", "x").status_code == 200
    assert sign_in_api(ATTACKER, "u4", "x").status_code == 400
    page = sign_in_page(ATTACKER, "bob", PASSWORD)
    assert page.status_code == 429
    assert "Too many requests" in page.content.decode()
    assert int(page["Retry-After"]) > 0
    api = sign_in_api(ATTACKER, "bob", PASSWORD)
    assert api.status_code == 429 and "throttled" in api.json()["detail"]
    # bob, from his own address, signs in.
    assert sign_in_page(VICTIM, "bob", PASSWORD).status_code == 302


def test_the_login_form_is_shown_whatever_the_count(rates):
    rates(sign_in="1/minute")
    assert sign_in_page(ATTACKER, "u1", "x").status_code == 200
    assert Client(REMOTE_ADDR=ATTACKER).get("/accounts/login/").status_code == 200


@pytest.mark.parametrize("door", [sign_in_page, sign_in_api])
def test_an_attackers_failures_do_not_lock_the_victim_out(door, bob, settings):
    """The lockout counts per (username, client): the attacker locks themselves out of bob's
    account; bob, from his own address, still signs in through either door."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        door(ATTACKER, "bob", "wrong")
    assert sign_in_page(ATTACKER, "bob", PASSWORD).status_code == 429  # locked
    assert sign_in_api(ATTACKER, "bob", PASSWORD).status_code == 403  # locked, said why
    assert sign_in_page(VICTIM, "bob", PASSWORD).status_code == 302
    assert sign_in_api(VICTIM, "bob", PASSWORD).status_code == 200


def test_behind_a_proxy_the_lockout_keys_on_the_real_client(bob, settings):
    """Behind one trusted proxy every request comes from the proxy's address; the lockout still
    tells the attacker from the victim (without the setting it could not)."""
    settings.TRUSTED_PROXIES = 1

    def via_proxy(client_ip: str, forged: str = ""):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{forged}{client_ip}")

    for n in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(ATTACKER, forged=f"6.6.6.{n}, ").post(
            "/accounts/login/", {"username": "bob", "password": "wrong"}
        )
    credentials = {"username": "bob", "password": PASSWORD}
    assert (
        via_proxy(ATTACKER, forged=f"{VICTIM}, ").post("/accounts/login/", credentials).status_code
        == 429
    )
    assert via_proxy(VICTIM).post("/accounts/login/", credentials).status_code == 302


# --- password-reset e-mails --------------------------------------------------------------------


def ask_reset(address: str, email: str):
    return Client(REMOTE_ADDR=address).post("/accounts/password-reset/", {"email": email})


def test_reset_emails_to_one_address_are_limited_and_the_page_says_nothing(bob, rates, mailoutbox):
    rates(password_reset_email="2/hour")
    answers = [ask_reset(f"203.0.113.{n}", "BOB@example.com ") for n in range(4)]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password-reset/done/")
    }
    assert len(mailoutbox) == 2
    assert ask_reset(ATTACKER, "nobody@example.com")["Location"] == answers[0]["Location"]


def test_reset_emails_asked_by_one_client_are_limited(bob, alice, rates, mailoutbox):
    rates(password_reset_client="2/hour")
    for email in ("nobody@example.com", "alice@example.com", "bob@example.com"):
        assert ask_reset(ATTACKER, email)["Location"] == "/accounts/password-reset/done/"
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    # Another client is not held back.
    ask_reset(VICTIM, "bob@example.com")
    assert [m.to for m in mailoutbox][-1] == ["bob@example.com"]


# --- the conflict hint -------------------------------------------------------------------------


def test_the_hint_is_limited_per_partner_user(world, client_for, charlie, dave, rates):
    rates(deal_hint="2/minute")
    c = client_for(charlie)
    url = reverse("portal:deal_hint")
    answers = [c.get(url, {"customer_domain": f"prospect{n}.example"}) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many requests" in answers[-1].content.decode()
    assert int(answers[-1]["Retry-After"]) > 0
    # The fragment, for htmx: it replaces the hint, not the page.
    htmx = c.get(url, {"customer_domain": "p.example"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and "<html" not in htmx.content.decode()
    # Another partner user has a count of their own.
    assert client_for(dave).get(url, {"customer_domain": "prospect.example"}).status_code == 200


# --- the mechanism -----------------------------------------------------------------------------


def test_a_named_scope_limits_a_page_per_client(rates):
    rates(public_form="2/hour")

    @throttle("public_form", methods=("POST",))
    def form(request):
        return HttpResponse("thanks")

    factory = RequestFactory()
    posts = [form(factory.post("/apply/", REMOTE_ADDR=ATTACKER)).status_code for _ in range(3)]
    assert posts == [200, 200, 429]
    assert form(factory.get("/apply/", REMOTE_ADDR=ATTACKER)).status_code == 200
    assert form(factory.post("/apply/", REMOTE_ADDR=VICTIM)).status_code == 200


def test_an_unknown_scope_fails_loudly():
    with pytest.raises(ImproperlyConfigured):
        ScopeThrottle("no_such_scope")


def test_every_named_scope_has_a_rate(settings):
    from rest_framework.settings import api_settings

    for scope in settings.THROTTLE_SCOPES:
        ScopeThrottle(scope)  # parses its rate
        assert api_settings.DEFAULT_THROTTLE_RATES[scope]


# --- anonymous noise in the audit trail --------------------------------------------------------


def test_anonymous_401s_are_counted_per_client_not_listed():
    attacker, victim = APIClient(REMOTE_ADDR=ATTACKER), APIClient(REMOTE_ADDR=VICTIM)
    for _ in range(5):
        assert attacker.get("/api/v1/partners/").status_code == 401
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert attacker.get("/api/v1/deal-registrations/").status_code == 401
    assert victim.get("/api/v1/partners/").status_code == 401
    tallies = {e.client_address: e for e in AuditEvent.objects.all()}
    assert len(tallies) == 2 and AuditEvent.objects.count() == 2
    noise = tallies[ATTACKER]
    assert (noise.action, noise.count, noise.actor, noise.outcome) == (
        "unauthenticated",
        6,
        None,
        "refused",
    )
    assert noise.detail == {"status": 401, "path": "/api/v1/partners/"}
    assert noise.at.minute == 0 and noise.at.second == 0
    assert tallies[VICTIM].count == 1
    # The sixth was one statement: the upsert.
    audit = [sql for sql in statements if "audit_auditevent" in sql]
    assert len(audit) == 1 and "ON CONFLICT" in audit[0]


def test_anonymous_csrf_failures_are_counted(bob):
    c = Client(enforce_csrf_checks=True, REMOTE_ADDR=ATTACKER)
    for _ in range(3):
        assert c.post("/accounts/login/", {"username": "bob", "password": "x"}).status_code == 403
    event = AuditEvent.objects.get()
    assert (event.action, event.count, event.client_address) == ("csrf", 3, ATTACKER)


def test_a_signed_in_users_csrf_failure_keeps_its_own_entry(bob):
    """Not noise: a forged request riding someone's session is worth a row of its own."""
    c = Client(enforce_csrf_checks=True, REMOTE_ADDR=VICTIM)
    c.force_login(bob)
    for _ in range(2):
        assert c.post("/program/", {}).status_code == 403
    assert AuditEvent.objects.filter(actor=bob, count=1, tally_key=None).count() == 2


def test_throttled_requests_are_counted(rates):
    rates(anon="1/minute")
    for _ in range(4):
        sign_in_api(ATTACKER, "nobody", "x")
    event = AuditEvent.objects.get()
    assert (event.action, event.count, event.detail["status"]) == ("throttled", 3, 429)


def test_a_new_hour_starts_a_new_count():
    request = RequestFactory().get("/api/v1/partners/", REMOTE_ADDR=ATTACKER)
    now = timezone.now()
    for at in (now, now, now + timedelta(hours=1)):
        refusal_tally(request=request, response=HttpResponse(status=401), kind="x", now=at)
    assert sorted(AuditEvent.objects.values_list("count", flat=True)) == [1, 2]
