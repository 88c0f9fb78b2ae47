"""A task sent through the real Redis broker and run by a real worker process (not eager)."""

from __future__ import annotations

import pytest

from apps.core.tasks import run_sweep
from apps.notifications.models import Notification
from apps.notifications.services import notify
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_it_runs_a_sweep_on_a_real_worker_through_redis(bob, tmp_path):
    notify(
        body="Details.",
        recipients=[bob],
        kind="test",
        subject="Through the broker",
        key="broker-roundtrip",
    )
    with celery_worker(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        PARTNEROS_EMAIL_FILE_PATH=str(tmp_path),
    ) as queue:
        run_sweep.apply_async(args=("notification_delivery",), queue=queue)
        wait_for(lambda: Notification.objects.filter(emailed_at__isnull=False).exists())
    mails = list(tmp_path.iterdir())
    assert len(mails) == 1
    assert "Through the broker" in mails[0].read_text()
