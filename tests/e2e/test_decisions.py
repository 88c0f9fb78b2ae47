"""Decisions partners can trust, in the browser: the manager rejects with a listed reason and
their own words, watching the preview of what the partner reads, and the partner reads exactly
that; the manager exits a partner after seeing everything the exit closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.partners.models import Partner, Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory
from tests.qbrs.factories import QBRFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_rejects_with_a_previewed_reason_and_the_partner_reads_it(
    page, live_server, login, shot, bob
):
    acme = PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)
    carol = PartnerUserFactory(username="carol", partner=acme)
    reg = RegistrationFactory(partner=acme, customer_name="Initech", customer_domain="initech.com")
    login(bob)
    page.goto(live_server.url + reverse("deals:detail", args=[reg.pk]))
    expect(
        page.get_by_text("Acme Resellers reads the reason you pick and your own words")
    ).to_be_visible()
    page.get_by_label("Reason (the partner reads it)").select_option(
        label="Insufficient information"
    )
    page.get_by_label("Your words to the partner").fill("Name the buyer and the budget holder.")
    expected = "Insufficient information — Name the buyer and the budget holder."
    preview = page.locator("#reject-preview")
    expect(preview).to_contain_text(expected)
    expect(preview).to_contain_text("Registration rejected: Initech")
    shot("decide-01-reject-preview")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Rejected.")).to_be_visible()
    page.context.clear_cookies()
    login(carol)
    page.goto(live_server.url + reverse("portal:deal_detail", args=[reg.pk]))
    expect(page.locator("dl.facts")).to_contain_text(expected)
    shot("decide-02-partner-reads-the-reason")


def test_a_manager_sees_what_an_exit_closes_before_confirming_it(
    page, live_server, login, shot, bob
):
    oscorp = PartnerFactory(name="Oscorp", stage=Stage.GROWTH, manager=bob)
    AgreementFactory(partner=oscorp, status="active", title="Reseller agreement 2026",
                     notice_period_days=60)  # fmt: skip
    RegistrationFactory(partner=oscorp, customer_name="Initech", customer_domain="initech.com")
    RegistrationFactory(partner=oscorp, customer_name="Hooli", customer_domain="hooli.com",
                        approved=True)  # fmt: skip
    QBRFactory(partner=oscorp, quarter="2027-Q1",
               scheduled_for=timezone.now() + timedelta(days=20))  # fmt: skip
    PartnerUserFactory(partner=oscorp, username="norman", email="norman@oscorp.example")
    login(bob)
    page.goto(live_server.url + reverse("partners:detail", args=[oscorp.pk]))
    form = page.locator("form.transition").filter(
        has=page.get_by_role("button", name="Exit partner")
    )
    form.get_by_label("Reason").fill("Moved to a competitor")
    form.get_by_role("button", name="Exit partner").click()
    expect(page.get_by_role("heading", name="Exit Oscorp?")).to_be_visible()
    impact = page.locator(".exit-impact")
    for text in (
        "Agreements to terminate",
        "notice period 60 days",
        "Registrations to withdraw",
        "Initech (initech.com)",
        "Registrations to expire",
        "Hooli (hooli.com)",
        "QBRs to cancel",
        "2027-Q1",
        "Users who lose access to the portal",
        "norman@oscorp.example",
    ):
        expect(impact).to_contain_text(text)
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.GROWTH
    shot("decide-03-exit-preview")
    page.get_by_role("button", name="Confirm the exit").click()
    expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Exited")
    expect(page.get_by_text("Confirmed after its impact was shown.")).to_be_visible()
    page.get_by_text("What the exit did").click()
    expect(page.locator(".timeline")).to_contain_text("Reseller agreement 2026")
    shot("decide-04-exit-summary-in-the-timeline")


def test_a_manager_grants_fewer_days_than_asked_with_a_reason(
    page, live_server, login, shot, bob, alice
):
    from apps.deals.services import extension_request_create

    acme = PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)
    carol = PartnerUserFactory(username="carol", partner=acme)
    reg = RegistrationFactory(partner=acme, customer_name="Initech", approved=True)
    extension_request_create(registration=reg, requested_by=carol, days=45, reason="Procurement")
    login(bob)
    page.goto(live_server.url + reverse("deals:detail", args=[reg.pk]))
    decision = page.locator(".extension-decision")
    expect(decision).to_contain_text("Extensions left: 2 of 2.")
    expect(decision.get_by_label("Days to grant")).to_have_value("45")
    shot("decide-05-extension-decision")
    decision.get_by_label("Days to grant").fill("20")
    decision.get_by_label("Reason").fill("The customer's board decides within three weeks.")
    decision.get_by_role("button", name="Grant fewer days (with a reason)").click()
    expect(page.get_by_text("Extension granted; the partner is told.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(
        "+20 of the 45 days asked for: The customer's board decides within three weeks."
    )
    shot("decide-06-extension-granted-fewer")
    page.context.clear_cookies()
    login(alice)
    page.goto(live_server.url + reverse("program:rejection_reasons"))
    expect(page.get_by_role("link", name="Insufficient information")).to_be_visible()
    shot("decide-07-rejection-reasons-settings")


def test_a_qbr_outcome_exit_shows_what_the_exit_closes_beside_the_form(
    page, live_server, login, shot, bob
):
    oscorp = PartnerFactory(name="Oscorp", stage=Stage.EVALUATION, manager=bob)
    AgreementFactory(partner=oscorp, status="active", title="Reseller agreement 2026")
    RegistrationFactory(partner=oscorp, customer_name="Initech", customer_domain="initech.com")
    qbr = QBRFactory(partner=oscorp, quarter="2026-Q4", status="in_progress")
    login(bob)
    page.goto(live_server.url + reverse("qbrs:detail", args=[qbr.pk]))
    page.get_by_text("What the outcome “exit” also does to Oscorp").click()
    impact = page.locator("#exit-impact")
    expect(impact).to_contain_text("Reseller agreement 2026")
    expect(impact).to_contain_text("Initech (initech.com)")
    expect(impact).not_to_contain_text("QBRs to cancel")  # this QBR is completed, not cancelled
    shot("decide-08-qbr-exit-impact")
    page.get_by_role("radio", name="Exit").check()
    page.get_by_label("Reason for exit").fill("Left the market")
    page.get_by_role("button", name="Complete QBR").click()
    expect(page.locator(".stage-effect")).to_contain_text(
        "The partner moved from evaluation to exited."
    )
    assert Partner.objects.get(pk=oscorp.pk).stage == Stage.EXITED
