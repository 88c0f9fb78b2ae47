"""`make run`'s demo data includes partners that have looped several times, with QBR history."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from apps.partners.models import Partner, StageHistory
from apps.qbrs.loop import loop_history
from apps.qbrs.models import QBR, Status

pytestmark = pytest.mark.django_db


def test_it_seeds_partners_that_looped_with_their_qbrs():
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    looped = Partner.objects.annotate(
        held=Count("qbrs", filter=Q(qbrs__status=Status.COMPLETED))
    ).filter(held__gte=3)
    assert looped.count() >= 2
    for partner in looped:
        assert loop_history(partner, now)["cycles"] >= partner.held
        history = list(StageHistory.objects.filter(partner=partner).order_by("at", "id"))
        assert all(a.to_stage == b.from_stage for a, b in zip(history, history[1:], strict=False))
        assert all(h.at <= now for h in history)
        quarters = list(
            partner.qbrs.filter(status=Status.COMPLETED).values_list("quarter", flat=True)
        )
        assert len(set(quarters)) == len(quarters)  # one a quarter: past quarters, not one
    for qbr in QBR.objects.filter(status=Status.COMPLETED):
        assert set(
            StageHistory.objects.filter(via=qbr.label).values_list("transition", flat=True)
        ) == {"start_evaluation", "continue_growth"}
        assert qbr.metrics["figures"] and qbr.notes and qbr.completed_at <= now
    # nora's company has a summary to read and a QBR coming up
    northwind = Partner.objects.get(name="Northwind Traders")
    assert northwind.qbrs.filter(status=Status.COMPLETED).exists()
    assert northwind.qbrs.filter(status=Status.SCHEDULED, scheduled_for__gt=now).exists()
    scheduled = QBR.objects.filter(status=Status.SCHEDULED)
    assert scheduled.filter(scheduled_for__lt=now).exists()  # one overdue
