"""The program settings pages: one tab bar, the same everywhere; one message area."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.agreements.models import AgreementTemplate
from apps.core.nav import settings_tabs
from apps.program.models import PartnerType, Tier
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

TABS = re.compile(r'<nav class="tabs program-tabs".*?</nav>', re.S)
CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def _settings_pages() -> list[tuple[str, str]]:
    """(page, the tab it belongs to): every tab's own page and the pages under them."""
    tier = Tier.objects.order_by("rank").first()
    partner_type = PartnerType.objects.first()
    agreement_template = AgreementTemplate.objects.order_by("kind").first()
    own = [(reverse(name), name) for name, _label in settings_tabs()]
    return own + [
        (reverse("program:base_currency"), "program:settings"),
        (reverse("program:playbook_new"), "program:playbooks"),
        (reverse("program:partner_type_new"), "program:partner_types"),
        (reverse("program:partner_type_edit", args=[partner_type.pk]), "program:partner_types"),
        (reverse("program:rejection_reason_new"), "program:rejection_reasons"),
        (reverse("tiers:create"), "tiers:settings"),
        (reverse("tiers:edit", args=[tier.pk]), "tiers:settings"),
        (reverse("tiers:delete", args=[tier.pk]), "tiers:settings"),
        (reverse("applications:question_new"), "applications:questions"),
        (
            reverse("agreements:template_edit", args=[agreement_template.pk]),
            "agreements:templates",
        ),
    ]


def test_every_settings_page_has_the_same_tab_bar(client_for, alice):
    c = client_for(alice)
    bars = set()
    for page, tab in _settings_pages():
        response = c.get(page)
        assert response.status_code == 200, page
        found = TABS.findall(response.content.decode())
        assert len(found) == 1, page
        current = CURRENT.findall(found[0])
        assert current == [reverse(tab)], (page, current)
        bars.add(found[0].replace(' aria-current="page"', ""))
    assert len(bars) == 1
    labels = re.findall(r">([^<]+)</a>", bars.pop())
    assert labels == [str(label) for _name, label in settings_tabs()]


def test_after_an_action_only_its_message_shows(client_for, alice):
    """An in-place (htmx) action's message went out with its fragment: it does not wait to
    stack on top of the next page's."""
    reg = RegistrationFactory(partner=PartnerFactory(stage="growth"))
    c = client_for(alice)
    fragment = c.post(
        reverse("deals:transition", args=[reg.pk, "approve"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Approved: the customer is protected" in _area(fragment)
    response = c.post(
        reverse("program:rejection_reason_new"),
        {"label": "Outside the territory", "active": "on", "order": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert html.count('id="messages"') == 1
    area = _area(html)
    assert area.count('class="msg') == 1
    assert "Rejection reason saved." in area and "Approved" not in area


def _area(html: str) -> str:
    return re.search(r'<div id="messages".*?</div>', html, re.S).group(0)


def test_an_htmx_action_replaces_the_message_area(client_for, bob):
    partner = PartnerFactory(stage="growth", manager=bob)
    c = client_for(bob)
    response = c.post(
        reverse("partners:transition", args=[partner.pk, "start_evaluation"]),
        {"from_stage": "growth", "note": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    # one out-of-band area, nothing stacked inside the fragment
    assert html.count('id="messages"') == 1
    assert '<div id="messages" class="message-area" hx-swap-oob="true">' in html
