"""A partner's way from prospect to growth, walked in the browser by a manager and the partner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.partners.models import Partner, Stage
from apps.program.models import PlaybookTaskTemplate
from tests.factories import PartnerUserFactory, sample_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = sample_pdf()  # readable: signing appends its certificate
PLAYBOOK = [
    ("Kickoff call", "vendor", True),
    ("Product training", "partner", True),
    ("Portal access", "vendor", True),
    ("Onboarding milestone celebration", "vendor", False),
]


@pytest.fixture
def program(db):
    """Transactional tests may start from a flushed database: put back the default program (the
    data migration's own seed), with a shorter onboarding playbook for the journey."""
    from importlib import import_module

    from django.apps import apps

    import_module("apps.program.migrations.0002_default_program").seed(apps, None)
    PlaybookTaskTemplate.objects.filter(stage="onboarding").delete()
    for order, (title, side, required) in enumerate(PLAYBOOK):
        PlaybookTaskTemplate.objects.create(
            stage="onboarding",
            title=title,
            owner_side=side,
            required=required,
            order=order,
            due_offset_days=7 * (order + 1),
        )


def logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")


def transition(page, verb: str, note: str = ""):
    form = page.locator("form.transition").filter(has=page.get_by_role("button", name=verb))
    if note:
        form.get_by_label("Note").fill(note)
    form.get_by_role("button", name=verb).click()
    page.wait_for_load_state("networkidle")


def test_a_partner_goes_from_prospect_to_growth(page, live_server, login, shot, bob, program):
    login(bob)
    page.get_by_role("link", name="Partners").first.click()
    page.get_by_role("link", name="Add partner").click()
    page.get_by_role("textbox", name="Name").fill("Stark Industries")
    page.get_by_label("Website").fill("https://stark.example")
    page.get_by_label("Type of partnership").select_option(label="Reseller")
    page.get_by_label("Partner manager").select_option(label="Bob")
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_role("heading", name=re.compile("Stark Industries"))).to_be_visible()
    expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Recruitment")
    # Not yet: the conditions say why, in words.
    expect(page.get_by_text("The partner is not qualified")).to_be_visible()
    expect(page.get_by_text("The partner has no active (signed) agreement.")).to_be_visible()
    shot("lifecycle-01-prospect")

    # Score the 4C (in place, htmx).
    for label, score in [
        ("Customer", "4"),
        ("Credibility", "4"),
        ("Capability", "3"),
        ("Commitment", "4"),
    ]:
        page.get_by_label(label).select_option(score)
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("Qualified", exact=True)).to_be_visible()
    expect(page.get_by_text("The partner is not qualified")).to_have_count(0)

    # Draft the agreement with its PDF, then send it.
    page.get_by_role("link", name="New agreement").first.click()
    page.get_by_label("Kind").select_option("reseller")
    page.get_by_label("Title").fill("Stark reseller agreement")
    # started yesterday, so signing makes it active at once (a future start stays `signed`)
    page.get_by_label("Starts on").fill(str(timezone.localdate() - timedelta(days=1)))
    page.get_by_label("Ends on").fill(str(timezone.localdate() + timedelta(days=730)))
    page.get_by_label("Document").set_input_files(
        files=[{"name": "stark.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Agreement drafted.")).to_be_visible()
    # send needs a partner admin to sign: the partner's own user
    partner = Partner.objects.get(name="Stark Industries")
    pepper = PartnerUserFactory(username="pepper", first_name="Pepper", partner=partner)
    page.reload()
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_text("Sent for signature").first).to_be_visible()
    shot("lifecycle-02-agreement-sent")
    logout(page)

    # The partner's own user signs it in the portal.
    login(pepper)
    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_role("link", name="Download the PDF").first).to_be_visible()
    page.get_by_label("Type your full name to sign").fill("Pepper Potts")
    shot("lifecycle-03-portal-sign")
    page.get_by_role("button", name="Sign agreement").click()
    expect(page.get_by_text("Signed. The agreement is now active.")).to_be_visible()
    logout(page)

    # The manager starts onboarding: the playbook's tasks appear.
    login(bob)
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    transition(page, "Start onboarding", note="Kickoff booked")
    expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Onboarding")
    for title, _, _ in PLAYBOOK:
        expect(page.get_by_text(title, exact=True)).to_be_visible()
    expect(page.get_by_text("Some required onboarding tasks are not done yet.")).to_be_visible()
    shot("lifecycle-04-onboarding-tasks")
    logout(page)

    # The partner completes its own task in the portal.
    login(pepper)
    page.get_by_role("link", name="Onboarding", exact=True).click()
    expect(page.get_by_role("button", name="Complete Kickoff call")).to_have_count(0)
    page.get_by_role("button", name="Complete Product training").click()
    expect(page.get_by_role("button", name="Reopen Product training")).to_be_visible()
    shot("lifecycle-05-portal-checklist")
    logout(page)

    # The manager completes ours; onboarding completes → growth.
    login(bob)
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    for title in ("Kickoff call", "Portal access"):
        page.get_by_role("button", name=f"Complete {title}").click()
        expect(page.get_by_role("button", name=f"Reopen {title}")).to_be_visible()
    transition(page, "Complete onboarding")
    expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Growth")

    # The loop, twice.
    for round_ in (1, 2):
        transition(page, "Start evaluation", note=f"QBR {round_}")
        expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Evaluation")
        transition(page, "Continue growth")
        expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Growth")
    expect(page.locator("ol.timeline li")).to_have_count(6)
    shot("lifecycle-06-growth-after-loop")

    partner.refresh_from_db()
    assert partner.stage == Stage.GROWTH
    assert list(partner.history.values_list("transition", flat=True)) == [
        "start_onboarding",
        "complete_onboarding",
        "start_evaluation",
        "continue_growth",
        "start_evaluation",
        "continue_growth",
    ]

    page.get_by_role("link", name="Partners").first.click()
    page.get_by_role("link", name="Board by stage").click()
    expect(page.get_by_role("link", name="Stark Industries")).to_be_visible()
    shot("lifecycle-07-board")


