"""The exact fields a partner user gets from every API endpoint, generated over the URLconf.

Each GET endpoint of the API (tests/security/matrix.py, itself checked against the URL
configuration) is asked by charlie, a partner user, for his own company's object. An endpoint
that answers him lists here the exact field set of its answer: a field added to a serializer
shows up as a difference and fails until it is added below, deliberately — the vendor's own
assessment, internal notes and other partners' existence never reach a partner by accident.
An endpoint that refuses partner users is listed as refusing, so that opening it fails too.
"""

from __future__ import annotations

import contextlib
import inspect
import re

import pytest
from rest_framework import serializers

from apps.accounts.services import token_create
from apps.core.discovery import app_modules
from apps.core.pdf import PdfError, pdf_text
from apps.core.serializers import RoleFieldsMixin
from apps.deals.models import RegistrationComment
from apps.program.models import Tier
from apps.qbrs.models import QBR as QBRModel

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "id", "partner", "status", "customer_name", "customer_domain", "customer_country",
    "contact_name", "contact_email", "product", "estimated_value", "currency",
    "expected_close_date", "description", "submitted_at", "reviewed_at", "approved_at",
    "expires_at", "extensions_used", "rejection_reason", "conflict",
    "fund_request",  # The partner's own fund request that produced it
}  # fmt: skip
FUND_ALLOCATION = {
    "id",
    "period",
    "partner",
    "amount",
    "currency",
    "claim_deadline",
    "allocated",
    "committed",
    "claimed",
    "paid",
    "remaining",
}  # fmt: skip  (not `rule`: how the vendor computed it)
FUND_REQUEST = {
    "id", "allocation", "partner", "activity_type", "title", "description", "starts_on",
    "ends_on", "requested_amount", "expected_leads", "expected_pipeline", "currency", "status",
    "approved_amount", "actual_cost", "claim_amount", "leads_created", "registrations_created",
    "payment_reference", "paid_on", "review_note", "claim_due", "created_at", "submitted_at",
    "claimed_at",
}  # fmt: skip
FUND_FILE = {"id", "kind", "name", "content_type", "size", "uploaded_at", "url", "download"}
PARTNER = {
    "id", "name", "website", "partner_type", "tier", "stage", "stage_entered_at",
    "onboarding_due_date", "countries", "specializations", "listed_in_locator",
}  # fmt: skip
AGREEMENT = {
    "id", "partner", "kind", "title", "start_date", "end_date", "auto_renew",
    "notice_period_days", "exit_clauses", "status", "sent_at", "signed_at", "signed_by_name",
    "terminated_at", "termination_reason", "notice_ends_on", "document_url", "partner_address",
    "document_sha256", "countersign_required", "countersigned_at",
}  # fmt: skip
QBR = {
    "id", "partner", "quarter", "scheduled_for", "status", "outcome", "satisfaction_score",
    "notes", "metrics", "started_at", "completed_at", "stage_effect",
}  # fmt: skip
TASK = {
    "id", "stage", "title", "description", "owner_side", "due_date", "required", "done",
    "done_at",
}  # fmt: skip
ACTION_ITEM = {"id", "qbr", "title", "owner_side", "due_date", "done", "done_at"}
NOTIFICATION = {"id", "kind", "subject", "body", "link", "created_at", "read_at"}
TIER = {
    "id", "name", "rank", "min_won_value", "min_won_deals", "min_certified_people",
    "protection_days", "discount_percent", "qbr_cadence_months", "description", "rebate_percent",
}  # fmt: skip
TRANSITION = {"name", "target", "allowed", "unmet"}
EARNING = {
    "id", "partner", "registration", "customer_name", "won_on", "tier_name", "percent",
    "won_value", "currency", "amount", "base_currency", "amount_base", "status", "paid_on",
    "created_at",
}  # fmt: skip
USER = {"id", "username", "email", "role", "partner", "partner_role", "is_active", "last_login"}
CONTACT = {
    "id", "partner", "name", "email", "phone", "title", "roles", "notes", "user", "created_at",
    "updated_at",
}  # fmt: skip
COMMENT = {"id", "kind", "body", "author_name", "created_at"}  # never `internal`
ATTACHMENT = {"id", "name", "content_type", "size", "uploaded_by_name", "created_at", "download"}
INVITATION = {
    "id", "partner", "email", "partner_role", "contact", "status", "invited_by", "created_at",
    "sent_at", "expires_at", "accepted_at",
}  # fmt: skip
RESOURCE = {
    "id", "title", "summary", "kind", "phase", "content", "html", "url", "file", "is_template",
    "tags", "published_at", "version",
}  # fmt: skip

