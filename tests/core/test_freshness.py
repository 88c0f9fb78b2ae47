"""Figures kept until what they read changes (apps/core/freshness.py): the lifecycle figures'
token moves on writes to what they read — and on no other — and the dashboard keeps them across
a registration's write, computing them again after a partner's stage changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import FigureChange
from apps.dashboard import metrics, periods, snapshot
from apps.partners.models import Partner, StageHistory
from apps.program.models import StageConfig
from tests.factories import PartnerFactory
from tests.qbrs.factories import QBRFactory, registration

pytestmark = pytest.mark.django_db
LIFECYCLE = snapshot.LIFECYCLE


@pytest.fixture
def acme(db):
    cache.clear()
    return PartnerFactory(name="Acme Resellers", stage="growth")


def _moves(write) -> bool:
    before = LIFECYCLE.token()
    write()
    return LIFECYCLE.token() != before


WRITES = {
    "a partner's stage": (
        True,
        lambda p: Partner.objects.filter(pk=p.pk).update(stage="evaluation"),
    ),
    "a partner's name": (True, lambda p: Partner.objects.filter(pk=p.pk).update(name="Other")),
    "a partner's website": (
        False,
        lambda p: Partner.objects.filter(pk=p.pk).update(website="https://acme.example"),
    ),
    "an update matching no row": (
        False,
        lambda p: Partner.objects.filter(pk=-1).update(stage="evaluation"),
    ),
    "the stage history": (
        True,
        lambda p: StageHistory.objects.create(
            partner=p,
            transition="t",
            from_stage="growth",
            to_stage="evaluation",
            at=timezone.now(),
        ),
    ),
    "a stage target": (
        True,
        lambda p: StageConfig.objects.update_or_create(stage="growth", defaults={"target_days": 9}),
    ),
    "a QBR": (True, lambda p: QBRFactory(partner=p)),
    "a registration": (
        False,
        lambda p: registration(p, status="approved", submitted_at=timezone.now()),
    ),
}


@pytest.mark.parametrize("what", WRITES)
def test_a_write_moves_the_token_only_when_the_figures_read_what_it_wrote(acme, what):
    moves, write = WRITES[what]
    assert _moves(lambda: write(acme)) is moves


def test_reading_the_token_keeps_only_the_newest_move(acme):
    for name in ("A", "B", "C"):
        Partner.objects.filter(pk=acme.pk).update(name=name)
    assert FigureChange.objects.filter(name=LIFECYCLE.name).count() >= 3
    token = LIFECYCLE.token()
    assert list(FigureChange.objects.filter(name=LIFECYCLE.name).values_list("id", flat=True)) == [
        token
    ]


def _read_history(ctx) -> bool:
    return any("partners_stagehistory" in q["sql"] for q in ctx.captured_queries)


def test_the_dashboard_keeps_the_lifecycle_figures_across_a_registrations_write(acme, settings):
    settings.DASHBOARD_CACHE_SECONDS = 3600
    now = timezone.now()
    snapshot.figures(now, periods.resolve("90", now), None)
    registration(acme, status="approved", submitted_at=now)
    with CaptureQueriesContext(connection) as after_registration:
        kept = snapshot.figures(now, periods.resolve("90", now), None)
    assert not _read_history(after_registration)
    # equal to computing it now, but for the stage names the snapshot adds to steps and stages
    assert kept["funnel"] == metrics.stage_funnel(now, periods.resolve("90", now).window, None) | {
        "steps": kept["funnel"]["steps"],
        "stages": kept["funnel"]["stages"],
    }

    Partner.objects.filter(pk=acme.pk).update(
        stage="evaluation", stage_entered_at=now - timedelta(days=1)
    )
    with CaptureQueriesContext(connection) as after_stage:
        computed = snapshot.figures(now, periods.resolve("90", now), None)
    assert _read_history(after_stage)
    assert computed["funnel"]["counts"] != kept["funnel"]["counts"]
    assert computed["funnel"]["counts"] == metrics.stage_funnel(now, 90, None)["counts"]
    assert computed["bottlenecks"] == metrics.bottlenecks(now, None)


def test_the_clock_alone_computes_them_again_after_the_cache_seconds(acme, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    now = timezone.now()
    snapshot.figures(now, periods.resolve("90", now), None)
    with CaptureQueriesContext(connection) as later:
        snapshot.figures(
            now + timedelta(seconds=61), periods.resolve("90", now + timedelta(seconds=61)), None
        )
    assert _read_history(later)


def test_the_lead_figures_are_kept_until_a_lead_moves(acme):
    from apps.leads import sections as lead_sections
    from tests.leads.factories import LeadFactory

    inputs = lead_sections.DASHBOARD_INPUTS
    token = inputs.token()
    registration(acme, status="approved", submitted_at=timezone.now())
    Partner.objects.filter(pk=acme.pk).update(stage="evaluation")
    assert inputs.token() == token
    LeadFactory()
    assert inputs.token() != token


def test_the_onboarding_figures_move_on_an_approval_not_on_a_submission(acme):
    inputs = snapshot.ONBOARDING
    token = inputs.token()
    reg = registration(acme, status="submitted", submitted_at=timezone.now())
    assert inputs.token() == token
    type(reg).objects.filter(pk=reg.pk).update(status="approved", approved_at=timezone.now())
    assert inputs.token() != token
