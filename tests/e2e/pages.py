"""Every page each role may open, for the checks that walk all of them (accessibility, the
phone-sized portal).

Generated from the security matrix (tests/security/matrix.py), as the isolation tests are: a new
page is walked without anyone listing it here. The world is the security suite's (one of
everything for Acme, so every detail page has an object) with the demo program seeded beside it
(lists, charts and settings with realistic content), and Acme's portal users in each partner
role. A page belongs to a role when it answers that role 200 with an HTML page; what it refuses
(another role's page) or what is a file (CSV, PDF, logo) is not a page to look at.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.management import call_command
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from apps.accounts.models import PartnerRole
from apps.agreements.models import AgreementTemplate
from apps.applications.models import Application, ProfileQuestion
from apps.funds.models import FundPeriod
from apps.leads.models import RejectReason, RoutingRule
from apps.locator.selectors import directory
from apps.program.models import (
    ExchangeRate,
    PartnerType,
    PlaybookTaskTemplate,
    RejectionReason,
    Tier,
)
from tests.factories import PartnerUserFactory
from tests.security.matrix import MATRIX, url_for

# The matrix's areas each role opens ("login": any signed-in user's own pages).
AREAS = {
    "anonymous": {"public"},
    "manager": {"staff", "login"},
    "admin": {"staff", "admin", "login"},
    "partner-admin": {"portal", "login"},
    "partner-member": {"portal", "login"},
    "partner-finance": {"portal", "login"},
}

# Pages the matrix addresses with a pk that does not exist (their objects are not Acme's or not
# in the security world): here they open a real one of the seeded program.
SEEDED: dict[str, QuerySet] = {
    "agreements:template_edit": AgreementTemplate.objects.order_by("pk"),
    "program:playbook_edit": PlaybookTaskTemplate.objects.order_by("pk"),
    "program:partner_type_edit": PartnerType.objects.order_by("pk"),
    "program:rejection_reason_edit": RejectionReason.objects.order_by("pk"),
    "tiers:edit": Tier.objects.order_by("pk"),
    "tiers:rate_edit": ExchangeRate.objects.order_by("pk"),
    "applications:detail": Application.objects.order_by("pk"),
    "applications:question_edit": ProfileQuestion.objects.order_by("pk"),
    "leads:rule_edit": RoutingRule.objects.order_by("pk"),
    "leads:reject_reason_edit": RejectReason.objects.order_by("pk"),
    "funds:allocate": FundPeriod.objects.order_by("pk"),
    "find:contact": directory(),
}


@dataclass(frozen=True)
class Page:
    name: str  # the URL name
    url: str


def seed(world: dict, *, manager, admin) -> dict:
    """The security world with the demo program beside it, and Acme's portal users in each
    partner role: {role: user} (no user for the anonymous visitor)."""
    call_command("seed_demo", stdout=io.StringIO())
    acme = world["partner"]
    return {
        "anonymous": None,
        "manager": manager,
        "admin": admin,
        "partner-admin": world["user"],
        "partner-member": PartnerUserFactory(
            username="mia", partner=acme, partner_role=PartnerRole.MEMBER
        ),
        "partner-finance": PartnerUserFactory(
            username="finn", partner=acme, partner_role=PartnerRole.FINANCE
        ),
    }


def address(name: str, world: dict) -> str:
    if name in SEEDED:
        obj = SEEDED[name].first()
        assert obj is not None, f"the seeded world has nothing for {name}"
        return reverse(name, kwargs={"pk": obj.pk})
    return url_for(name, world)


def pages_for(role: str, user, world: dict) -> list[Page]:
    """The HTML pages `role` opens, in URL-name order."""
    client = Client()
    if user is not None:
        client.force_login(user)
    pages = []
    for name, (area, obj, method, _extra) in sorted(MATRIX.items()):
        if method != "get" or area not in AREAS[role]:
            continue
        if obj in ("missing", "uuid") and name not in SEEDED:
            continue  # addresses nothing that exists: a 404
        url = address(name, world)
        response = client.get(url)
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and html and b"<html" in response.content:
            pages.append(Page(name, url))
    return pages
