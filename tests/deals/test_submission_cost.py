"""What one API submission costs the database (issue 24), and that the cuts kept its guarantees:
conflict detection under the advisory locks, one open registration per partner and customer
answered 409 even when the unique index is the one that notices."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.services import token_create
from apps.deals.models import DealRegistration, RegistrationConflict, Status
from apps.deals.services import submission
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/deal-registrations/"

# Counted in a test's transaction (so each atomic block is a SAVEPOINT and its RELEASE; in
# production the outer one is BEGIN/COMMIT, not counted): the token with its user and company,
# SAVEPOINT, the two advisory locks (one statement), the duplicate look-up, the insert in its
# savepoint (3), conflict detection with its stored pairs (one statement), the history event,
# the partner's manager, the notification (its readers' languages, its key checked, inserted:
# it is written in each reader's language), RELEASE, the answer's
# `fund_request` (the funds app's field on registrations, one read) in the same transaction
# (every API write's atomic block, apps/core/api.py answered_before_commit, around the
# service's: one more SAVEPOINT and RELEASE), and after
# commit the onboarding task it may complete (one UPDATE). Was 18: a look-up of the new random
# id (full_clean's uniqueness check), a second savepoint around the insert, and the onboarding
# receiver reading the partner before its update.
SUBMISSION_QUERIES = 18


def _client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user)}")
    return api


def test_an_api_submission_costs_a_fixed_number_of_queries(
    charlie,
    acme,
    globex,
    valid_input,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    other = RegistrationFactory(
        partner=globex, customer_name="Initech LLC", customer_domain="initech.com"
    )
    api = _client(charlie)
    with (
        django_assert_num_queries(SUBMISSION_QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        r = api.post(URL, valid_input, format="json")
    assert r.status_code == 201, r.content
    # conflict detection still ran and stored the pair both ways
    assert r.json()["conflict"] is True
    new = r.json()["id"]
    assert set(RegistrationConflict.objects.values_list("registration_id", "other_id")) == {
        (new, other.pk),
        (other.pk, new),
    }


def test_a_duplicate_the_lookup_missed_is_still_answered_409_by_the_unique_index(
    charlie, acme, valid_input, monkeypatch
):
    api = _client(charlie)
    first = api.post(URL, valid_input, format="json")
    assert first.status_code == 201, first.content
    real = submission.own_open_registration
    calls = []

    def missed_once(partner_id, domain):
        # As when another submission commits between the look-up and the insert.
        calls.append(domain)
        return None if len(calls) == 1 else real(partner_id, domain)

    monkeypatch.setattr(submission, "own_open_registration", missed_once)
    r = api.post(URL, valid_input, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "duplicate_registration"
    assert len(calls) == 2  # the insert failed in its savepoint, the look-up ran again after
    assert DealRegistration.objects.filter(status=Status.SUBMITTED).count() == 1
