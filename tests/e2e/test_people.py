"""Browser journeys of issue 18: a manager invites a partner user who accepts from the e-mail's
link and lands in the portal; a partner admin invites a colleague and deactivates another."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import PartnerRole, User
from apps.notifications.services import deliver_outbox
from apps.people.models import Invitation
from tests.factories import PASSWORD, PartnerUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+(/accounts/invitation/[\w-]+/)")


def _emailed_link(address: str) -> str:
    deliver_outbox(now=timezone.now())
    [message] = [m for m in mail.outbox if m.to == [address]]
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def test_a_manager_invites_a_partner_user_who_accepts_and_lands_in_the_portal(
    page, other_page, live_server, login, shot, bob, acme
):
    login(bob)
    page.goto(f"{live_server.url}/partners/{acme.pk}/")
    people = page.get_by_role("region", name="People")
    expect(people).to_be_visible()
    people.get_by_role("link", name="Invite to the portal").click()
    page.get_by_label("E-mail").fill("ivy@acme.example")
    page.get_by_label("Role in the company").select_option("finance")
    shot("people-manager-invite-form")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to ivy@acme.example.")).to_be_visible()
    expect(people.get_by_text("ivy@acme.example")).to_be_visible()
    shot("people-partner-page-pending-invitation")

    link = _emailed_link("ivy@acme.example")
    invitee = other_page
    errors: list[str] = []
    invitee.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    invitee.goto(f"{live_server.url}{link}")
    expect(invitee.get_by_role("heading", name="Join Acme Resellers on PartnerOS")).to_be_visible()
    invitee.get_by_label("Username").fill("ivy")
    invitee.locator("#id_password1").fill(PASSWORD)  # labelled "Password *"
    invitee.get_by_label("Password again").fill(PASSWORD)
    invitee.screenshot(path="var/screenshots/people-invitee-accept.png", full_page=True)
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee).to_have_url(f"{live_server.url}/portal/")
    expect(invitee.get_by_role("heading", name="Acme Resellers")).to_be_visible()
    invitee.screenshot(path="var/screenshots/people-invitee-portal.png", full_page=True)
    ivy = User.objects.get(username="ivy")
    assert (ivy.partner, ivy.partner_role) == (acme, "finance")
    assert errors == []
    # The link is single-use: a clear page, answered 410 Gone (the only console line it causes).
    invitee.goto(f"{live_server.url}{link}")
    expect(invitee.get_by_text("This invitation was used already")).to_be_visible()
    invitee.screenshot(path="var/screenshots/people-invitee-link-used.png", full_page=True)
    assert [e for e in errors if "410 (Gone)" not in e] == []


def test_a_partner_admin_invites_a_colleague_and_deactivates_another(
    page, live_server, login, shot, acme
):
    erin = PartnerUserFactory(
        username="erin", first_name="Erin", partner=acme, partner_role=PartnerRole.ADMIN
    )
    PartnerUserFactory(username="frank", partner=acme, partner_role=PartnerRole.MEMBER)
    login(erin)
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team of Acme Resellers")).to_be_visible()
    page.get_by_label("E-mail").fill("gina@acme.example")
    page.locator("#id_partner_role").select_option("member")  # the invitation form's
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to gina@acme.example.")).to_be_visible()
    expect(
        page.get_by_role("button", name="Revoke the invitation of gina@acme.example")
    ).to_be_visible()
    page.get_by_role("button", name="Deactivate frank").click()
    page.get_by_role("button", name="Take away frank’s access").click()  # its confirmation
    expect(page.get_by_text("frank no longer has access")).to_be_visible()
    expect(page.locator("#user-" + str(User.objects.get(username="frank").pk))).to_contain_text(
        "deactivated"
    )
    shot("people-team-page")
    assert Invitation.objects.get().partner == acme
    assert not User.objects.get(username="frank").is_active
    assert _emailed_link("gina@acme.example").startswith("/accounts/invitation/")


def test_a_partner_admin_imports_contacts_from_a_csv_in_the_portal(
    page, live_server, login, shot, acme, tmp_path
):
    admin = PartnerUserFactory(username="pat", partner=acme, partner_role=PartnerRole.ADMIN)
    login(admin)
    page.goto(f"{live_server.url}/portal/team/")
    page.get_by_role("link", name="Import contacts (CSV)").click()
    csv = tmp_path / "contacts.csv"
    csv.write_text(
        "name,email,title,roles\nNancy Davolio,nancy@acme.example,Sales director,primary sales\n"
        "Andrew Fuller,andrew@acme.example,CEO,executive\n"
    )
    page.get_by_label("CSV file").set_input_files(str(csv))
    shot("people-portal-contacts-import")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("All 2 rows pass the checks.")).to_be_visible()
    shot("people-portal-contacts-import-preview")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported 2 contacts.")).to_be_visible()
    expect(page.get_by_text("Nancy Davolio · Sales director")).to_be_visible()
    shot("people-portal-contacts-imported")
