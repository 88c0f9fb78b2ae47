from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.management import call_command

from apps.core import sweeps
from apps.notifications.models import Notification
from apps.notifications.services import notify
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_it_notifies_once_per_key(bob, alice):
    assert (
        notify(
            body="Details.", recipients=[bob, alice], kind="test", subject="Hello", key="hello:1"
        )
        == 2
    )
    assert (
        notify(
            body="Details.", recipients=[bob, alice], kind="test", subject="Hello", key="hello:1"
        )
        == 0
    )
    assert (
        notify(body="Details.", recipients=[bob], kind="test", subject="Hello", key="hello:2") == 1
    )
    assert Notification.objects.filter(recipient=bob).count() == 2
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_it_delivers_the_outbox_once_however_often_it_runs(bob):
    notify(
        body="Details.",
        recipients=[bob],
        kind="test",
        subject="Review waiting",
        key="k",
        link="/x/",
    )
    assert sweeps.run("notification_delivery", NOW) == {"sent": 1, "failed": 0, "skipped": 0}
    assert sweeps.run("notification_delivery", NOW) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bob.email]
    assert "Review waiting" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/x/" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at == NOW


def test_it_keeps_a_failed_email_in_the_outbox(bob, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.Backend"
    notify(body="Details.", recipients=[bob], kind="test", subject="S", key="k")
    assert sweeps.run("notification_delivery", NOW)["failed"] == 1
    n = Notification.objects.get()
    assert n.emailed_at is None and n.email_attempts == 1 and "SMTP down" in n.email_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweeps.run("notification_delivery", NOW)["sent"] == 1
    assert len(mail.outbox) == 1


def test_a_worker_dying_mid_run_keeps_what_it_already_sent(bob, settings):
    """Each message's outcome is committed as soon as it is sent: a worker killed on the third
    message leaves the first two recorded, and the next run sends only the rest."""
    from tests.notifications import failing_backend

    for i in range(5):
        notify(body="Details.", recipients=[bob], kind="test", subject=f"Message {i}", key=f"k{i}")
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.DiesOnThirdBackend"
    failing_backend.DiesOnThirdBackend.sends = 0
    with pytest.raises(failing_backend.Killed):
        sweeps.run("notification_delivery", NOW)
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweeps.run("notification_delivery", NOW)["sent"] == 3
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [f"[PartnerOS] Message {i}" for i in range(5)]  # each once


def test_it_skips_users_without_an_address(db):
    quiet = ManagerFactory(email="")
    notify(body="Details.", recipients=[quiet], kind="test", subject="S", key="k")
    assert sweeps.run("notification_delivery", NOW)["skipped"] == 1
    assert mail.outbox == []


def test_it_lists_only_my_notifications_in_the_api(api_for, bob, charlie):
    notify(body="Details.", recipients=[bob], kind="test", subject="For Bob", key="a")
    notify(body="Details.", recipients=[charlie], kind="test", subject="For Charlie", key="b")
    body = api_for(charlie).get("/api/v1/notifications/").json()
    assert body["count"] == 1
    assert [r["subject"] for r in body["results"]] == ["For Charlie"]
    assert set(body["results"][0]) == {
        "id",
        "kind",
        "subject",
        "body",
        "link",
        "created_at",
        "read_at",
    }


def test_it_marks_my_notification_read_and_hides_others(api_for, bob, charlie):
    notify(body="Details.", recipients=[bob], kind="test", subject="For Bob", key="a")
    bobs = Notification.objects.get(recipient=bob)
    assert api_for(charlie).post(f"/api/v1/notifications/{bobs.pk}/read/").status_code == 404
    bobs.refresh_from_db()
    assert bobs.read_at is None
    response = api_for(bob).post(f"/api/v1/notifications/{bobs.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None


def test_it_shows_the_unread_count_on_the_bell(client_for, bob):
    c = client_for(bob)
    assert b"unread-count" not in c.get("/notifications/bell/").content
    notify(body="Details.", recipients=[bob], kind="test", subject="One", key="a")
    notify(body="Details.", recipients=[bob], kind="test", subject="Two", key="b")
    assert b'data-testid="unread-count">2<' in c.get("/notifications/bell/").content


def test_it_marks_read_on_the_page(client_for, bob, charlie):
    notify(body="Details.", recipients=[bob], kind="test", subject="For Bob", key="a")
    n = Notification.objects.get()
    assert client_for(charlie).post(f"/notifications/{n.pk}/read/").status_code == 404
    response = client_for(bob).post(f"/notifications/{n.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"Mark as read" not in response.content
    n.refresh_from_db()
    assert n.read_at is not None


def test_it_marks_all_read(client_for, bob, charlie):
    notify(body="Details.", recipients=[bob, charlie], kind="test", subject="S", key="a")
    client_for(bob).post("/notifications/read-all/")
    assert Notification.objects.get(recipient=bob).read_at is not None
    assert Notification.objects.get(recipient=charlie).read_at is None


@pytest.mark.parametrize("rows", [2, 50])
def test_it_lists_notifications_in_constant_queries(
    client_for, bob, rows, django_assert_num_queries
):
    for i in range(rows):
        notify(body="Details.", recipients=[bob], kind="test", subject=f"N{i}", key=f"k{i}")
    c = client_for(bob)
    # session, user, count (paginator), page of rows
    with django_assert_num_queries(4):
        assert c.get("/notifications/").status_code == 200
    with django_assert_num_queries(4):  # session, user, count, page
        assert api_list_ok(c)


def api_list_ok(c) -> bool:
    return c.get("/api/v1/notifications/").status_code == 200


def test_run_sweeps_runs_only_the_named_sweep_as_of_now(bob, capsys):
    notify(body="Details.", recipients=[bob], kind="test", subject="S", key="a")
    call_command(
        "run_sweeps", "--now", "2026-11-20T09:00:00+00:00", "--only", "notification_delivery"
    )
    out = capsys.readouterr().out
    assert "notification_delivery: sent=1" in out
    assert Notification.objects.get().emailed_at == NOW


def test_run_sweeps_refuses_unknown_names_and_bad_times():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown sweep"):
        call_command("run_sweeps", "--only", "no_such_sweep")
    with pytest.raises(CommandError, match="ISO-8601"):
        call_command("run_sweeps", "--now", "yesterday")


def test_every_scheduled_sweep_is_registered_and_every_sweep_is_scheduled(settings):
    runs = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "sweeps.run"]
    assert {entry["args"][0] for entry in runs} == set(sweeps.REGISTRY)
    # and one more entry: the dashboard's keep-warm refresh (tests/dashboard/test_snapshot.py)
    others = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()} - {"sweeps.run"}
    assert others == {"dashboard.keep_warm"}


def test_a_batch_writes_only_the_notifications_it_creates(bob, alice):
    """A sweep's repeat pass meets the same due work: the keys already used are found first, and
    no sentence is written again for them (nor are the readers' languages read)."""
    from dataclasses import dataclass

    from django.utils.translation import gettext_noop

    from apps.notifications.services import Message, Text, notify_batch

    written = []

    @dataclass(frozen=True)
    class Counted(Text):
        def render(self, language, time_zone=""):
            written.append(language)
            return super().render(language, time_zone)

    def batch():
        body = Counted(gettext_noop("Finish your onboarding checklist by %(date)s."), {"date": 1})
        return [Message([bob, alice], "onboarding_due", "Due", "k-1", body)]

    assert notify_batch(batch()) == 2
    assert len(written) == 3  # the body check, then one per reader
    written.clear()
    assert notify_batch(batch()) == 0
    assert written == []
    assert Notification.objects.filter(kind="onboarding_due").count() == 2
