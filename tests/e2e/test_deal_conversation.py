"""Issue 19: a manager asks the partner a question, the partner answers in the portal, the
manager approves. The internal note the manager leaves on the way never shows in the portal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.deals.models import RegistrationComment, Status
from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Checked our CRM: nobody of ours talks to them."


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


@pytest.fixture
def open_as(page, live_server, login):
    """Sign in as `user` through the real form (the previous user signed out), then open `path`."""

    def do(user, path: str):
        page.context.clear_cookies()
        login(user)
        page.goto(f"{live_server.url}{path}")

    return do


def test_ask_answer_approve(page, open_as, shot, acme, bob, charlie):
    reg = RegistrationFactory(
        partner=acme,
        submitted_by=charlie,
        customer_name="Initech LLC",
        customer_domain="initech.com",
    )

    # 1. Bob leaves an internal note and asks Acme a question.
    open_as(bob, f"/registrations/{reg.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Initech LLC"))).to_be_visible()
    page.get_by_label("Comment").fill(NOTE)
    page.get_by_label(re.compile("Internal note")).check()
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()
    page.get_by_label("Question for the partner").fill("How many seats does Initech plan?")
    page.get_by_role("button", name="Ask the partner").click()
    expect(page.get_by_text("Question sent")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("Waiting on partner")
    shot("conversation-1-manager-asked")
    # the queue shows it under "Waiting on partner", not among the waiting for review
    page.get_by_role("link", name="← Review queue").click()
    page.locator(".queue-tabs").get_by_role("link", name="Waiting on partner").click()
    expect(page.get_by_role("link", name="Initech LLC")).to_be_visible()
    shot("conversation-2-queue-waiting-on-partner")

    # 2. Charlie answers in the portal; the internal note is nowhere on the page.
    open_as(charlie, f"/portal/registrations/{reg.pk}/")
    expect(page.get_by_text("Your partner manager asked a question.")).to_be_visible()
    expect(page.locator(".conversation")).to_contain_text("How many seats does Initech plan?")
    assert NOTE not in page.content()
    shot("conversation-3-partner-sees-question")
    page.get_by_label("Your answer").fill("40 seats in the first year, 120 by 2028.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent")).to_be_visible()
    expect(page.locator(".conversation")).to_contain_text("40 seats in the first year")
    assert NOTE not in page.content()
    shot("conversation-4-partner-answered")

    # 3. Bob reads the answer and approves.
    open_as(bob, f"/registrations/{reg.pk}/")
    conversation = page.locator(".conversation")
    expect(conversation).to_contain_text("40 seats in the first year")
    expect(conversation).to_contain_text(NOTE)
    shot("conversation-5-manager-reads-answer")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: the customer is protected")).to_be_visible()
    shot("conversation-6-approved")
    reg.refresh_from_db()
    assert reg.status == Status.APPROVED
    kinds = list(reg.comments.values_list("kind", "internal"))
    assert kinds == [
        (RegistrationComment.Kind.COMMENT, True),
        (RegistrationComment.Kind.QUESTION, False),
        (RegistrationComment.Kind.ANSWER, False),
    ]
