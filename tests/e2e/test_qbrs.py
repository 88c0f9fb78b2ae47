"""A manager runs a QBR from start to the outcome `expand`; the partner then reads the summary
and works its action items in the portal."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.partners.models import Stage
from apps.qbrs import quarters
from apps.qbrs.models import QBR, ActionItem, Status
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PartnerFactory
from tests.qbrs.factories import QBRFactory, registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.timedelta


@pytest.fixture
def acme(db, bob):
    return PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, manager=bob)


def _history(partner):
    """Three earlier quarters of frozen figures, so the charts have something to draw."""
    label = quarters.label_for(timezone.now())
    for back, (won, value, score) in zip(
        (3, 2, 1), ((1, 4000, 6), (2, 9000, 7), (3, 15000, 8)), strict=True
    ):
        quarter = quarters.shift(label, -back)
        QBRFactory(
            partner=partner,
            quarter=quarter,
            status=Status.COMPLETED,
            outcome="continue",
            satisfaction_score=score,
            scheduled_for=timezone.now() - D(days=91 * back),
            completed_at=timezone.now() - D(days=91 * back),
            metrics={
                "quarter": quarter,
                "figures": {
                    "won": won,
                    "won_value": f"{value}.00",
                    "submitted": won + 2,
                    "win_rate": 60 + 10 * back,
                    "currency": "USD",
                },
                "previous": None,
            },
        )


def test_a_manager_runs_a_qbr_to_expand_and_the_partner_reads_it(
    page, live_server, login, shot, bob, acme, charlie
):
    _history(acme)
    now = timezone.now()
    registration(
        acme,
        status="won",
        value="12000",
        submitted_at=now - D(days=1),
        approved_at=now - D(hours=20),
        closed_at=now - D(hours=2),
        reviewed_at=now - D(hours=20),
    )
    qbr = QBRFactory(partner=acme, scheduled_for=now + D(days=2))

    login(bob)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="QBRs").click()
    expect(page.get_by_role("heading", name="Quarterly business reviews")).to_be_visible()
    shot("qbrs-list")
    page.get_by_role("link", name="Acme Resellers").first.click()  # upcoming before completed
    expect(page.get_by_role("heading", name=f"QBR {qbr.quarter} · Acme Resellers")).to_be_visible()
    expect(
        page.get_by_text("Starting the QBR moves Acme Resellers from growth to evaluation.")
    ).to_be_visible()

    page.get_by_role("button", name="Start QBR").click()
    expect(
        page.get_by_text("QBR started. The partner moved from growth to evaluation.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Complete with an outcome")).to_be_visible()

    page.get_by_role("textbox", name="Notes", exact=True).fill(
        "Strong quarter. Agreed to open the Nordics together."
    )
    page.get_by_role("textbox", name="Internal notes").fill("Margin pressure: watch the discount.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Notes saved.")).to_be_visible()

    page.get_by_label("Title").fill("Train two sales engineers")
    page.get_by_label("Owner").select_option("partner")
    page.get_by_label("Due on").fill((timezone.localdate() + D(days=30)).isoformat())
    page.get_by_role("button", name="Add action item").click()
    expect(page.get_by_text("Action item added.")).to_be_visible()
    page.get_by_label("Title").fill("Send the co-marketing deck")
    page.get_by_label("Owner").select_option("vendor")
    page.get_by_role("button", name="Add action item").click()
    expect(page.get_by_role("button", name="Mark done: Send the co-marketing deck")).to_be_visible()
    shot("qbr-in-progress")

    page.get_by_role("radio", name="Expand").check()
    page.get_by_label("Satisfaction score (1–10)").select_option("9")
    page.get_by_role("button", name="Complete QBR").click()
    expect(
        page.get_by_text("QBR completed. The partner moved from evaluation to expansion.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Outcome: Expand")).to_be_visible()
    expect(page.get_by_text("Frozen at completion")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    shot("qbr-completed")

    qbr.refresh_from_db()
    acme.refresh_from_db()
    assert (
        qbr.status == Status.COMPLETED and qbr.outcome == "expand" and qbr.satisfaction_score == 9
    )
    assert acme.stage == Stage.EXPANSION
    assert qbr.metrics["figures"]["won"] == 1

    page.get_by_role("heading", name=f"QBR {qbr.quarter} · Acme Resellers").get_by_role(
        "link"
    ).click()
    section = page.get_by_role("region", name="QBRs and the growth ⇄ evaluation loop")
    expect(section).to_be_visible()
    expect(section.get_by_text("growth ⇄ evaluation cycles")).to_be_visible()
    shot("partner-qbr-section")

    page.get_by_role("button", name="Log out").click()
    login(charlie)
    expect(page.get_by_role("heading", name="Next QBR")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="QBRs").click()
    expect(page.get_by_role("heading", name="Completed QBRs")).to_be_visible()
    shot("portal-qbrs")
    page.get_by_role("link", name=f"QBR {qbr.quarter}").first.click()
    expect(page.get_by_text("Strong quarter. Agreed to open the Nordics together.")).to_be_visible()
    expect(page.get_by_text("Margin pressure")).to_have_count(0)
    expect(page.get_by_text("Send the co-marketing deck")).to_be_visible()
    expect(page.get_by_role("button", name="Mark done: Send the co-marketing deck")).to_have_count(
        0
    )
    page.get_by_role("button", name="Mark done: Train two sales engineers").click()
    expect(page.get_by_role("button", name="Reopen: Train two sales engineers")).to_be_visible()
    shot("portal-qbr-summary")
    assert ActionItem.objects.get(title="Train two sales engineers").done
    assert QBR.objects.count() == 4


def test_a_manager_runs_a_qbr_without_javascript(browser, live_server, bob, acme):
    """The same journey with JavaScript off: plain form posts that redirect back."""
    from tests.factories import PASSWORD

    qbr = QBRFactory(partner=acme, scheduled_for=timezone.now() - D(days=1))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(bob.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/qbrs/?status=overdue")
        expect(page.get_by_role("rowgroup").filter(has_text="Overdue").first).to_be_visible()
        page.get_by_role("link", name="Acme Resellers").click()
        page.get_by_role("button", name="Start QBR").click()
        expect(
            page.get_by_text("QBR started. The partner moved from growth to evaluation.")
        ).to_be_visible()
        page.get_by_role("button", name="Complete QBR").click()  # no outcome: refused in place
        expect(page.get_by_text("This field is required.")).to_be_visible()
        page.get_by_role("radio", name="Exit").check()
        page.get_by_role("button", name="Complete QBR").click()  # exit without a reason
        expect(page.get_by_text("Say why the partnership ends.")).to_be_visible()
        page.get_by_role("radio", name="Continue growth").check()
        page.get_by_role("button", name="Complete QBR").click()
        expect(
            page.get_by_text("QBR completed. The partner moved from evaluation to growth.")
        ).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "qbr-completed-no-js.png"), full_page=True)
    finally:
        context.close()
    acme.refresh_from_db()
    qbr.refresh_from_db()
    assert acme.stage == Stage.GROWTH and qbr.outcome == "continue"
