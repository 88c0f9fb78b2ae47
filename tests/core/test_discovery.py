"""Navigation, composite sections and API routes are discovered from each app's nav.py,
sections.py and api.py (apps/core/discovery.py), not listed in core; a renamed URL fails loudly."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch

from apps.core import extra_fields, nav, sections
from apps.core.discovery import app_modules
from apps.deals import nav as deals_nav
from apps.deals import sections as deals_sections
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_every_apps_nav_module_is_found_in_installed_apps_order():
    found = [m.__name__ for m in app_modules("nav")]
    assert found == [
        "apps.partners.nav",
        "apps.program.nav",
        "apps.agreements.nav",
        "apps.deals.nav",
        "apps.people.nav",
        "apps.enablement.nav",
        "apps.applications.nav",
        "apps.funds.nav",
        "apps.qbrs.nav",
        "apps.tiers.nav",
        "apps.leads.nav",
        "apps.onboarding.nav",
        "apps.dashboard.nav",
        "apps.exchange.nav",
        "apps.portal.nav",
        "apps.locator.nav",
    ]


def test_the_bars_list_each_apps_links_in_order(alice, bob, charlie):
    staff = [link["name"] for link in nav.links_for(bob)]
    assert staff == [
        "home",
        "partners:list",
        "applications:queue",
        "onboarding:overview",
        "deals:queue",
        "leads:board",
        "funds:overview",
        "funds:earnings",
        "agreements:list",  # issue 23: it was reachable from no page
        "qbrs:list",
        "tiers:proposals",
        "enablement:library",
        "enablement:courses",
        "exchange:index",  # issue 23: the same
    ]
    assert [link["name"] for link in nav.links_for(alice)] == [*staff, "program:settings"]
    assert [link["label"] for link in nav.links_for(charlie)] == [
        "Home",
        "Register a deal",
        "Leads",
        "My registrations",
        "Onboarding",
        "Agreements",
        "My funds",
        "My earnings",  # charlie, a partner admin, reads his company's earnings
        "QBRs",
        "Library",
        "Courses",
        "Team",  # charlie is his company's partner admin
        "Tier",
        "Directory listing",  # his company's public listing in the partner locator
        "Company",
    ]


def test_a_new_link_in_an_apps_nav_shows_up_without_touching_core(bob, monkeypatch):
    monkeypatch.setattr(
        deals_nav, "LINKS", [*deals_nav.LINKS, nav.Link("Conflicts", "deals:queue", "staff", 45)]
    )
    assert "Conflicts" in [link["label"] for link in nav.links_for(bob)]


def test_a_renamed_url_fails_loudly(bob, monkeypatch, client_for):
    monkeypatch.setattr(
        deals_nav, "LINKS", [nav.Link("Registrations", "deals:renamed_queue", "staff", 40)]
    )
    with pytest.raises(NoReverseMatch):
        nav.links_for(bob)
    with pytest.raises(NoReverseMatch):
        client_for(bob).get("/partners/")


def test_the_settings_tabs_come_from_the_apps_that_configure_the_program():
    assert nav.settings_tabs() == [
        ("program:settings", "Program settings"),
        ("program:stages", "Stages"),
        ("program:playbooks", "Playbooks"),
        ("applications:questions", "Partner profile"),
        ("program:partner_types", "Partner types"),
        ("program:rejection_reasons", "Rejection reasons"),
        ("tiers:settings", "Tiers"),
        ("leads:rules", "Lead routing"),
        ("leads:settings", "Lead settings"),
        ("tiers:rates", "Exchange rates"),
        ("agreements:templates", "Agreement templates"),
    ]


def test_sections_are_discovered_in_their_order():
    assert [m.__name__ for m in sections.section_modules()] == [
        "apps.applications.sections",
        "apps.onboarding.sections",
        "apps.people.sections",
        "apps.agreements.sections",
        "apps.enablement.sections",
        "apps.deals.sections",
        "apps.leads.sections",
        "apps.funds.sections",  # the return on funds on the dashboard, earnings on the partner
        "apps.qbrs.sections",
        "apps.tiers.sections",
        "apps.dashboard.sections",
        "apps.locator.sections",
    ]


def test_the_merge_field_figures_are_discovered():
    """The library's templates read figures from the apps above it (apps/enablement/merge.py)."""
    assert [m.__name__ for m in app_modules("merge_fields")] == ["apps.qbrs.merge_fields"]


def test_the_extra_fields_are_discovered():
    """Fields an app adds to a lower app's forms and API (apps/core/extra_fields.py): funds'
    `fund_request` on registrations and leads."""
    assert [m.__name__ for m in app_modules("extra_fields")] == ["apps.funds.extra_fields"]
    assert extra_fields.names("deals.registration") == ["fund_request"]
    assert extra_fields.names("leads.lead") == ["fund_request"]


def test_a_sections_module_without_its_order_fails_loudly(monkeypatch):
    monkeypatch.delattr(deals_sections, "ORDER")
    with pytest.raises(AttributeError):
        sections.section_modules()


def test_collect_gathers_each_apps_part_of_a_page(rf, bob):
    partner = PartnerFactory(manager=bob)
    request = rf.get("/")
    request.user = bob
    templates = [part["template"] for part in sections.collect("partner_detail", request, partner)]
    assert "deals/_partner_section.html" in templates
    assert templates == sorted(templates, key=lambda t: _order_of(t))


def _order_of(template: str) -> int:
    app = template.split("/")[0]
    return next(m.ORDER for m in sections.section_modules() if m.__name__ == f"apps.{app}.sections")


def test_the_api_routes_are_discovered(api_for, bob):
    assert api_for(bob).get("/api/v1/deal-registrations/").status_code == 200
    assert api_for().get("/api/v1/locator/partners/").status_code == 200  # anonymous


def test_the_demo_seeds_the_apps_of_its_own_floor_by_discovery():
    """apps/demo may not import an app of its floor (.importlinter): seed_demo runs their
    `demo.py` found like every other contribution."""
    assert [m.__name__ for m in app_modules("demo")] == ["apps.locator.demo"]


@pytest.mark.parametrize(
    "path, current",
    [
        ("/funds/", "Funds"),
        ("/funds/queue/", "Funds"),
        ("/funds/earnings/", "Earnings"),  # not Funds as well: the longest address wins
        ("/funds/payouts/", "Earnings"),  # a page the Earnings link covers
        ("/", "Dashboard"),
    ],
)
def test_one_link_of_the_bar_is_the_current_pages(bob, client_for, path, current):
    import re

    response = client_for(bob).get(path)
    assert response.status_code == 200
    marked = re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', response.text)
    assert marked == [current]
