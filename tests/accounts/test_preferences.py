"""Each user's preferences: the language and the time zone of their pages. A moment is written in
the user's time zone; with none chosen, in the program's (settings.TIME_ZONE)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

import pytest
from django.urls import reverse

from apps.accounts.models import time_zone_names
from apps.accounts.services import user_preferences_set
from apps.core.errors import InvalidInput
from apps.notifications.models import Notification
from apps.notifications.services import Text, notify
from apps.partners.models import Partner, Stage
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

# 23:30 UTC on 4 December: already 5 December, 08:30, in Tokyo.
MOMENT = datetime(2026, 12, 4, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))


@pytest.fixture
def registration(acme):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH)
    return RegistrationFactory(partner=acme, submitted_at=MOMENT)


def _detail(client, registration) -> str:
    r = client.get(reverse("portal:deal_detail", args=[registration.pk]))
    assert r.status_code == 200
    return r.content.decode()


def test_it_shows_a_moment_in_the_user_s_time_zone(client_for, charlie, registration, settings):
    settings.TIME_ZONE = "UTC"
    c = client_for(charlie)
    assert "Dec 4, 2026, 11:30\u202fPM" in _detail(c, registration)

    r = c.post(reverse("language"), {"language": "", "time_zone": "Asia/Tokyo"})
    assert r.status_code == 302 and r.url == reverse("language")
    charlie.refresh_from_db()
    assert charlie.time_zone == "Asia/Tokyo"
    page = _detail(c, registration)
    assert "Dec 5, 2026, 8:30\u202fAM" in page and "11:30\u202fPM" not in page


def test_the_zone_lasts_for_the_user_s_own_requests_only(
    client_for, charlie, bob, registration, settings
):
    settings.TIME_ZONE = "UTC"
    type(charlie).objects.filter(pk=charlie.pk).update(time_zone="Asia/Tokyo")
    assert "8:30\u202fAM" in _detail(client_for(charlie), registration)
    r = client_for(bob).get(reverse("deals:detail", args=[registration.pk]))
    assert r.status_code == 200
    assert "11:30\u202fPM" in r.content.decode()


def test_blank_is_the_program_s_time_zone(client_for, charlie, registration, settings):
    settings.TIME_ZONE = "America/New_York"
    assert "Dec 4, 2026, 6:30\u202fPM" in _detail(client_for(charlie), registration)


def test_the_preferences_page_offers_both_and_says_what_was_saved(client_for, bob):
    c = client_for(bob)
    page = c.get(reverse("language")).content.decode()
    assert "<h1>Preferences</h1>" in page
    assert 'name="language"' in page and 'name="time_zone"' in page
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in page
    r = c.post(reverse("language"), {"language": "", "time_zone": "Europe/Berlin"}, follow=True)
    assert "Your time zone is saved." in r.content.decode()
    r = c.post(reverse("language"), {"language": "en", "time_zone": ""}, follow=True)
    assert "Your language and time zone are saved." in r.content.decode()
    bob.refresh_from_db()
    assert (bob.language, bob.time_zone) == ("en", "")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "GB", "Etc/GMT+5", "<script>", "x" * 80, "utc"])
def test_it_refuses_a_time_zone_not_offered_beside_the_field(client_for, charlie, zone):
    r = client_for(charlie).post(reverse("language"), {"language": "", "time_zone": zone})
    assert r.status_code == 400
    assert set(r.context["form"].errors) == {"time_zone"}
    assert 'id="id_time_zone_error"' in r.content.decode()
    charlie.refresh_from_db()
    assert charlie.time_zone == ""


def test_the_service_refuses_what_the_form_would_and_answers_what_changed(charlie):
    with pytest.raises(InvalidInput) as refused:
        user_preferences_set(user=charlie, language="xx", time_zone="Nowhere/Town")
    assert set(refused.value.errors) == {"language", "time_zone"}
    assert user_preferences_set(user=charlie, language="", time_zone="UTC") == {"time_zone"}
    assert user_preferences_set(user=charlie, language="", time_zone="UTC") == set()
    charlie.refresh_from_db()
    assert charlie.time_zone == "UTC"


def test_a_stored_zone_no_longer_known_falls_back_to_the_program_s(
    client_for, charlie, registration, settings
):
    settings.TIME_ZONE = "UTC"
    type(charlie).objects.filter(pk=charlie.pk).update(time_zone="Atlantis/Capital")
    assert "11:30\u202fPM" in _detail(client_for(charlie), registration)


def test_the_zones_offered_are_the_iana_region_names():
    names = time_zone_names()
    assert "Europe/Berlin" in names and "America/Argentina/Buenos_Aires" in names
    assert "UTC" in names and "GB" not in names and "Etc/GMT+5" not in names
    assert list(names[:-1]) == sorted(names[:-1])


def test_a_notification_writes_its_moments_in_the_recipient_s_language_and_zone(
    charlie, bob, settings
):
    settings.TIME_ZONE = "UTC"
    type(charlie).objects.filter(pk=charlie.pk).update(language="de", time_zone="Asia/Tokyo")
    notify(
        recipients=[charlie, bob],
        kind="test",
        subject=Text("Due %(day)s", {"day": date(2026, 12, 4)}),
        key="zone-test",
        body=Text("Meet at %(when)s", {"when": MOMENT}),
    )
    mine = Notification.objects.get(recipient=charlie)
    assert (mine.subject, mine.body) == ("Due 04.12.2026", "Meet at 05.12.2026, 08:30")
    theirs = Notification.objects.get(recipient=bob)
    assert (theirs.subject, theirs.body) == (
        "Due Dec 4, 2026",
        "Meet at Dec 4, 2026, 11:30\u202fPM",
    )