# A course without its audience rule nor its draft flag (its choices carry no
# "correct": test_courses proves it), and the company's own certifications
COURSE = {
    "id", "title", "summary", "phase", "validity_months", "pass_mark", "attempts_allowed",
    "lessons", "questions",
}  # fmt: skip
CERTIFICATION = {
    "id", "user", "person", "partner", "course", "course_title", "earned_at", "expires_at",
    "status",
}  # fmt: skip

LEAD = {
    "id", "company", "domain", "country", "contact_name", "contact_email", "product",
    "description", "estimated_value", "currency", "source", "status", "partner", "accept_by",
    "accepted_at", "registration", "registration_status", "created_at",
}  # fmt: skip
# URL name → the fields of each object a partner user gets (of each row, for a list).
PARTNER_FIELDS: dict[str, set[str]] = {
    "user-me": {"id", "username", "email", "role", "partner", "partner_role"},
    # charlie is his company's partner admin: its users, contacts and invitations.
    "user-detail": USER,
    "partner-contact-list": CONTACT,
    "contact-detail": CONTACT,
    "invitation-list": INVITATION,
    "invitation-detail": INVITATION,
    "user-tokens": {"id", "created", "expiry"},  # the caller's own, never the key
    "notification-list": NOTIFICATION,
    "notification-detail": NOTIFICATION,
    "partner-list": PARTNER,
    "partner-detail": PARTNER,
    "partner-tasks": TASK,
    "partner-transitions": TRANSITION,
    "task-detail": TASK,
    "agreement-list": AGREEMENT,
    "agreement-detail": AGREEMENT,
    "agreement-transitions": TRANSITION,
    "deal-registration-list": REGISTRATION,
    "deal-registration-detail": REGISTRATION,
    "deal-registration-transitions": TRANSITION,
    "deal-registration-comments": COMMENT,
    "deal-registration-attachments": ATTACHMENT,
    "qbr-list": QBR,
    "qbr-detail": QBR,
    "qbr-action-items": ACTION_ITEM,
    "qbr-transitions": TRANSITION,
    "action-item-detail": ACTION_ITEM,
    "tier-list": TIER,
    "tier-detail": TIER,
    # The routing history and the locator's request are the vendor's
    "lead-list": LEAD,
    "lead-detail": LEAD,
    "lead-transitions": TRANSITION,
    # the library: what the partner's audience allows, never the audience rule nor the body
    "resource-list": RESOURCE,
    "resource-detail": RESOURCE,
    "course-list": COURSE,
    "course-detail": COURSE,
    "certification-list": CERTIFICATION,
    "certification-detail": CERTIFICATION,
    "fund-allocation-list": FUND_ALLOCATION,
    "fund-allocation-detail": FUND_ALLOCATION,
    "fund-request-list": FUND_REQUEST,
    "fund-request-detail": FUND_REQUEST,
    "fund-request-files": FUND_FILE,
    "fund-request-transitions": TRANSITION,
    # The batch an earning is in is the vendor's
    "earning-list": EARNING,
    "earning-detail": EARNING,
}
# GET endpoints that answer a file, not fields (served to whoever sees its object).
# GET endpoints that refuse partner users altogether (their whole resource is staff's).
REFUSED = {
    "partner-history",
    "program-list",
    "tier-proposal-list",
    "tier-proposal-detail",
    "tier-proposal-transitions",
    "exchange-rate-list",
    "exchange-rate-detail",
    "application-list",
    "application-detail",
    "application-transitions",
    "lead-routing-rule-list",
    "lead-routing-rule-detail",
    "resource-adoption",
    "agreement-template-list",
    "agreement-template-detail",
    "fund-period-list",  # the program's budget is the vendor's
    "fund-period-detail",
    "payout-batch-list",  # Payout batches are the vendor's
    "payout-batch-detail",
    "payout-batch-transitions",
}
# GET endpoints that answer a file, not fields: the partner user's own company's only (the
# isolation matrix proves the 404 for another's).
# File answers (their content type, when fixed): nosniff, never JSON fields.
FILES = {
    "deal-registration-attachment": None,
    "agreement-document": "application/pdf",
    "fund-request-file": None,  # A claim's invoice or proof
}
# Never in a partner user's answer, whatever the endpoint (DESIGN.md section 1).
VENDOR_INTERNAL = {
    "qualification_customer",
    "qualification_credibility",
    "qualification_capability",
    "qualification_commitment",
    "qualification_score",
    "is_qualified",
    "manager",
    "internal_notes",
    "internal",
    "conflicts",
    "routing_history",
    "requested_partner",
}

