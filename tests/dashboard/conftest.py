"""Dashboard tests build their data at fixed moments around NOW and compare with figures
computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.partners.models import Partner, StageHistory
from apps.program.models import StageConfig
from tests.factories import PartnerFactory

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # a Monday


def ago(days: float = 0, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def partner(stage="growth", *, entered_days=0.0, created_days=400.0, **kwargs) -> Partner:
    """A partner in `stage` since `entered_days` ago, created `created_days` ago."""
    p = PartnerFactory(stage=stage, stage_entered_at=ago(entered_days), **kwargs)
    Partner.objects.filter(pk=p.pk).update(created_at=ago(created_days))
    p.refresh_from_db()
    return p


def moved(p: Partner, from_stage: str, to_stage: str, days: float, name: str = "") -> StageHistory:
    return StageHistory.objects.create(
        partner=p,
        transition=name or f"{from_stage}_to_{to_stage}",
        from_stage=from_stage,
        to_stage=to_stage,
        at=ago(days),
    )


@pytest.fixture
def targets(db):
    """Stage targets the tests reason with (days)."""
    wanted = {
        "recruitment": 30,
        "onboarding": 60,
        "growth": 100,
        "evaluation": 20,
        "expansion": 50,
        "exited": None,
    }
    for stage, days in wanted.items():
        StageConfig.objects.update_or_create(
            stage=stage, defaults={"display_name": stage.title(), "target_days": days}
        )
    return wanted


@pytest.fixture(autouse=True)
def fresh_dashboard_cache():
    """No test sees a snapshot another test stored (the cache outlives each test's rolled-back
    data): start every test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
