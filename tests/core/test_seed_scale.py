"""The benchmark's generator: a realistic program in every stage and status."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from apps.deals.models import DealRegistration, RegistrationConflict, RegistrationEvent, Status
from apps.partners.models import Partner, Stage, StageHistory
from apps.qbrs.models import QBR

pytestmark = pytest.mark.django_db


def test_it_generates_every_stage_and_status_with_history(capsys):
    call_command("seed_scale", "--partners", "60", "--registrations", "3000")
    assert Partner.objects.count() == 60
    assert set(Partner.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(DealRegistration.objects.values_list("status", flat=True)) == set(Status.values)
    # The history leads to each partner's stage.
    for partner in Partner.objects.exclude(stage=Stage.RECRUITMENT):
        assert partner.history.order_by("at", "id").last().to_stage == partner.stage
    assert not Partner.objects.filter(stage=Stage.RECRUITMENT, history__isnull=False).exists()
    assert StageHistory.objects.count() > 0
    # Every registration has its submission; domains collide; one approval per domain at most.
    assert RegistrationEvent.objects.filter(transition="submit").count() == 3000
    per_domain = DealRegistration.objects.values("customer_domain").annotate(n=Count("id"))
    assert per_domain.filter(n__gt=1).exists()
    approved = DealRegistration.objects.filter(status=Status.APPROVED)
    assert approved.count() == approved.values("customer_domain").distinct().count()
    # Registrations only from partners that could register; one open QBR per active partner.
    assert not DealRegistration.objects.filter(partner__stage=Stage.RECRUITMENT).exists()
    open_qbrs = QBR.objects.filter(status__in=["scheduled", "in_progress"])
    assert open_qbrs.count() == open_qbrs.values("partner").distinct().count()
    # The conflicts between open registrations are stored, both ways, as submission stores them.
    pairs = set(RegistrationConflict.objects.values_list("registration_id", "other_id"))
    assert pairs and all((b, a) in pairs for a, b in pairs)
    same = RegistrationConflict.objects.filter(same_domain=True).select_related(
        "registration", "other"
    )[:50]
    assert all(c.registration.customer_domain == c.other.customer_domain for c in same)
    assert not RegistrationConflict.objects.exclude(
        registration__status__in=["submitted", "approved"]
    ).exists()
    assert "Seeded in" in capsys.readouterr().out


def test_it_adds_to_what_is_there_and_flushes_on_request():
    call_command("seed_scale", "--partners", "10", "--registrations", "200")
    call_command("seed_scale", "--partners", "10", "--registrations", "200")
    assert Partner.objects.count() == 20
    assert DealRegistration.objects.count() == 400
    call_command("seed_scale", "--partners", "10", "--registrations", "200", "--flush")
    assert Partner.objects.count() == 10
    assert DealRegistration.objects.count() == 200
