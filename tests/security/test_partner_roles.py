"""What each partner role may do, for every portal page and every partner-facing endpoint
(DESIGN.md section 13: least privilege), generated from the URL matrix like the isolation
matrix: a new portal page or API endpoint fails test_every_partner_door_is_classified until it
says which partner roles it is for.

admin (A): everything of their company, the team, contacts and agreements (signing);
member (M): registers and follows deals, works the tasks and action items;
finance (F): reads deals and agreements (the money), acts on neither.
A role not listed is refused with 403 before anything is looked up; a listed role is never
refused for its role (a GET page answers 200)."""

from __future__ import annotations

import pytest

from apps.accounts.models import PartnerRole
from tests.factories import PartnerUserFactory

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

A, M, F = "admin", "member", "finance"
ALL = frozenset({A, M, F})
NONE: frozenset[str] = frozenset()
AM = frozenset({A, M})
AF = frozenset({A, F})
ADMIN = frozenset({A})

ROLES: dict[str, frozenset[str]] = {
    # pages any signed-in user opens (their own things)
    "notifications:list": ALL,
    "language": ALL,  # their own language
    "notifications:bell": ALL,
    "notifications:read": ALL,
    "notifications:read_all": ALL,
    "agreements:document": AF,
    # the portal
    "portal:home": ALL,
    "portal:tasks": ALL,
    "portal:task_toggle": AM,
    "portal:agreements": AF,
    "portal:agreement_detail": AF,
    "portal:agreement_sign": ADMIN,
    "portal:deals": ALL,
    "portal:deal_new": AM,
    "portal:deal_hint": AM,
    "portal:deal_detail": ALL,
    "portal:deal_withdraw": AM,
    "portal:deal_extension": AM,
    "portal:deal_comment": AM,
    "portal:deal_provide_info": AM,
    "portal:deal_attachment_upload": AM,
    "portal:deal_attachment": ALL,
    "portal:qbrs": ALL,
    "portal:qbr_detail": ALL,
    "portal:qbr_action_item_done": AM,
    "portal:tier": ALL,
    "portal:registrations_csv": ALL,
    "portal:team": ADMIN,
    "portal:team_invite": ADMIN,
    "portal:team_role": ADMIN,
    "portal:team_deactivate": ADMIN,
    "portal:team_invitation_resend": ADMIN,
    "portal:team_invitation_revoke": ADMIN,
    "portal:team_contact_new": ADMIN,
    "portal:team_contact_edit": ADMIN,
    "portal:team_contact_remove": ADMIN,
    "portal:team_contacts_csv": ADMIN,
    "portal:team_contacts_import": ADMIN,
    "portal:team_contacts_import_template": ADMIN,
    "portal:team_contacts_import_preview": ADMIN,
    "portal:team_contacts_import_confirm": ADMIN,
    # the API
    "user-list": NONE,  # creating users: admins of the program
    "user-me": ALL,
    "user-tokens": ALL,
    "user-token-revoke": ALL,
    "user-password": ALL,
    "user-detail": ADMIN,
    "notification-list": ALL,
    "notification-detail": ALL,
    "notification-read": ALL,
    "partner-list": ALL,
    "partner-detail": ALL,
    "partner-history": NONE,
    "partner-run-transition": NONE,
    "partner-tasks": ALL,
    "partner-transitions": ALL,
    "task-detail": ALL,
    "program-list": NONE,
    "agreement-list": AF,
    "agreement-detail": AF,
    "agreement-run-transition": ADMIN,  # sign
    "agreement-transitions": AF,
    "agreement-document": AF,
    "agreement-template-list": NONE,
    "agreement-template-detail": NONE,
    "deal-registration-list": ALL,
    "deal-registration-detail": ALL,
    "deal-registration-run-transition": AM,  # withdraw
    "deal-registration-transitions": ALL,
    "deal-registration-comments": ALL,  # reading; writing (POST) is AM, refused by the service
    "deal-registration-attachments": ALL,
    "deal-registration-attachment": ALL,
    "qbr-list": ALL,
    "qbr-detail": ALL,
    "qbr-action-items": ALL,
    "qbr-run-transition": NONE,
    "qbr-transitions": ALL,
    "action-item-detail": ALL,
    "tier-list": ALL,
    "tier-detail": ALL,
    "tier-proposal-list": NONE,
    "tier-proposal-detail": NONE,
    "tier-proposal-run-transition": NONE,
    "tier-proposal-transitions": NONE,
    "exchange-rate-list": NONE,
    "exchange-rate-detail": NONE,
    "partner-contact-list": ADMIN,
    "contact-detail": ADMIN,
    "invitation-list": ADMIN,
    "invitation-detail": ADMIN,
    "invitation-resend": ADMIN,
    "invitation-revoke": ADMIN,
    # --- applications: the queue is the vendor's; anyone applies by POST ---
    "application-list": NONE,
    "application-detail": NONE,
    "application-run-transition": NONE,
    "application-transitions": NONE,
    # --- locator: the company's public listing is its admin's ---
    "portal:listing": ADMIN,
    "locator:listing_logo": ADMIN,
    # --- enablement: the library is every role's; adoption is the vendor's ---
    "portal:library": ALL,
    "portal:library_resource": ALL,
    "portal:library_file": ALL,
    "portal:document_pdf": ALL,
    "resource-list": ALL,
    "resource-detail": ALL,
    "resource-open": ALL,
    "resource-adoption": NONE,
    # courses: every role learns and is certified; certifications are read
    "portal:courses": ALL,
    "portal:course": ALL,
    "portal:lesson": ALL,
    "portal:lesson_file": ALL,
    "portal:quiz_start": ALL,
    "portal:quiz": ALL,
    "portal:quiz_result": ALL,
    "portal:certifications": ALL,
    "course-list": ALL,
    "course-detail": ALL,
    "course-attempts": ALL,
    "certification-list": ALL,
    "certification-detail": ALL,
    # --- funds: members and admins request and claim; every role reads ---
    "portal:funds": ALL,
    "portal:fund_request_new": AM,
    "portal:fund_request": ALL,
    "portal:fund_claim": AM,
    "portal:fund_file_upload": AM,
    "portal:fund_file": ALL,
    "portal:fund_request_act": AM,  # cancel
    "fund-period-list": NONE,
    "fund-period-detail": NONE,
    "fund-allocation-list": ALL,
    "fund-allocation-detail": ALL,
    "fund-request-list": ALL,
    "fund-request-detail": ALL,
    "fund-request-files": ALL,
    "fund-request-run-transition": AM,  # cancel
    "fund-request-transitions": ALL,
    # Members and admins change a draft or returned request and upload proofs
    "portal:fund_request_edit": AM,
    "fund-request-file": ALL,
    # --- leads: the inbox is for admins and members; reach is the admin's ---
    "portal:leads": AM,
    "portal:lead_detail": AM,
    "portal:lead_accept": AM,
    "portal:lead_reject": AM,
    "portal:lead_convert": AM,
    "portal:company": ADMIN,
    "lead-list": AM,
    "lead-detail": AM,
    "lead-transitions": AM,
    "lead-run-transition": AM,
    "lead-routing-rule-list": NONE,
    "lead-routing-rule-detail": NONE,
    # --- earnings: the company's money, for finance users and admins ---
    "portal:earnings": AF,
    "earning-list": AF,
    "earning-detail": AF,
    "payout-batch-list": NONE,
    "payout-batch-detail": NONE,
    "payout-batch-preview": NONE,
    "payout-batch-transitions": NONE,
    "payout-batch-run-transition": NONE,
}