API_GETS = sorted(n for n, e in MATRIX.items() if e[0] == "api" and e[2] == "get")


def test_every_api_read_is_classified():
    unclassified = sorted(set(API_GETS) - set(PARTNER_FIELDS) - REFUSED - set(FILES))
    assert not unclassified, (
        f"list the fields a partner user gets (or that it is refused): {unclassified}"
    )
    stale = sorted((set(PARTNER_FIELDS) | REFUSED | set(FILES)) - set(API_GETS))
    assert not stale, stale


def _url(name: str, world: dict) -> str:
    if MATRIX[name][1] == "missing" and name.startswith("tier-") and name in PARTNER_FIELDS:
        return url_for(name, world).replace(str(999_999), str(Tier.objects.order_by("rank")[0].pk))
    return url_for(name, world)


def _rows(body) -> list[dict]:
    if isinstance(body, dict) and "results" in body:
        return body["results"]
    return body if isinstance(body, list) else [body]


@pytest.mark.parametrize("name", API_GETS)
def test_a_partner_user_gets_exactly_the_listed_fields(name, world, api_for):
    charlie = world["partner"].users.get()
    if name == "user-tokens":
        token_create(charlie)  # one of charlie's own to list
    response = api_for(charlie).get(_url(name, world))
    if name in REFUSED:
        assert response.status_code in (403, 404), (name, response.status_code)
        return
    assert response.status_code == 200, (name, response.status_code)
    if name in FILES:
        assert response["X-Content-Type-Options"] == "nosniff", name
        if FILES[name]:
            assert response["Content-Type"] == FILES[name], (name, response["Content-Type"])
        return
    rows = _rows(response.json())
    assert rows, f"{name}: the world should give charlie something to read here"
    for row in rows:
        assert not set(row) & VENDOR_INTERNAL, (name, sorted(set(row) & VENDOR_INTERNAL))
        assert set(row) == PARTNER_FIELDS[name], (
            name,
            "new:",
            sorted(set(row) - PARTNER_FIELDS[name]),
            "gone:",
            sorted(PARTNER_FIELDS[name] - set(row)),
        )


def test_every_api_serializer_chooses_its_fields_by_role():
    """One mechanism (apps/core/serializers.py) for every serializer an API module declares."""
    outside = [
        f"{module.__name__}.{name}"
        for module in app_modules("api")
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__
        and issubclass(cls, serializers.ModelSerializer)
        and not issubclass(cls, RoleFieldsMixin)
    ]
    assert not outside, outside


PORTAL_PAGES = sorted(n for n, e in MATRIX.items() if e[0] == "portal" and e[2] == "get")
NEVER_ON_A_PORTAL_PAGE = ("zqxinternal", "Credibility", "Capability", "Commitment", "4C")


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_no_portal_page_renders_vendor_internal_fields(name, world, client_for):
    QBRModel.objects.filter(pk=world["qbr"].pk).update(internal_notes="zqxinternal notes")
    RegistrationComment.objects.create(
        registration=world["registration"], body="zqxinternal note", internal=True
    )
    acme = world["partner"]
    type(acme).objects.filter(pk=acme.pk).update(
        qualification_customer=5,
        qualification_credibility=4,
        qualification_capability=3,
        qualification_commitment=2,
    )
    response = client_for(acme.users.get()).get(url_for(name, world))
    assert response.status_code == 200, (name, response.status_code)
    body = b"".join(response) if response.streaming else response.content
    # Whole words only: a CSRF token or a random id may hold "4c" by chance. A PDF is read as
    # the text it shows.
    text = body.decode(errors="replace")
    if response["Content-Type"] == "application/pdf":
        # An uploaded file that only starts like a PDF is read as its bytes.
        with contextlib.suppress(PdfError):
            text = pdf_text(body)
    shown = [
        m
        for m in NEVER_ON_A_PORTAL_PAGE
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(m)}(?![A-Za-z0-9])", text, re.IGNORECASE)
    ]
    assert not shown, (name, shown)
