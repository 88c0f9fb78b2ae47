"""The benchmark's generator: a realistic program in every stage and status."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.models import Count

from apps.deals.models import DealRegistration, RegistrationConflict, RegistrationEvent, Status
from apps.deals.normalize import LEGAL_SUFFIXES, name_key
from apps.deals.selectors import NAME_SIMILARITY
from apps.partners.models import Partner, Stage, StageHistory
from apps.qbrs.models import QBR
from bench.seed import SUFFIXES, made_up_name, made_up_word, main

pytestmark = pytest.mark.django_db


def test_it_generates_every_stage_and_status_with_history(capsys):
    main(["--partners", "60", "--registrations", "3000"])
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
    # Customers' names differ as their domains do (the few alike are relatives, by design).
    customers = DealRegistration.objects.values("customer_domain").distinct().count()
    keys = DealRegistration.objects.values("customer_name_key").distinct().count()
    assert keys >= 0.9 * customers
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
    main(["--partners", "10", "--registrations", "200"])
    main(["--partners", "10", "--registrations", "200"])
    assert Partner.objects.count() == 20
    assert DealRegistration.objects.count() == 400
    main(["--partners", "10", "--registrations", "200", "--flush"])
    assert Partner.objects.count() == 10
    assert DealRegistration.objects.count() == 200


def test_made_up_names_are_plausible_deterministic_and_rarely_alike():
    rng = random.Random(1)
    names = [made_up_name(rng) for _ in range(400)]
    again = random.Random(1)
    assert names == [made_up_name(again) for _ in range(400)]  # deterministic for a seed
    for name in names:
        words = name.split()
        assert 1 <= len(words) <= 2 and all(w.isalpha() and w.istitle() for w in words)
        assert words[-1].lower() not in LEGAL_SUFFIXES  # the key keeps every word
    word = made_up_word(random.Random(2))
    assert word.isalpha() and word.islower() and len(word) >= 3
    # Unrelated names are as varied as real ones: no repeats, and (almost) no pair of 79,800
    # reaches the conflict threshold; with the earlier 20 syllables some 60–100 did.
    keys = [name_key(f"{name} {rng.choice(SUFFIXES)}") for name in names]
    assert len(set(keys)) == len(keys)
    with connection.cursor() as cursor:  # every pair scored by pg_trgm, as conflicts are
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[]) WITH ORDINALITY a(k, i)"
            " JOIN unnest(%s::text[]) WITH ORDINALITY b(k, j) ON b.j < a.i"
            " WHERE similarity(a.k, b.k) >= %s",
            [keys, keys, NAME_SIMILARITY],
        )
        alike = cursor.fetchone()[0]
    assert alike <= 2
