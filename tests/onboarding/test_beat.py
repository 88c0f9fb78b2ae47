"""The real path: beat fires the schedule entry `sweep:onboarding_deadlines` through Redis and a
worker process runs it against the database (no eager mode)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.notifications.models import Notification
from apps.partners.models import Stage
from tests.factories import PartnerFactory
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_beat_runs_the_onboarding_sweep_on_a_worker_through_redis(bob):
    assert "sweep:onboarding_deadlines" in settings.CELERY_BEAT_SCHEDULE
    due = timezone.localdate() + timedelta(days=7)
    partner = PartnerFactory(stage=Stage.ONBOARDING, manager=bob, onboarding_due_date=due)
    with celery_worker(beat=True, SWEEP_ONBOARDING_DEADLINES_SECONDS="1"):
        reminder = wait_for(
            lambda: Notification.objects.filter(
                recipient=bob, key__startswith=f"onboarding-due-7d:{partner.pk}:"
            ).first(),
            timeout=90,
        )
    assert reminder.kind == "onboarding_due"
    # the beat fired it more than once by now; the key kept it single
    assert Notification.objects.filter(recipient=bob, kind="onboarding_due").count() == 1