def test_an_exit_needs_a_reason_and_works_without_javascript(browser, live_server, bob, program):
    from tests.e2e.conftest import SCREENSHOTS
    from tests.factories import PASSWORD, PartnerFactory

    partner = PartnerFactory(name="Oscorp", stage=Stage.GROWTH)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(bob.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    form = page.locator("form.transition").filter(has=page.get_by_role("button", name="Exit"))
    form.get_by_role("button", name="Exit partner").click()  # no reason: the browser refuses
    expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Growth")
    form.get_by_label("Reason").fill("Moved to a competitor")
    form.get_by_role("button", name="Exit partner").click()
    # First what the exit does (nothing changed yet), then the confirmation.
    expect(page.get_by_role("heading", name="Exit Oscorp?")).to_be_visible()
    page.get_by_role("button", name="Confirm the exit").click()
    expect(page.locator("svg.lifecycle .node-current")).to_contain_text("Exited")
    expect(page.get_by_text("Reason: Moved to a competitor")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lifecycle-08-exited-no-js.png"), full_page=True)
    context.close()
    partner.refresh_from_db()
    assert partner.stage == Stage.EXITED


def test_an_admin_filters_partners_and_tunes_the_program(
    page, live_server, login, shot, alice, program
):
    from tests.factories import PartnerFactory

    for i, stage in enumerate(Stage):
        PartnerFactory(name=f"Company {i} {stage.label}", stage=stage)
    login(alice)
    page.goto(f"{live_server.url}/partners/")
    page.get_by_label("Stage").select_option("growth")
    expect(page.get_by_text("1 partner", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Company 2 Growth")).to_be_visible()
    shot("lifecycle-09-list-filtered")

    page.get_by_role("link", name="Program").click()
    page.get_by_label("Qualification score needed (4C)").fill("14")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Program settings saved.")).to_be_visible()
    page.get_by_role("link", name="Stages").click()
    page.get_by_label("Name on screen of Growth").fill("Scale-up")
    page.get_by_label("Target duration of Growth (days)").fill("200")
    page.get_by_role("button", name="Save stages").click()
    expect(page.get_by_text("Stages saved.")).to_be_visible()
    shot("lifecycle-10-program-stages")
    page.get_by_role("link", name="Playbooks").click()
    expect(page.get_by_role("link", name="Kickoff call")).to_be_visible()
    shot("lifecycle-11-program-playbooks")
    page.goto(f"{live_server.url}/partners/board/")
    expect(page.get_by_role("heading", name=re.compile("Scale-up"))).to_be_visible()
    shot("lifecycle-12-board-renamed")
