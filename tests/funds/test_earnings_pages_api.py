"""Earnings through every door: the manager's pages, the portal's "My earnings", the API, the
payout batch CSV export, the partner page, the exit preview, the tier's rebate, the demo; who may
use each (finance and admin partner users only, their own company's only), and query counts."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.core import exits
from apps.funds.models import BatchStatus, EarningAccrual, EarningStatus, PayoutBatch
from apps.funds.services import earning_accrue, payout_batch_create, payout_batch_transition
from apps.partners.services import partner_transition
from apps.program.models import ExchangeRate, Tier

from .earnings_factories import earning_partner, user_of, won

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db, bob):
    return earning_partner("Acme Resellers", "5", manager=bob)


@pytest.fixture
def globex(db, bob):
    return earning_partner("Globex Integrators", "2", manager=bob)


def accrue(partner, value="10000.00", *, won_on=date(2026, 11, 3), **kwargs) -> EarningAccrual:
    registration = won(partner, value, **kwargs)
    earning_accrue(registration_id=registration.pk)
    EarningAccrual.objects.filter(registration=registration).update(won_on=won_on)
    return EarningAccrual.objects.get(registration=registration)


def paid_batch(bob, period="2026-11") -> PayoutBatch:
    batch = payout_batch_create(period=period, actor=bob)
    payout_batch_transition(batch=batch, name="approve", actor=bob)
    payout_batch_transition(
        batch=batch, name="pay", actor=bob, reference="REB-11", paid_on=date(2026, 12, 4)
    )
    return batch


# --- the manager's pages ----------------------------------------------------------------------
def test_the_earnings_page_shows_accruals_by_partner_and_status_with_filters(
    acme, globex, bob, client_for
):
    accrue(acme, "1000.00")
    accrue(globex, "2000.00", won_on=date(2026, 12, 1))
    paid_batch(bob)
    page = client_for(bob).get("/funds/earnings/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Acme Resellers" in text and "Globex Integrators" in text
    only_paid = client_for(bob).get("/funds/earnings/?status=paid").content.decode()
    assert "Acme Resellers" in only_paid and "Globex Integrators" not in only_paid
    one = client_for(bob).get(f"/funds/earnings/?partner={globex.pk}").content.decode()
    assert "Globex Integrators" in one and "Acme Resellers" not in one
    assert client_for(bob).get("/funds/earnings/?status=nonsense").status_code == 400
    assert client_for(bob).get("/funds/earnings/?partner=x").status_code == 400


def test_a_manager_previews_writes_approves_exports_and_pays_a_batch_from_the_pages(
    acme, bob, client_for
):
    accrual = accrue(acme, "1000.00", currency="EUR")
    c = client_for(bob)
    preview = c.post("/funds/payouts/new/", {"period": "2026-11", "by": "preview"})
    assert preview.status_code == 200
    assert "Acme Resellers" in preview.content.decode()
    assert not PayoutBatch.objects.exists()
    fingerprint = preview.context["plan"].fingerprint
    written = c.post(
        "/funds/payouts/new/", {"period": "2026-11", "by": "write", "expected": fingerprint}
    )
    batch = PayoutBatch.objects.get()
    assert written.status_code == 302 and written["Location"] == f"/funds/payouts/{batch.pk}/"
    assert c.get(f"/exchange/payout-batches/{batch.pk}.csv").status_code == 404  # a draft
    assert c.post(f"/funds/payouts/{batch.pk}/transitions/approve/").status_code == 302
    export = c.get(f"/exchange/payout-batches/{batch.pk}.csv")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["batch", "period", "batch_status"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row == {
        "batch": str(batch.pk),
        "period": "2026-11",
        "batch_status": "approved",
        "partner_id": str(acme.pk),
        "partner": "Acme Resellers",
        "registration_id": str(accrual.registration_id),
        "customer": accrual.registration.customer_name,
        "won_on": "2026-11-03",
        "tier": "Acme Resellers tier",
        "rebate_percent": "5.00",
        "won_value": "1000.00",
        "currency": "EUR",
        "amount": "50.00",
        "base_currency": "USD",
        "amount_base": "",  # no EUR rate in force: empty, never zero
        "status": "approved",
        "paid_on": "",
        "payment_reference": "",
    }
    refused = c.post(f"/funds/payouts/{batch.pk}/transitions/pay/", {"pay-reference": ""})
    assert refused.status_code == 400
    paid = c.post(
        f"/funds/payouts/{batch.pk}/transitions/pay/",
        {"pay-reference": "REB-2026-11", "pay-paid_on": "2026-12-04"},
    )
    assert paid.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.payment_reference) == (BatchStatus.PAID, "REB-2026-11")
    assert EarningAccrual.objects.get().status == EarningStatus.PAID
    assert "REB-2026-11" in c.get(f"/funds/payouts/{batch.pk}/").content.decode()


def test_the_batch_form_says_what_is_wrong(acme, bob, client_for):
    c = client_for(bob)
    bad = c.post("/funds/payouts/new/", {"period": "November", "by": "preview"})
    assert bad.status_code == 400 and "2026-Q4" in bad.content.decode()
    empty = c.post("/funds/payouts/new/", {"period": "2026-11", "by": "write"})
    assert empty.status_code == 409
    assert not PayoutBatch.objects.exists()


def test_the_partner_page_shows_its_earnings(acme, globex, bob, client_for):
    accrue(acme, "1000.00")
    accrue(globex, "3000.00")
    text = client_for(bob).get(f"/partners/{acme.pk}/").content.decode()
    assert 'id="earnings-h"' in text and "50.00" in text and "60.00" not in text


# --- the portal -------------------------------------------------------------------------------
def test_finance_users_and_admins_see_their_own_companys_earnings_members_are_refused(
    acme, globex, bob, client_for
):
    accrue(acme, "1000.00")
    other = accrue(globex, "7777.00")
    paid_batch(bob)
    for role in ("finance", "admin"):
        page = client_for(user_of(acme, role)).get("/portal/earnings/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "50.00" in text and "REB-11" in text
        assert other.registration.customer_name not in text and "7,777" not in text
    assert client_for(user_of(acme, "member")).get("/portal/earnings/").status_code == 403
    assert client_for(bob).get("/portal/earnings/").status_code == 302  # staff: the main app


def test_the_portal_navigation_offers_my_earnings_to_finance_and_admins_only(acme, client_for):
    for role, shown in (("finance", True), ("admin", True), ("member", False)):
        text = client_for(user_of(acme, role)).get("/portal/").content.decode()
        assert ('href="/portal/earnings/"' in text) is shown, role


# --- the API ----------------------------------------------------------------------------------
def test_the_earnings_api_answers_partner_finance_users_with_their_own_only(
    acme, globex, bob, api_for
):
    mine = accrue(acme, "1000.00")
    other = accrue(globex, "2000.00")
    finance = user_of(acme)
    listed = api_for(finance).get("/api/v1/earnings/")
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()["results"]] == [mine.pk]
    row = listed.json()["results"][0]
    assert (row["amount"], row["currency"], row["status"], row["percent"]) == (
        "50.00",
        "USD",
        "accrued",
        "5.00",
    )
    assert "batch" not in row  # staff only
    assert api_for(finance).get(f"/api/v1/earnings/{other.pk}/").status_code == 404
    assert api_for(user_of(acme, "member")).get("/api/v1/earnings/").status_code == 403
    assert api_for(user_of(acme, "member")).get(f"/api/v1/earnings/{mine.pk}/").status_code == 403
    staff = api_for(bob).get("/api/v1/earnings/").json()
    assert staff["count"] == 2 and "batch" in staff["results"][0]
    assert api_for(bob).get(f"/api/v1/earnings/?partner={globex.pk}").json()["count"] == 1
    assert api_for(bob).get("/api/v1/earnings/?status=owed").status_code == 400
    assert api_for().get("/api/v1/earnings/").status_code == 401


def test_the_payout_batch_api_previews_writes_and_runs_the_machine(acme, bob, alice, api_for):
    accrual = accrue(acme, "1000.00")
    api = api_for(bob)
    preview = api.post("/api/v1/payout-batches/preview/", {"period": "2026-11"}, format="json")
    assert preview.status_code == 200
    body = preview.json()
    assert (body["count"], body["accruals"], body["totals"]) == (1, [accrual.pk], {"USD": "50.00"})
    created = api.post(
        "/api/v1/payout-batches/",
        {"period": "2026-11", "expected": body["fingerprint"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    batch = created.json()
    assert (batch["name"], batch["status"], batch["accruals"], batch["totals"]) == (
        "2026-11",
        "draft",
        1,
        {"USD": "50.00"},
    )
    url = f"/api/v1/payout-batches/{batch['id']}"
    again = api.post("/api/v1/payout-batches/", {"period": "2026-11"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conditions_unmet"
    assert api.post(f"{url}/transitions/pay/", {}, format="json").status_code == 400
    early = api.post(
        f"{url}/transitions/pay/", {"reference": "R", "paid_on": "2026-12-01"}, format="json"
    )
    assert early.status_code == 409 and early.json()["code"] == "transition_not_allowed"
    assert api.post(f"{url}/transitions/approve/", {}, format="json").json()["status"] == (
        "approved"
    )
    paid = api_for(alice).post(
        f"{url}/transitions/pay/", {"reference": "REB-1", "paid_on": "2026-12-01"}, format="json"
    )
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["payment_reference"]) == ("paid", "REB-1")
    assert api.get(f"{url}/transitions/").status_code == 200
    assert api.get("/api/v1/payout-batches/?status=paid").json()["count"] == 1
    assert api.get("/api/v1/payout-batches/?status=sent").status_code == 400


def test_the_payout_batch_api_refuses_bad_periods_and_partner_users(acme, bob, api_for):
    api = api_for(bob)
    for period in ("2026-13", "", "x" * 40):
        answer = api.post("/api/v1/payout-batches/preview/", {"period": period}, format="json")
        assert answer.status_code == 400 and "period" in answer.json()
    stale = api.post(
        "/api/v1/payout-batches/", {"period": "2026-11", "expected": "0" * 16}, format="json"
    )
    assert stale.status_code == 409
    finance = api_for(user_of(acme))
    assert finance.get("/api/v1/payout-batches/").status_code == 403
    assert finance.post("/api/v1/payout-batches/", {"period": "2026-11"}).status_code == 403


# --- query counts -----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 50])
def test_the_earnings_lists_query_counts_do_not_grow_with_rows(n, bob, client_for, api_for):
    partners = [earning_partner(f"Partner {i:02d}", "4", manager=bob) for i in range(2)]
    for i in range(n):
        accrue(partners[i % 2], "100.00", won_on=date(2026, 11, 1 + i % 28))
    batch = payout_batch_create(period="2026-11", actor=bob)
    for period in ("2026-01", "2026-02"):  # more batches for the batch list
        accrue(partners[0], "100.00", won_on=date(2026, int(period[-1]), 5))
        payout_batch_create(period=period, actor=bob)
    finance = user_of(partners[0])
    counts = {}
    for who, client, url in (
        ("api", api_for(bob), "/api/v1/earnings/"),
        ("api_partner", api_for(finance), "/api/v1/earnings/"),
        ("api_batches", api_for(bob), "/api/v1/payout-batches/"),
        ("earnings", client_for(bob), "/funds/earnings/"),
        ("batches", client_for(bob), "/funds/payouts/"),
        ("batch", client_for(bob), f"/funds/payouts/{batch.pk}/"),
        ("my_earnings", client_for(finance), "/portal/earnings/"),
        ("partner_page", client_for(bob), f"/partners/{partners[0].pk}/"),
    ):
        client.get(url)  # warm the per-process caches (program settings, navigation)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[who] = len(ctx.captured_queries)
    assert {k: v for k, v in counts.items() if k != "partner_page"} == EXPECTED, counts
    PARTNER_PAGE.setdefault("count", counts["partner_page"])
    assert counts["partner_page"] == PARTNER_PAGE["count"]


# Each the same at 2 and at 50 rows. API: the count and the page (accruals with partner,
# registration and batch joined; batches with their accrual count, then the page's totals per
# currency in one query). Pages add the session and the user: earnings — the count, the page,
# the by-partner sums and the totals; batches — the count and the page; a batch — the batch,
# its totals, the count and the page of accruals; my earnings — the count, the page, the
# totals and the unread-notifications bell.
EXPECTED = {
    "api": 2,
    "api_partner": 2,
    "api_batches": 3,
    "earnings": 6,
    "batches": 4,
    "batch": 6,
    "my_earnings": 5,  # the partner is read with the user (apps/accounts/backends.py)
}
PARTNER_PAGE: dict[str, int] = {}  # the partner page's count at 2 rows, which 50 must equal


# --- the exit, the tier, the demo -------------------------------------------------------------
def test_the_exit_preview_says_unpaid_earnings_stay_payable_and_the_exit_keeps_them(
    acme, bob, client_for
):
    accrue(acme, "1000.00")
    accrue(acme, "3000.00", won_on=date(2026, 12, 2))
    paid_batch(bob)  # the first is paid: not listed
    effects = [e for e in exits.preview(acme, now=timezone.now()) if e.app == "funds"]
    assert [(e.action, e.label) for e in effects] == [
        ("keep_payable", "1 unpaid rebate ($150.00) stays payable in a payout batch")
    ]
    partner_transition(partner=acme, name="exit", actor=bob, reason="Strategy change")
    assert EarningAccrual.objects.filter(partner=acme).count() == 2
    assert EarningAccrual.objects.filter(status=EarningStatus.ACCRUED).count() == 1


def test_admins_set_the_tiers_rebate_on_the_form_and_the_api(alice, client_for, api_for):
    tier = Tier.objects.get(name="Silver")
    api = api_for(alice)
    assert api.patch(f"/api/v1/tiers/{tier.pk}/", {"rebate_percent": "2.5"}, format="json").json()[
        "rebate_percent"
    ] == ("2.50")
    for bad in ("100.01", "-1", "NaN", "abc"):
        answer = api.patch(f"/api/v1/tiers/{tier.pk}/", {"rebate_percent": bad}, format="json")
        assert answer.status_code == 400 and "rebate_percent" in answer.json(), bad
    tier.refresh_from_db()
    assert tier.rebate_percent == Decimal("2.50")
    form = client_for(alice).get(f"/tiers/settings/{tier.pk}/edit/")
    assert 'name="rebate_percent"' in form.content.decode()


def test_the_demo_has_earnings_accrued_approved_and_paid(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ExchangeRate.objects.all().delete()
    call_command("seed_demo", stdout=io.StringIO())
    states = set(EarningAccrual.objects.values_list("status", flat=True))
    assert states == {"accrued", "approved", "paid"}
    assert set(PayoutBatch.objects.values_list("status", flat=True)) == {"approved", "paid"}
    northwind = User.objects.get(username="fiona").partner
    assert EarningAccrual.objects.filter(partner=northwind).count() >= 5