# Doors to one person's own object (charlie's quiz attempt): every role may use them for their
# own, and a colleague's answers 404 like another company's.
PERSONAL = {"portal:quiz", "portal:quiz_result"}

PARTNER_DOORS = sorted(n for n, e in MATRIX.items() if e[0] in ("portal", "api", "login"))


def test_every_partner_door_is_classified():
    missing = sorted(set(PARTNER_DOORS) - set(ROLES))
    assert not missing, (
        f"say which partner roles may use these (test_partner_roles.ROLES): {missing}"
    )
    stale = sorted(set(ROLES) - set(PARTNER_DOORS))
    assert not stale, stale


@pytest.fixture
def role_users(world):
    acme = world["partner"]
    return {
        A: world["user"],  # charlie, acme's partner admin
        M: PartnerUserFactory(username="frank", partner=acme, partner_role=PartnerRole.MEMBER),
        F: PartnerUserFactory(username="grace", partner=acme, partner_role=PartnerRole.FINANCE),
    }


@pytest.mark.parametrize("role", [A, M, F])
@pytest.mark.parametrize("name", PARTNER_DOORS)
def test_each_partner_role_gets_what_its_role_allows(
    name, role, world, role_users, client_for, api_for
):
    area, _obj, method, _extra = MATRIX[name]
    make = api_for if area == "api" else client_for
    user = role_users[role]
    response = getattr(make(user), method)(url_for(name, world))
    allowed = role in ROLES[name]
    assert response.status_code < 500, (name, role, response.status_code)
    if not allowed:
        assert response.status_code == 403, (name, role, response.status_code)
    elif name in PERSONAL and user != world["user"]:
        assert response.status_code == 404, (name, role, response.status_code)
    elif area == "portal" and method == "get":
        assert response.status_code == 200, (name, role, response.status_code)
    else:
        assert response.status_code != 403, (name, role, response.status_code)


@pytest.mark.parametrize("role", [M, F])
def test_the_portal_offers_a_role_only_what_it_may_do(role, world, role_users, client_for):
    """The navigation and the buttons follow the role: no link to a page that answers 403."""
    client = client_for(role_users[role])
    home = client.get("/portal/").content.decode()
    assert ("/portal/team/" in home) is False
    assert ("/portal/agreements/" in home) is (role == F)
    assert ("/portal/register/" in home) is (role == M)
    detail = client.get(url_for("portal:deal_detail", world)).content.decode()
    assert ("Withdraw registration" in detail) is (role == M)
