"""notification_delivery reads only the outbox (issue 24): a repeat pass with nothing new to send
reads none of the notifications it e-mailed, through notif_outbox_idx."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.core import sweeps
from apps.notifications.services import notify
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TABLE = "notifications_notification"


def test_a_repeat_delivery_pass_reads_none_of_the_notifications_it_sent(bob, alice):
    for i in range(60):
        notify(
            body="Details.",
            recipients=[bob, alice],
            kind="test",
            subject=f"Hello {i}",
            key=f"hello:{i}",
        )
    assert sweeps.run("notification_delivery", NOW)["sent"] == 120
    result, scans = scans_of(lambda: sweeps.run("notification_delivery", NOW), (TABLE,))
    assert result == {"sent": 0, "failed": 0, "skipped": 0}
    assert_reads_nothing_handled(scans, {TABLE: "notif_outbox_idx"})
    notify(body="Details.", recipients=[bob], kind="test", subject="New", key="new:1")
    assert sweeps.run("notification_delivery", NOW)["sent"] == 1  # the new one still goes
