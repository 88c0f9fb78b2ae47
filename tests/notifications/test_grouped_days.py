"""The notifications page groups by the day each arrived on, in the user's time zone, and
"Mark all as read" works in place (htmx, the bell told to refresh) and without JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from apps.core.formatting import format_date
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.notifications.views import by_day

pytestmark = pytest.mark.django_db


def _note(user, subject: str, at: datetime) -> Notification:
    notify(body="Details.", recipients=[user], kind="test", subject=subject, key=subject)
    Notification.objects.filter(recipient=user, subject=subject).update(created_at=at)
    return Notification.objects.get(recipient=user, subject=subject)


def _sections(html: str) -> dict[str, str]:
    """Each day's heading → the HTML of its section."""
    parts = re.split(r'<h2 id="notif-day-\d+" class="notif-day-head"><time[^>]*>', html)[1:]
    return {part.split("</time>")[0]: part for part in parts}


def test_by_day_follows_the_active_time_zone_not_utc(bob):
    # 11:30 and 10:30 UTC on 5 December are one UTC day, but 00:30 on the 6th and 23:30 on
    # the 5th in Auckland (UTC+13 in December).
    after = _note(bob, "After midnight", datetime(2026, 12, 5, 11, 30, tzinfo=UTC))
    before = _note(bob, "Before midnight", datetime(2026, 12, 5, 10, 30, tzinfo=UTC))
    older = _note(bob, "Older", datetime(2026, 12, 3, 12, 0, tzinfo=UTC))  # 4 Dec, 01:00 there
    rows = [after, before, older]
    with timezone.override("Pacific/Auckland"), translation.override("en"):
        groups = by_day(rows, today=date(2026, 12, 6))
    assert [(heading, [n.subject for n in ns]) for _, heading, ns in groups] == [
        ("Today", ["After midnight"]),
        ("Yesterday", ["Before midnight"]),
        ("December 4, 2026", ["Older"]),
    ]
    with timezone.override("UTC"), translation.override("en"):
        groups = by_day(rows, today=date(2026, 12, 5))
    assert [(heading, len(ns)) for _, heading, ns in groups] == [
        ("Today", 2),
        ("December 3, 2026", 1),
    ]


def test_the_page_groups_by_the_users_day_across_midnight(client_for, bob, settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    _note(bob, "Just after midnight", midnight + timedelta(seconds=1))
    _note(bob, "Just before midnight", midnight - timedelta(minutes=1))
    _note(bob, "Three days ago", midnight - timedelta(days=2, hours=12))
    html = client_for(bob).get("/notifications/").content.decode()
    sections = _sections(html)
    three_days_ago = (midnight - timedelta(days=2, hours=12)).date()
    with translation.override("en"):
        old_heading = format_date(three_days_ago, style="long")
    assert list(sections) == ["Today", "Yesterday", old_heading]
    assert "Just after midnight" in sections["Today"]
    assert "Just before midnight" in sections["Yesterday"]
    assert "Three days ago" in sections[old_heading]


@pytest.mark.parametrize("rows", [2, 50])
def test_the_grouped_list_costs_constant_queries(client_for, bob, rows, django_assert_num_queries):
    start = timezone.now()
    for i in range(rows):
        _note(bob, f"N{i}", start - timedelta(hours=30 * i))  # a day apart and more
    c = client_for(bob)
    # session, user, count (paginator), the page of rows: the grouping reads no more
    with django_assert_num_queries(4):
        response = c.get("/notifications/")
    assert response.status_code == 200
    assert len(_sections(response.content.decode())) >= 2


def test_mark_all_as_read_in_place_refreshes_the_bell(client_for, bob, charlie):
    for i in range(3):
        notify(
            body="Details.", recipients=[bob, charlie], kind="test", subject=f"S{i}", key=f"k{i}"
        )
    c = client_for(bob)
    page = c.get("/notifications/").content.decode()
    assert 'hx-post="/notifications/read-all/"' in page and "csrfmiddlewaretoken" in page
    response = c.post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notificationsChanged"
    html = response.content.decode()
    assert html.startswith('<div id="notif-region">')
    assert "All notifications marked as read." in html
    assert "S0" in html and "unread" not in html and "Mark as read" not in html
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()
    # nobody else's: charlie's stay unread, and the bell now says 0 for bob
    assert Notification.objects.filter(recipient=charlie, read_at__isnull=True).count() == 3
    assert 'data-testid="unread-count"' not in c.get("/notifications/bell/").content.decode()


def test_mark_all_as_read_without_javascript_redirects_with_a_message(client_for, charlie):
    notify(body="Details.", recipients=[charlie], kind="test", subject="S", key="k")
    c = client_for(charlie)
    response = c.post("/notifications/read-all/", follow=True)
    assert response.redirect_chain == [("/notifications/", 302)]
    assert "All notifications marked as read." in response.content.decode()
    assert Notification.objects.get(recipient=charlie).read_at is not None
    again = c.post("/notifications/read-all/", follow=True).content.decode()
    assert "There was nothing unread." in again


def test_mark_all_as_read_needs_a_post_and_a_login(client, client_for, bob):
    assert client_for(bob).get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
