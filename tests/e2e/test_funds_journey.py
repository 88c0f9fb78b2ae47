"""A partner requests funds, the manager approves less than asked, the partner claims with an
invoice and a proof, the manager approves the claim and records the payment; the partner's
"My funds" shows each step."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import PartnerRole
from apps.funds.models import FundRequest, Status
from apps.funds.services.attribution import attribute
from apps.partners.models import Stage
from tests.factories import PartnerFactory, PartnerUserFactory
from tests.funds.factories import PDF_BYTES, allocation, request_in
from tests.qbrs.factories import registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


def test_request_approve_less_claim_and_pay(page, live_server, login, shot, acme, bob, alice,
                                             settings, tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = str(tmp_path)
    allocation(acme, "10000.00")
    nina = PartnerUserFactory(username="nina", partner=acme, partner_role=PartnerRole.MEMBER)
    login(nina)
    page.goto(f"{live_server.url}/portal/funds/")
    expect(page.get_by_role("heading", name="My funds")).to_be_visible()
    shot("funds-my-funds-empty")
    page.get_by_role("link", name="Request funds").click()
    page.get_by_label("Activity").select_option("webinar")
    page.get_by_label("Title").fill("Zero-trust webinar")
    page.get_by_label("Runs from").fill("2027-02-01")
    page.get_by_label("Runs until").fill("2027-02-01")
    page.get_by_label("Amount requested").fill("4000")
    page.get_by_label("Leads you expect").fill("30")
    shot("funds-request-form")
    page.get_by_role("button", name="Submit the request").click()
    expect(page.locator("#fund-status")).to_have_text("Submitted")
    r = FundRequest.objects.get(title="Zero-trust webinar")

    page.context.clear_cookies()
    login(bob)
    page.goto(f"{live_server.url}/funds/queue/")
    shot("funds-request-queue")
    page.get_by_role("link", name="Zero-trust webinar").click()
    page.locator("#id_approve-amount").fill("3000")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#fund-approved")).to_contain_text("3,000.00")
    shot("funds-request-approved")

    page.context.clear_cookies()
    login(nina)
    page.goto(f"{live_server.url}/portal/funds/")
    expect(page.locator("#allocations")).to_contain_text("€7,000.00")
    expect(page.locator("#fund-requests")).to_contain_text("Approved")
    shot("funds-my-funds-approved")
    page.get_by_role("link", name="Zero-trust webinar").click()
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF_BYTES)
    for kind in ("invoice", "proof"):
        page.get_by_label("What it is").select_option(kind)
        page.get_by_label("File (PDF or image, at most 10 MB)").set_input_files(str(invoice))
        page.get_by_role("button", name="Add the file").click()
    page.get_by_label("What it cost").fill("2900")
    page.get_by_label("Leads it brought").fill("25")
    shot("funds-claim-form")
    page.get_by_role("button", name="Submit the claim").click()
    expect(page.locator("#fund-status")).to_have_text("Claimed")

    page.context.clear_cookies()
    login(bob)
    page.goto(f"{live_server.url}/funds/queue/?q=claims")
    page.get_by_role("link", name="Zero-trust webinar").click()
    page.locator("#id_approve_claim-amount").fill("2900")
    page.get_by_role("button", name="Approve the claim").click()
    expect(page.locator("#fund-status")).to_have_text("Claim approved")
    page.get_by_label("Payment reference").fill("PAY-2027-7")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#fund-status")).to_have_text("Paid")
    shot("funds-request-paid")

    page.context.clear_cookies()
    login(nina)
    page.goto(f"{live_server.url}/portal/funds/")
    expect(page.locator("#fund-requests")).to_contain_text("Paid")
    expect(page.locator("#allocations")).to_contain_text("€7,100.00")
    shot("funds-my-funds-paid")
    r.refresh_from_db()
    assert r.status == Status.PAID and r.payment_reference == "PAY-2027-7"


def test_edit_a_returned_request_resubmit_and_see_the_return(
    page, live_server, login, shot, acme, bob, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    alloc = allocation(acme, "10000.00")
    nina = PartnerUserFactory(username="nina", partner=acme, partner_role=PartnerRole.MEMBER)
    returned = request_in("returned", alloc, by=nina, manager=bob)
    done = request_in("approved", alloc, amount="1000.00", by=nina, manager=bob)
    done.title = "Partner summit booth"
    done.save(update_fields=["title"])
    now = timezone.now()
    won = registration(acme, status="won", value="4000", submitted_at=now, closed_at=now)
    attribute("registration", won, done.pk, partner_id=acme.pk, actor=bob)

    login(nina)
    page.goto(f"{live_server.url}/portal/funds/requests/{returned.pk}/")
    expect(page.locator("#fund-status")).to_have_text("Returned for changes")
    page.get_by_role("link", name="Edit the request").click()
    expect(page.locator("#review-note")).to_contain_text("Add the agenda.")
    page.get_by_label("Title").fill("Cloud migration webinar, with agenda")
    page.get_by_label("Amount requested").fill("3500")
    page.get_by_label("What you will do").fill("Agenda: migration paths, then a live demo.")
    shot("funds-edit-returned")
    page.get_by_role("button", name="Save and submit again").click()
    expect(page.locator("#fund-status")).to_have_text("Submitted")
    expect(page.get_by_role("heading", name="Cloud migration webinar, with agenda")).to_be_visible()
    returned.refresh_from_db()
    assert returned.status == Status.SUBMITTED and str(returned.requested_amount) == "3500.00"

    page.goto(f"{live_server.url}/portal/funds/")
    expect(page.locator("#fund-requests")).to_contain_text("4.00×")
    expect(page.locator("#funds-return")).to_be_visible()
    shot("funds-my-funds-return")

    page.context.clear_cookies()
    login(bob)
    page.goto(f"{live_server.url}/funds/")
    expect(page.locator("#return-by-partner")).to_contain_text("Acme Resellers")
    expect(page.locator("#return-by-activity")).to_contain_text("4.00×")
    shot("funds-overview-return")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#fund-returns")).to_contain_text("4.00×")
    shot("funds-dashboard-return")
    # The registration the activity produced names it, a click away from the request.
    page.goto(f"{live_server.url}/registrations/{won.pk}/")
    expect(page.locator(".fund-credit")).to_contain_text("Partner summit booth")
    shot("funds-registration-credited")
    page.locator(".fund-credit").get_by_role("link", name="Open the fund request").click()
    expect(page.get_by_role("heading", name="Partner summit booth")).to_be_visible()
