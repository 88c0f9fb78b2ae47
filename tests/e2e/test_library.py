"""Browser journeys of issue 20 (part 1): a partner opens its starter kit from the portal home;
a manager uses a library template for a partner, edits it and downloads the PDF."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect

from apps.core.pdf import pdf_text
from apps.enablement.models import PartnerDocument, ResourceOpen
from apps.partners.models import Stage
from tests.factories import PartnerFactory, PartnerUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def starter_library(db):
    import_module("apps.enablement.migrations.0002_starter_library").seed(apps, None)


def test_a_partner_opens_its_starter_kit(page, live_server, login, shot, starter_library, bob):
    partner = PartnerFactory(name="Acme Resellers", stage=Stage.ONBOARDING, manager=bob)
    erin = PartnerUserFactory(username="erin", partner=partner)
    login(erin)
    kit = page.get_by_role("region", name="Your starter kit")
    expect(kit).to_be_visible()
    expect(kit.get_by_role("link", name="Onboarding checklist")).to_be_visible()
    expect(kit.get_by_role("link", name="Partner strategy plan")).to_have_count(0)
    shot("library-portal-home-starter-kit")
    kit.get_by_role("link", name="Onboarding checklist").click()
    expect(page.get_by_role("heading", name="Onboarding checklist: Acme Resellers")).to_be_visible()
    expect(page.get_by_text("Kickoff call", exact=False).first).to_be_visible()
    shot("library-portal-resource")
    assert (
        ResourceOpen.objects.filter(user=erin, resource__title="Onboarding checklist").count() == 1
    )
    page.get_by_role("link", name="Back to the library").click()
    page.get_by_label("Search").fill("certification")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Certification program")).to_be_visible()
    shot("library-portal-search")


def test_a_manager_uses_a_template_for_a_partner_and_downloads_the_pdf(
    page, live_server, login, shot, starter_library, bob
):
    bob.first_name, bob.last_name = "Bob", "Baker"
    bob.save()
    partner = PartnerFactory(name="Initech Partners", stage=Stage.GROWTH, manager=bob)
    login(bob)
    page.goto(f"{live_server.url}/library/?q=strategy+plan")
    shot("library-manager-search")
    page.get_by_role("link", name="Partner strategy plan").first.click()
    use = page.get_by_role("region", name="Use for a partner")
    use.get_by_label("Partner").select_option(label="Initech Partners")
    shot("library-manager-template")
    use.get_by_role("button", name="Use for this partner").click()
    expect(page.get_by_text("Document created for Initech Partners.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Strategy plan: Initech Partners").first
    ).to_be_visible()
    page.get_by_label("Body (Markdown)").fill(
        page.get_by_label("Body (Markdown)").input_value() + "\n\nAgreed with Initech on Monday."
    )
    page.get_by_label("Shared with the partner's portal").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Document saved.")).to_be_visible()
    shot("library-manager-document")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Strategy plan: Initech Partners" in text
    assert "Bob Baker" in text and "Agreed with Initech on Monday." in text
    document = PartnerDocument.objects.get(partner=partner)
    assert document.shared_with_partner
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    documents = page.get_by_role("region", name="Documents")
    expect(documents.get_by_role("link", name=document.title)).to_be_visible()
    shot("library-partner-page-documents")
