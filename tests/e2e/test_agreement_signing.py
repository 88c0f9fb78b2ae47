"""Browser journeys of issue 19's agreement documents: an admin edits a template with its
preview; a manager sends an agreement whose PDF is generated from it; the partner admin reads
it in the portal and signs; the manager countersigns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.agreements.models import Agreement, AgreementTemplate, Status
from apps.agreements.services import agreement_create
from apps.core.pdf import pdf_text, sha256
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]


def test_an_admin_edits_a_template_with_its_preview(
    page, live_server, login, shot, console_errors, alice
):
    template = AgreementTemplate.objects.get(kind="referral")
    login(alice)
    page.goto(f"{live_server.url}/agreements/")
    page.get_by_role("link", name="Templates").click()
    shot("agreements-templates-list")
    page.get_by_role("link", name="Referral agreement").click()
    expect(page.get_by_role("heading", name="Preview with an example partner")).to_be_visible()
    body = page.get_by_label("Body")
    body.fill(body.input_value() + "\n\nSigned for {{ partner_nickname }}.")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("Unknown merge field(s): {{ partner_nickname }}")).to_be_visible()
    shot("agreements-template-unknown-field")
    # the refused form answers 400 (as every invalid form does), which the console reports
    assert [e for e in console_errors if "400" not in e] == []
    console_errors.clear()
    body.fill(body.input_value().replace("partner_nickname", "partner_name"))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Signed for Example Partner Ltd.")).to_be_visible()
    shot("agreements-template-preview")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("Template saved.")).to_be_visible()
    template.refresh_from_db()
    assert template.body.endswith("Signed for {{ partner_name }}.")


def test_a_partner_reads_and_signs_a_generated_agreement(
    page, other_page, live_server, login, shot, bob, charlie
):
    charlie.first_name, charlie.last_name = "Charlie", "Chaplin"
    charlie.save()
    partner = charlie.partner
    partner.manager = bob
    partner.save()
    today = timezone.localdate()
    agreement = agreement_create(
        actor=bob,
        partner=partner,
        kind="reseller",
        title="Acme reseller agreement 2027",
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=730),
        notice_period_days=60,
        partner_address="1 Harbour Street\nBristol BS1 4RN",
        exit_clauses="Either side may end it with 60 days' written notice.",
    )

    login(bob)
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_text("Agreement is now sent for signature.")).to_be_visible()
    shot("agreements-manager-sent")
    agreement.refresh_from_db()
    assert agreement.document_generated and len(agreement.document_sha256) == 64

    partner_page = other_page
    errors: list[str] = []
    partner_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    partner_page.goto(f"{live_server.url}/accounts/login/")
    partner_page.get_by_label("Username").fill(charlie.username)
    partner_page.get_by_label("Password").fill(PASSWORD)
    partner_page.get_by_role("button", name="Log in").click()
    partner_page.goto(f"{live_server.url}/portal/agreements/{agreement.pk}/")
    frame = partner_page.locator("iframe[title^='The document of']")
    expect(frame).to_be_visible()
    pdf = partner_page.request.get(f"{live_server.url}{frame.get_attribute('src')}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert sha256(pdf.body()) == agreement.document_sha256
    assert "Acme reseller agreement 2027" in pdf_text(pdf.body())
    with partner_page.expect_download() as download:
        partner_page.get_by_role("link", name="Download the PDF").first.click()
    assert download.value.suggested_filename == f"agreement-{agreement.pk}.pdf"
    partner_page.wait_for_timeout(500)  # the inline viewer draws the PDF
    partner_page.screenshot(path="var/screenshots/agreements-portal-read.png", full_page=True)

    partner_page.get_by_label("Type your full name to sign").fill("Charlie Chaplin")
    partner_page.get_by_role("button", name="Sign agreement").click()
    expect(partner_page.get_by_text("Signed. The agreement is now active.")).to_be_visible()
    partner_page.screenshot(path="var/screenshots/agreements-portal-signed.png", full_page=True)
    assert errors == []

    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE and agreement.signed_by == charlie
    assert agreement.signed_from_address == "127.0.0.1"
    assert "Chrome" in agreement.signed_user_agent
    with agreement.signed_document.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Signature certificate" in text and "Charlie Chaplin" in text

    page.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    page.get_by_role("button", name="Countersign").click()
    expect(page.get_by_text("Agreement is now active.")).to_be_visible()
    shot("agreements-manager-countersigned")
    assert Agreement.objects.get(pk=agreement.pk).countersigned_by == bob
