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
from apps.deals.models import DealRegistration, RegistrationEvent, Status
from apps.notifications.models import Notification
from apps.partners.models import Stage
from drills.mail import subjects
from drills.worker import Worker
from tests.factories import ManagerFactory, PartnerFactory, PartnerUserFactory
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
LAPSED = 3000


def _lapsed_registrations(n: int) -> None:
    """n approved registrations whose protection ended yesterday, over five partners with one
    user each: the deal_expiry sweep expires each in its own transaction and tells the partner."""
    manager = ManagerFactory(username="mara", email="mara@vendor.example")
    partners = [PartnerFactory(stage=Stage.GROWTH, manager=manager) for _ in range(5)]
    for i, partner in enumerate(partners):
        PartnerUserFactory(partner=partner, username=f"pat{i}", email=f"pat{i}@partner.example")
    now = timezone.now()
    DealRegistration.objects.bulk_create(
        [
            DealRegistration(
                partner=partners[i % 5],
                status=Status.APPROVED,
                customer_name=f"Lapsed Customer {i:05d}",
                customer_name_key=f"lapsed customer {i:05d}",
                customer_domain=f"lapsed{i}.example",
                customer_country="US",
                contact_name="Jordan Buyer",
                contact_email="jordan@example.com",
                product="Suite",
                estimated_value=Decimal("1000"),
                currency="USD",
                expected_close_date=timezone.localdate() + timedelta(days=30),
                submitted_at=now - timedelta(days=100),
                reviewed_at=now - timedelta(days=91),
                approved_at=now - timedelta(days=91),
                expires_at=now - timedelta(days=1),
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
    """deal_expiry expires each lapsed registration in its own transaction (the transition, its
    history event and the partner's notice together), so a SIGKILL lands between two of them."""
    _lapsed_registrations(LAPSED)
    queue, log, env = _worker_setup(tmp_path)
    expired = DealRegistration.objects.filter(status=Status.EXPIRED)
    worker = Worker(queue, log, **env).start()
    try:
        run_sweep.apply_async(args=("deal_expiry",), queue=queue)
        wait_for(lambda: Notification.objects.count() >= LAPSED // 10, timeout=120, interval=0.05)
        worker.kill()
        at_kill = Notification.objects.count()
        print(f"\nworker SIGKILLed with {at_kill} of {LAPSED} notices written")
        assert 0 < at_kill < LAPSED, "the kill must land in the middle of the sweep"
        assert expired.count() == at_kill, "each expiry and its notice commit together"

        worker = Worker(queue, log, **env).start()
        # The unacknowledged task comes back after the visibility timeout (acks_late).
        try:
            wait_for(lambda: Notification.objects.count() >= LAPSED, timeout=60)
            redelivered = True
        except AssertionError:
            redelivered = False
            run_sweep.apply_async(args=("deal_expiry",), queue=queue)  # the next beat
            wait_for(lambda: Notification.objects.count() >= LAPSED, timeout=180)
        print(f"completed by {'redelivery of the killed task' if redelivered else 'the next beat'}")
        time.sleep(2)
        assert Notification.objects.count() == expired.count() == LAPSED
        # A further run (the next beat) does nothing again.
        assert sweeps.run("deal_expiry", timezone.now()) == {"reminded": 0, "expired": 0}
        keys = list(Notification.objects.values_list("key", flat=True))
        assert len(keys) == len(set(keys)) == LAPSED
        assert RegistrationEvent.objects.filter(transition="expire").count() == LAPSED

        run_sweep.apply_async(args=("notification_delivery",), queue=queue)
        wait_for(
            lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), timeout=180
        )
    finally:
        worker.stop()
    sent = subjects(tmp_path)
    assert sum(sent.values()) == LAPSED, "every notice e-mailed"
    assert max(sent.values()) == 1, "no notice e-mailed twice"


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
        Message(
            [manager],
            "drill",
            f"Outbox message {i:05d}",
            f"drill-mail:{i}",
            "Sent by the worker drill: delivered once, however the worker dies.",
        )
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
