"""Wide-reaching actions confirm with their effect first, in a browser without any help from
JavaScript beyond htmx: deleting a tier, approving tier changes in bulk, taking a partner user's
access away; and the notifications page grouped by day with "Mark all as read" in place."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import PartnerRole, User
from apps.enablement.models import Resource
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.partners.models import Partner, Stage
from apps.tiers.models import TierChange
from tests.factories import PartnerFactory, PartnerUserFactory
from tests.tiers.factories import TierProposalFactory, make_tiers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tiers(db):
    from django.apps import apps as registry

    import_module("apps.program.migrations.0002_default_program").seed(registry, None)
    return make_tiers()


def test_notifications_are_grouped_by_day_and_marked_read_in_place(
    page, live_server, login, shot, bob
):
    for i, (subject, days) in enumerate(
        [("Registration waiting", 0), ("QBR due", 0), ("Agreement signed", 1), ("Tier change", 4)]
    ):
        notify(body="Details.", recipients=[bob], kind="test", subject=subject, key=f"k{i}")
        Notification.objects.filter(subject=subject).update(
            created_at=timezone.now() - timedelta(days=days, minutes=i)
        )
    login(bob)
    expect(page.get_by_test_id("unread-count")).to_have_text("4")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_role("heading", name="Yesterday")).to_be_visible()
    expect(page.locator("section.notif-day")).to_have_count(3)
    shot("notifications-by-day")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All notifications marked as read.")).to_be_visible()
    expect(page.locator(".notif.unread")).to_have_count(0)
    expect(page.get_by_test_id("unread-count")).to_have_count(0)  # the bell refreshed
    shot("notifications-all-read")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_an_admin_deletes_a_tier_after_seeing_who_moves_where(
    page, live_server, login, shot, alice, tiers
):
    Resource.objects.update(min_tier=None)  # the starter library's would refuse it
    for name in ("Initech", "Hooli"):
        PartnerFactory(name=name, stage=Stage.GROWTH, tier=tiers["Silver"])
    login(alice)
    page.goto(f"{live_server.url}/tiers/settings/")
    page.get_by_role("link", name="Delete Silver").click()
    expect(page.get_by_role("heading", name="Delete Silver?")).to_be_visible()
    expect(page.get_by_text("2 partners are on this tier: Hooli, Initech.")).to_be_visible()
    page.get_by_label("They move to").select_option(label="Gold")
    page.get_by_role("button", name="Show the effect").click()
    expect(page.get_by_test_id("partner-moves")).to_contain_text("Hooli: Silver → Gold")
    shot("tier-delete-confirm")
    page.get_by_role("button", name="Delete Silver and move 2 partners to Gold").click()
    expect(page.get_by_text("Tier Silver deleted. 2 partners moved to Gold.")).to_be_visible()
    assert set(Partner.objects.values_list("tier__name", flat=True)) == {"Gold"}


def test_a_manager_approves_chosen_tier_changes_after_seeing_them(
    page, live_server, login, shot, bob, tiers
):
    for name, tier, to in (("Initech", "Bronze", "Silver"), ("Hooli", "Silver", "Gold")):
        partner = PartnerFactory(name=name, stage=Stage.GROWTH, tier=tiers[tier])
        TierProposalFactory(partner=partner, current_tier=tiers[tier], proposed_tier=tiers[to])
    login(bob)
    page.goto(f"{live_server.url}/tiers/proposals/")
    page.get_by_label("Choose Initech").check()
    page.get_by_label("Choose Hooli").check()
    page.get_by_role("button", name="Approve the chosen…").click()
    expect(page.get_by_role("heading", name="2 partners change tier")).to_be_visible()
    shot("tier-bulk-approve-confirm")
    page.get_by_role("button", name="Approve 2 tier changes").click()
    expect(page.get_by_text("2 tier changes approved.")).to_be_visible()
    assert TierChange.objects.count() == 2


def test_a_manager_sees_what_taking_access_away_ends(page, live_server, login, shot, bob, acme):
    PartnerUserFactory(username="erin", partner=acme, partner_role=PartnerRole.ADMIN)
    frank = PartnerUserFactory(username="frank", partner=acme, partner_role=PartnerRole.MEMBER)
    login(bob)
    page.goto(f"{live_server.url}/partners/{acme.pk}/")
    page.get_by_role("button", name="Deactivate frank").click()
    expect(page.get_by_role("heading", name="Take away frank’s access?")).to_be_visible()
    expect(page.get_by_test_id("revoke-effects")).to_contain_text(
        "0 signed-in browser sessions end now."
    )
    shot("people-revoke-confirm")
    page.get_by_role("button", name="Take away frank’s access").click()
    expect(page.get_by_text("frank no longer has access")).to_be_visible()
    assert not User.objects.get(pk=frank.pk).is_active
