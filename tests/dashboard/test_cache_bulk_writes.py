"""The dashboard's stored snapshot stops passing for current after a write that changes its
figures, whatever door the write came through — including the bulk writes that send no
post_save (the tiers app sets a partner's tier with QuerySet.update()), sweeps and imports.
(Background refresh is off in tests, so a stale snapshot is recomputed in the page: the next
render shows the new figure exactly when the write invalidated the snapshot.)

Every render here happens at one frozen moment, so the snapshot never ages past its fresh time:
a figure that is fresh is fresh because the write invalidated the snapshot, not because time
passed.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core import sweeps
from apps.program.models import ProgramSettings
from apps.tiers.models import TierProposal
from apps.tiers.services import proposal_transition
from tests.factories import PartnerFactory
from tests.qbrs.factories import registration
from tests.tiers.factories import make_tiers

pytestmark = pytest.mark.django_db

FROZEN = timezone.now().replace(second=30, microsecond=0)


@pytest.fixture(autouse=True)
def frozen(monkeypatch, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)


@pytest.fixture
def tiers(db):
    return make_tiers()


@pytest.fixture
def acme(bob, tiers):
    """A Bronze partner with Silver's business: five won deals worth 250,000 in all, closed ten
    days ago (inside the dashboard's 90-day period and the tiers' trailing 12 months)."""
    program = ProgramSettings.get()
    program.base_currency = "USD"
    program.save()
    partner = PartnerFactory(
        name="Acme Resellers", stage="growth", manager=bob, tier=tiers["Bronze"]
    )
    closed = FROZEN - timedelta(days=10)
    for _ in range(5):
        registration(
            partner,
            status="won",
            value="50000",
            submitted_at=closed - timedelta(days=30),
            reviewed_at=closed - timedelta(days=29),
            approved_at=closed - timedelta(days=29),
            closed_at=closed,
        )
    return partner


def won_by_tier(client) -> dict[str, Decimal]:
    money = client.get("/").context["money"]
    return {t["name"]: t["won"] for t in money["by_tier"]}


def test_a_promotion_by_the_tier_sweep_shows_at_once(client_for, bob, acme, tiers):
    program = ProgramSettings.get()
    program.auto_apply_promotions = True
    program.save()
    client = client_for(bob)
    assert won_by_tier(client) == {"Bronze": Decimal("250000.00")}  # now cached

    counts = sweeps.run("tier_evaluation", FROZEN)

    assert counts["promoted"] == 1
    assert won_by_tier(client) == {"Silver": Decimal("250000.00")}


def test_an_approved_tier_proposal_shows_at_once(client_for, bob, acme, tiers):
    sweeps.run("tier_evaluation", FROZEN)  # proposes Silver; a manager decides
    proposal = TierProposal.objects.get(partner=acme, status="open")
    client = client_for(bob)
    assert won_by_tier(client) == {"Bronze": Decimal("250000.00")}

    proposal_transition(proposal=proposal, name="approve", actor=bob, now=FROZEN)

    assert won_by_tier(client) == {"Silver": Decimal("250000.00")}


def test_a_protection_expired_by_the_deal_sweep_leaves_the_pipeline_at_once(client_for, bob):
    partner = PartnerFactory(name="Initech Partners", stage="growth", manager=bob)
    # Protection ended an hour ago (700, still approved until the sweep) / ends in 20 days (300).
    for expires_at, value in (
        (FROZEN - timedelta(hours=1), "700"),
        (FROZEN + timedelta(days=20), "300"),
    ):
        registration(
            partner,
            status="approved",
            value=value,
            submitted_at=FROZEN - timedelta(days=100),
            reviewed_at=FROZEN - timedelta(days=99),
            approved_at=FROZEN - timedelta(days=99),
            expires_at=expires_at,
        )
    client = client_for(bob)
    assert client.get("/").context["money"]["pipeline"] == Decimal("1000.00")

    assert sweeps.run("deal_expiry", FROZEN)["expired"] == 1

    assert client.get("/").context["money"]["pipeline"] == Decimal("300.00")


def test_an_imported_registration_shows_in_the_health_score_at_once(client_for, bob):
    partner = PartnerFactory(name="Quiet Partner", stage="growth", manager=bob)
    client = client_for(bob)

    def activity() -> int:
        [row] = [
            r for r in client.get("/").context["health"]["rows"] if r["partner"].pk == partner.pk
        ]
        return next(p["points"] for p in row["parts"] if p["key"] == "activity")

    assert activity() == 0  # no registration in 90 days; now cached
    close = (FROZEN + timedelta(days=60)).date().isoformat()
    text = (
        "partner,customer_name,customer_domain,customer_country,contact_name,contact_email,"
        "product,estimated_value,currency,expected_close_date,description\n"
        f"Quiet Partner,Initech LLC,initech.example,US,Bill,bill@initech.example,Suite,"
        f"1000.00,USD,{close},\n"
    )
    upload = client.post(
        reverse("exchange:upload"),
        {
            "kind": "registrations",
            "file": SimpleUploadedFile("r.csv", text.encode(), content_type="text/csv"),
        },
    )
    assert upload.status_code == 302, upload.content.decode()[:500]
    assert activity() == 0  # the preview wrote nothing
    client.post(upload.url + "confirm/")

    assert activity() == 20  # a registration in the last 30 days
