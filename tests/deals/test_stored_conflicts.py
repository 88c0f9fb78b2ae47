"""Conflicts are detected once, on submission, and stored both ways; lists read them and a
pair counts only while both registrations are open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.deals.models import RegistrationConflict, Status
from apps.deals.selectors import find_conflicts, stored_conflict_counts, stored_conflict_rows
from apps.deals.services import registration_create, registration_transition
from apps.partners.models import Stage
from tests.factories import PartnerFactory

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _submit(partner, user, valid_input, **changes):
    return registration_create(partner=partner, submitted_by=user, data={**valid_input, **changes})


def _counts(*regs):
    for r in regs:
        r.refresh_from_db()
    return [stored_conflict_counts([r])[r.pk] for r in regs]


def test_submission_stores_the_conflicts_both_ways(acme, globex, bob, valid_input):
    theirs = _submit(globex, bob, valid_input, customer_name="Initech Corporation")
    umbrella = PartnerFactory(name="Umbrella Partners", stage=Stage.GROWTH)
    same_domain = _submit(
        umbrella, bob, valid_input, customer_name="Zzyzx", customer_domain="initech.com"
    )
    other = _submit(globex, bob, valid_input, customer_name="Qwfpgj", customer_domain="q.example")
    mine = _submit(acme, bob, valid_input)  # Initech LLC, initech.com
    assert set(mine.conflicts_found) == {theirs.pk, same_domain.pk}
    assert _counts(mine, theirs, same_domain, other) == [2, 2, 2, 0]
    rows = {row["id"]: row for row in stored_conflict_rows([mine])[mine.pk]}
    live = {c.registration.pk: c for c in find_conflicts(mine)}
    assert set(rows) == set(live)
    for pk, c in live.items():
        assert rows[pk]["same_domain"] == c.same_domain
        assert rows[pk]["similarity"] == (round(c.similarity, 3) if c.similarity else None)
    assert rows[same_domain.pk]["partner_name"] == "Umbrella Partners"
    assert RegistrationConflict.objects.filter(registration=theirs, other=mine).exists()


@pytest.mark.parametrize(
    "name, status",
    [("withdraw", Status.WITHDRAWN), ("reject", Status.REJECTED), ("approve", Status.APPROVED)],
)
def test_the_markers_follow_the_decisions(
    name, status, acme, globex, bob, charlie, dave, valid_input
):
    theirs = _submit(globex, dave, valid_input)
    mine = _submit(acme, charlie, valid_input)
    assert _counts(mine, theirs) == [1, 1]
    actor = charlie if name == "withdraw" else bob
    extra = {"reason": "No."} if name == "reject" else {}
    registration_transition(registration=mine, name=name, actor=actor, **extra)
    assert mine.status == status
    expected = [1, 1] if status == Status.APPROVED else [0, 0]  # approved is still open
    assert _counts(mine, theirs) == expected


def test_expiry_and_closing_clear_the_markers(acme, globex, bob, charlie, dave, valid_input):
    theirs = _submit(globex, dave, valid_input)
    mine = _submit(acme, charlie, valid_input)
    registration_transition(registration=theirs, name="approve", actor=bob)
    assert _counts(mine, theirs) == [1, 1]
    registration_transition(registration=theirs, name="expire", actor=None)
    assert _counts(mine, theirs) == [0, 0]
    later = _submit(globex, dave, valid_input)  # theirs is closed: only mine conflicts
    assert set(later.conflicts_found) == {mine.pk}
    assert _counts(mine, theirs, later) == [1, 0, 1]


def test_the_lists_show_the_stored_markers(
    client_for, api_for, acme, globex, bob, charlie, dave, valid_input
):
    _submit(globex, dave, valid_input)
    mine = _submit(acme, charlie, valid_input)
    queue = client_for(bob).get(reverse("deals:queue"))
    assert {row["reg"].pk: row["conflicts"] for row in queue.context["rows"]}[mine.pk] == 1
    portal = client_for(charlie).get(reverse("portal:deals"))
    assert [row["conflict"] for row in portal.context["rows"]] == [True]
    listing = api_for(charlie).get("/api/v1/deal-registrations/").json()
    assert listing["results"][0]["conflict"] is True and "conflicts" not in listing["results"][0]
    registration_transition(registration=mine, name="withdraw", actor=charlie)
    portal = client_for(charlie).get(reverse("portal:deals"))
    assert [row["conflict"] for row in portal.context["rows"]] == [False]
    queue = client_for(bob).get(reverse("deals:queue"))
    assert [row["conflicts"] for row in queue.context["rows"]] == [0]


def test_the_api_submission_answers_with_what_it_found(api_for, bob, acme, globex, valid_input):
    theirs = RegistrationFactory(partner=globex, customer_domain="initech.com")
    body = api_for(bob).post(
        "/api/v1/deal-registrations/", {**valid_input, "partner": acme.pk}, format="json"
    )
    assert body.status_code == 201, body.content
    assert [c["id"] for c in body.json()["conflicts"]] == [theirs.pk]
    assert body.json()["conflict"] is True
