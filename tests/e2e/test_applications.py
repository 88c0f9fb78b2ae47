"""A company applies on /apply/ and a manager accepts it: the partner is in recruitment, its
applicant invited as partner admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.applications.models import Application, ProfileChoice, ProfileQuestion
from apps.people.models import Invitation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_company_applies_and_a_manager_accepts_it(page, live_server, login, shot, bob):
    question = ProfileQuestion.objects.create(text="How many people sell for you?", order=1)
    ProfileChoice.objects.create(question=question, text="1–5", weight=2, order=1)
    ProfileChoice.objects.create(question=question, text="More than 20", weight=10, order=2)

    page.goto(f"{live_server.url}/apply/")
    page.get_by_label("Company").fill("Initech Partners")
    page.get_by_label("Website").fill("initech.example")
    page.get_by_label("Country").select_option(label="United Kingdom")
    page.get_by_label("Kind of partnership").select_option(label="Reseller")
    page.get_by_label("Your name").fill("Peter Gibbons")
    page.get_by_label("Your e-mail address").fill("peter@initech.example")
    page.get_by_label("More than 20").check()
    shot("apply-form")
    page.get_by_role("button", name="Send the application").click()
    expect(
        page.get_by_role("heading", name="Thank you: we received your application")
    ).to_be_visible()
    shot("apply-received")
    assert Application.objects.get().fit_score == 100

    login(bob)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    row = page.get_by_test_id("application-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Initech Partners")
    expect(row).to_contain_text("100")
    shot("applications-queue")
    row.get_by_role("link", name="Initech Partners").click()
    expect(page.get_by_test_id("fit-score")).to_have_text("100")
    expect(page.get_by_text("More than 20")).to_be_visible()
    shot("application-detail")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", name="Initech Partners")).to_be_visible()
    expect(page.get_by_text("Applied on")).to_be_visible()
    shot("application-accepted-partner")
    invitation = Invitation.objects.get()
    assert invitation.email == "peter@initech.example" and invitation.partner_role == "admin"
    assert invitation.partner.stage == "recruitment" and invitation.partner.manager == bob
