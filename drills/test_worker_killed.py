"""A Celery worker SIGKILLed in the middle of a sweep: after a restart every reminder exists
exactly once and every e-mail is sent exactly once."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core import sweeps
from apps.core.tasks import run_sweep
from apps.deals.models import DealRegistration
from apps.notifications.models import Notification
from apps.partners.models import Stage
from drills.mail import subjects
from drills.worker import Worker
from tests.factories import ManagerFactory, PartnerFactory
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
WAITING = 3000


def _waiting_registrations(n: int) -> None:
    manager = ManagerFactory(username="mara", email="mara@vendor.example")
    partners = [PartnerFactory(stage=Stage.GROWTH, manager=manager) for _ in range(5)]
    waited = timezone.now() - timedelta(hours=60)  # past the 48 h SLA, short of escalation
    DealRegistration.objects.bulk_create(
        [
            DealRegistration(
                partner=partners[i % 5],
                customer_name=f"Waiting Customer {i:05d}",
                customer_name_key=f"waiting customer {i:05d}",
                customer_domain=f"waiting{i}.example",
                customer_country="US",
                contact_name="Jordan Buyer",
                contact_email="jordan@example.com",
                product="Suite",
                estimated_value=Decimal("1000"),
                currency="USD",
                expected_close_date=timezone.localdate() + timedelta(days=30),
                submitted_at=waited,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )


def _worker_setup(tmp_path) -> tuple[str, str, dict]:
    """A private queue, a log file, and e-mail written to files the drill can count."""
    queue = f"drill-{uuid.uuid4().hex[:8]}"
    env = dict(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        PARTNEROS_EMAIL_FILE_PATH=str(tmp_path),
        NOTIFY_NUDGE_DELIVERY="0",
    )
    return queue, str(tmp_path.parent / f"{queue}.log"), env


def test_a_worker_killed_mid_sweep_leaves_every_reminder_once(private_redis, tmp_path):
    _waiting_registrations(WAITING)
    queue, log, env = _worker_setup(tmp_path)
    worker = Worker(queue, log, **env).start()
    try:
        run_sweep.apply_async(args=("deal_review_sla",), queue=queue)
        wait_for(lambda: Notification.objects.count() >= WAITING // 10, timeout=120, interval=0.05)
        worker.kill()
        at_kill = Notification.objects.count()
        print(f"\nworker SIGKILLed with {at_kill} of {WAITING} reminders written")
        assert 0 < at_kill < WAITING, "the kill must land in the middle of the sweep"

        worker = Worker(queue, log, **env).start()
        # The unacknowledged task comes back after the visibility timeout (acks_late).
        try:
            wait_for(lambda: Notification.objects.count() >= WAITING, timeout=60)
            redelivered = True
        except AssertionError:
            redelivered = False
            run_sweep.apply_async(args=("deal_review_sla",), queue=queue)  # the next beat
            wait_for(lambda: Notification.objects.count() >= WAITING, timeout=120)
        print(f"completed by {'redelivery of the killed task' if redelivered else 'the next beat'}")
        time.sleep(2)
        assert Notification.objects.count() == WAITING
        # A further run (the next beat) adds nothing.
        assert sweeps.run("deal_review_sla", timezone.now())["reminded"] == 0
        keys = list(Notification.objects.values_list("key", flat=True))
        assert len(keys) == len(set(keys)) == WAITING

        run_sweep.apply_async(args=("notification_delivery",), queue=queue)
        wait_for(
            lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), timeout=180
        )
    finally:
        worker.stop()
    sent = subjects(tmp_path)
    assert sum(sent.values()) == WAITING, "every reminder e-mailed"
    assert max(sent.values()) == 1, "no reminder e-mailed twice"


PENDING_MAIL = 2000


def test_a_worker_killed_mid_delivery_loses_no_email_and_repeats_at_most_one(
    private_redis, tmp_path
):
    """The outbox commits each message's outcome as soon as it is sent: a SIGKILL in the middle
    of delivery can repeat only the one message in flight (sent, not yet recorded), never a
    batch, and loses none."""
    from apps.notifications.services import Message, notify_batch

    manager = ManagerFactory(username="mara", email="mara@vendor.example")
    notify_batch(
        Message([manager], "drill", f"Outbox message {i:05d}", f"drill-mail:{i}")
        for i in range(PENDING_MAIL)
    )
    queue, log, env = _worker_setup(tmp_path)
    delivered = Notification.objects.filter(emailed_at__isnull=False)
    worker = Worker(queue, log, **env).start()
    try:
        run_sweep.apply_async(args=("notification_delivery",), queue=queue)
        wait_for(lambda: delivered.count() >= PENDING_MAIL // 10, timeout=120, interval=0.02)
        worker.kill()
        at_kill = delivered.count()
        print(f"\nworker SIGKILLed with {at_kill} of {PENDING_MAIL} e-mails recorded as sent")
        assert 0 < at_kill < PENDING_MAIL, "the kill must land in the middle of delivery"

        worker = Worker(queue, log, **env).start()
        run_sweep.apply_async(args=("notification_delivery",), queue=queue)  # the next beat
        wait_for(lambda: delivered.count() >= PENDING_MAIL, timeout=180)
    finally:
        worker.stop()
    sent = subjects(tmp_path)
    expected = {f"[PartnerOS] Outbox message {i:05d}" for i in range(PENDING_MAIL)}
    assert set(sent) == expected, "every message e-mailed, nothing else"
    repeated = {s: n for s, n in sent.items() if n > 1}
    print(f"repeated after the kill: {repeated or 'none'}")
    assert sum(n - 1 for n in repeated.values()) <= 1, repeated
