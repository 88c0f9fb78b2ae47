"""A tier may require certified people (issue 20): the evaluation reads the partner's people
with an active certification, the incremental run notices a certification earned since, and the
portal's tier progress shows the requirement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.enablement.services import courses
from apps.tiers.models import ProposalStatus, TierProposal
from apps.tiers.selectors import tier_progress
from apps.tiers.services import evaluate_tiers
from tests.enablement.factories import CourseFactory, quiz, right_answers
from tests.factories import PartnerUserFactory
from tests.tiers.factories import won

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def certify(partner, at):
    course = CourseFactory()
    made = quiz(course, ("Q?", ["yes", "no"]))
    person = PartnerUserFactory(partner=partner)
    courses.attempt_submit(course=course, user=person, answers=right_answers(made), now=at)


def proposed(partner):
    return list(
        TierProposal.objects.filter(partner=partner, status=ProposalStatus.OPEN).values_list(
            "proposed_tier__name", flat=True
        )
    )


def test_the_evaluation_waits_for_the_certified_people_a_tier_requires(program, tiers, acme):
    silver = tiers["Silver"]
    silver.min_certified_people = 1
    silver.save()
    for _ in range(5):  # exactly Silver's business
        won(acme, "50000", closed_at=NOW - timedelta(days=10))
    evaluate_tiers(NOW)
    assert proposed(acme) == []  # the business is there, the certified person is not
    certify(acme, NOW + timedelta(hours=1))
    later = NOW + timedelta(days=1)
    assert evaluate_tiers(later)["evaluated"] == 1  # only acme: its certification is new
    assert proposed(acme) == ["Silver"]
    proposal = TierProposal.objects.get(partner=acme, status=ProposalStatus.OPEN)
    assert proposal.figures["certified_people"] == 1
    assert proposal.figures["requirements"]["min_certified_people"] == 1


def test_the_tier_progress_shows_the_certified_people(program, tiers, acme, charlie, client_for):
    silver = tiers["Silver"]
    silver.min_certified_people = 2
    silver.save()
    certify(acme, NOW)
    progress = tier_progress(acme)["next"]
    assert progress["tier"] == silver
    assert (progress["people"]["have"], progress["people"]["need"]) == (1, 2)
    assert not progress["met"]
    page = client_for(charlie).get(reverse("portal:tier")).content.decode()
    assert "Certified people" in page and "1 more certified person to go" in page
