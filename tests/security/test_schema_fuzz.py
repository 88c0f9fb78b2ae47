"""Schemathesis against /api/v1/schema/ over HTTP (Django's live server), as each role (an
admin, a manager, a partner user), with ALL its checks — those that re-send a request too
(without credentials, with an undeclared method, after a delete) — and every phase: the
schema's examples, the coverage phase (boundary and just-invalid values of every parameter and
field), fuzzing, and the stateful phase (operations chained through the links it infers).
Zero failures; a failure names the operation and the check, with the request and the answer.

Bounded so `make test` stays fast: a few examples per operation (SCHEMA_FUZZ_EXAMPLES, default
3), a fixed seed (SCHEMA_FUZZ_SEED=random explores further), short stateful scenarios; the
coverage phase (thousands of requests, several minutes per role on a busy machine) runs with
SCHEMA_FUZZ_PHASES=all — run it before a release and after changing a serializer or a filter."""

from __future__ import annotations

import json
import logging
import os
import random
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import strategies as st

from apps.deals.normalize import InvalidDomain, _host, _public_suffixes

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import engine  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import events  # noqa: E402
from schemathesis.specs.openapi.formats import unregister_string_format  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

PHASES = ("examples", "coverage", "fuzzing", "stateful")
QUICK_PHASES = ("examples", "fuzzing", "stateful")

# A schema says which requests are well formed, not which objects exist: a well-formed request
# naming an object that does not exist (an id, a type's key), or credentials that are wrong,
# is refused with 400 on that field alone. Only these fields, alone in the 400, are excused.
# A password is judged by Django's validators (similar to the username, common, all digits).
# Tiers: a name or rank another tier has; requirements lower than a lower tier's.
TIER_RULES = {"name", "rank", "min_won_value", "min_won_deals"}
LIBRARY_RULES = {"partner_types", "min_tier", "body", "url", "content"}
DATA_DEPENDENT_400 = {
    "POST /api/v1/auth/token/": {"non_field_errors"},  # wrong username or password
    "POST /api/v1/users/me/password/": {"old_password", "new_password"},
    "POST /api/v1/users/": {"partner", "username", "password"},  # no such partner; taken
    "POST /api/v1/tiers/": TIER_RULES,
    "PUT /api/v1/tiers/{id}/": TIER_RULES,
    "PATCH /api/v1/tiers/{id}/": TIER_RULES,
    "POST /api/v1/partners/": {"partner_type", "tier", "manager", "name"},  # name: taken
    "PATCH /api/v1/partners/{id}/": {"partner_type", "tier", "manager", "name"},
    "PUT /api/v1/partners/{id}/": {"partner_type", "tier", "manager", "name"},
    "POST /api/v1/agreements/": {"partner"},
    "PATCH /api/v1/agreements/{id}/": {"partner"},
    "PUT /api/v1/agreements/{id}/": {"partner"},
    "POST /api/v1/deal-registrations/": {"partner"},
    "POST /api/v1/qbrs/": {"partner"},
    # Staff name the partner they invite to (a partner admin's is their own, so the schema
    # cannot require it) and may name the contact invited (no such contact); an invitation
    # link that exists only in the e-mail sent.
    "POST /api/v1/invitations/": {"partner", "email", "contact"},
    "POST /api/v1/invitations/accept/": {"token", "username", "password"},
    # Branch locator: the buyer's e-mail must be at a registrable domain (the lead's customer,
    # apps.deals.normalize), which no pattern of the schema can say.
    "POST /api/v1/locator/contact/": {"contact_email"},
    # The library: a partner type or tier that exists; a page needs its text
    # and a link its address (which the content decides); a file is uploaded on the library
    # page, never over JSON.
    "POST /api/v1/resources/": LIBRARY_RULES,
    "PUT /api/v1/resources/{id}/": LIBRARY_RULES,
    "PATCH /api/v1/resources/{id}/": LIBRARY_RULES,
    # Courses: the answers name the course's own questions and their choices.
    "POST /api/v1/courses/{id}/attempts/": {"answers"},
    # Funds: a period's name taken or its end before its start; an allocation's period or
    # partner that does not exist (or has one already), a currency without a rate in force, a
    # deadline before the period; a request on an allocation that is not the caller's, or
    # ending before it starts.
    "POST /api/v1/fund-periods/": {"name", "ends_on"},
    "POST /api/v1/fund-allocations/": {"period", "partner", "currency", "claim_deadline"},
    "POST /api/v1/fund-requests/": {"allocation", "ends_on"},
    # A partner type's key (no such type); the answers to the program's profile questions
    # (which questions exist, and which are required, are the program's data).
    "POST /api/v1/applications/": {"partner_type", "answers"},
    # A rate for that currency from that day exists already; the base currency needs none.
    "POST /api/v1/exchange-rates/": {"non_field_errors", "effective_date", "currency"},
    "PUT /api/v1/exchange-rates/{id}/": {"non_field_errors", "effective_date", "currency"},
    "PATCH /api/v1/exchange-rates/{id}/": {"non_field_errors", "effective_date", "currency"},
}
# A domain the schema's pattern allows whose host is itself a public suffix (`co.uk`, `a.bd`
# under `*.bd`): the Public Suffix List, a list of thousands, is data no pattern states
# (apps/deals/normalize.py); the field's description says such a domain is refused.
PUBLIC_SUFFIX_FIELDS = {
    "POST /api/v1/deal-registrations/": "customer_domain",
    "POST /api/v1/applications/": "website",
    "POST /api/v1/leads/": "domain",
}
# The one-line texts of a registration (apps/deals/models.py no_control_characters).
UNLISTED_CHARACTER_FIELDS = {
    "POST /api/v1/deal-registrations/": {"customer_name", "contact_name", "product"},
    # The buyer's texts in the locator's contact form (apps/locator: no control characters).
    "POST /api/v1/locator/contact/": {"company", "contact_name", "need"},
    # A routing rule's name and specializations (apps/leads: one-line texts).
    "POST /api/v1/lead-routing-rules/": {"name", "specializations"},
    "PUT /api/v1/lead-routing-rules/{id}/": {"name", "specializations"},
    "PATCH /api/v1/lead-routing-rules/{id}/": {"name", "specializations"},
}
# Found by this test and fixed; add a line only with a reason and an owner, and remove it then:
# {(operation label, check name): reason}.
KNOWN: dict[tuple[str, str], str] = {}


def _phases() -> tuple[str, ...]:
    chosen = os.environ.get("SCHEMA_FUZZ_PHASES", "quick")
    return (
        PHASES
        if chosen == "all"
        else QUICK_PHASES
        if chosen == "quick"
        else (tuple(chosen.split(",")))
    )


def _config(live_server, token: str) -> SchemathesisConfig:
    seed = os.environ.get("SCHEMA_FUZZ_SEED", "1")
    return SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Token {token}"},
            "base-url": live_server.url,
            "seed": random.randrange(2**32) if seed == "random" else int(seed),
            "workers": 1,
            "cache": {"enabled": False},
            "generation": {
                "max-examples": int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "3")),
                "deterministic": seed != "random",
                "database": "none",
            },
            "checks": {"enabled": True},  # every check schemathesis has
            "phases": {
                **{phase: {"enabled": phase in _phases()} for phase in PHASES},
                "stateful": {"enabled": True, "max-steps": 4},
            },
        }
    )


def _form_body_with_null(case) -> bool:
    """The request bodies are documented in JSON and in two form encodings, and a form cannot
    carry null: a nullable field sent as null in a form arrives as text and is refused. Not this
    branch's to fix — the `schema` branch documents JSON-only request bodies (issue 25), which
    ends these cases; until then they are set aside, counted, and named in the test's output."""
    media_type = (case.media_type or "").split(";")[0]
    values = case.body.values() if isinstance(case.body, dict) else ()
    return media_type != "application/json" and any(v is None for v in values)


def _unlisted_characters(value: object) -> bool:
    """Characters the running Unicode version has not assigned (or private-use ones past the
    first plane): the one-line texts refuse them, and no pattern can list them."""
    if isinstance(value, list):  # a list of one-line texts (a rule's specializations)
        return any(_unlisted_characters(v) for v in value)
    if not isinstance(value, str):
        return False
    categories = ((unicodedata.category(ch), ord(ch)) for ch in value)
    return any(cat == "Cn" or (cat == "Co" and code > 0xFFFF) for cat, code in categories)


def _only_a_public_suffix(value: object) -> bool:
    """The host of a domain or address is a public suffix (no registrable domain under it)."""
    if not isinstance(value, str):
        return False
    try:
        return not _public_suffixes().extract_str(_host(value)).domain
    except InvalidDomain:
        return False


def _control_refused(body: bytes, field: str) -> bool:
    """The answer refuses `field` for its control characters, and for nothing else."""
    from apps.core.text import CONTROL_REFUSED

    answer = json.loads(body)
    return isinstance(answer, dict) and answer.get(field) == [str(CONTROL_REFUSED)]


def _names_no_object(body: bytes, field: str) -> bool:
    """The answer refuses `field` only because the id it sent names no object."""
    answer = json.loads(body)
    said = answer.get(field) if isinstance(answer, dict) else None
    return (
        isinstance(said, list)
        and bool(said)
        and all(isinstance(m, str) and m.endswith("does not exist.") for m in said)
    )


def _excused(check: str, operation: str, status: int | None, body: bytes, case) -> bool:
    if check != "positive_data_acceptance" or status != 400:
        return False
    try:
        fields = set(json.loads(body))
    except (ValueError, TypeError):
        return False
    sent = case.body if isinstance(case.body, dict) else {}
    unlisted = {
        f for f in UNLISTED_CHARACTER_FIELDS.get(operation, ()) if _unlisted_characters(sent.get(f))
    }
    # Any one-line text (apps/core/serializers.py OneLineCharField) refuses them alike.
    unlisted |= {
        f
        for f in fields
        if f in sent and _unlisted_characters(sent[f]) and _control_refused(body, f)
    }
    # An id naming no object (DRF's related fields): well formed, and refused on that field.
    unlisted |= {f for f in fields if _names_no_object(body, f)}
    suffix = PUBLIC_SUFFIX_FIELDS.get(operation)
    if suffix and _only_a_public_suffix(sent.get(suffix)):
        unlisted.add(suffix)
    return bool(fields) and fields <= DATA_DEPENDENT_400.get(operation, set()) | unlisted


@contextmanager
def dates_in_the_close_date_window():
    """Valid dates, as Schemathesis draws them, from tomorrow to the end of the ninth year ahead:
    the window a registration's `expected_close_date` documents (today or later, within the
    tenth calendar year; a day's margin either side for a run across midnight), and a date
    every other date the API reads accepts. Past or far-future close dates are the schema's
    stated bound, not well-formed input the server must take; their 400 is tested in
    tests/deals (and Schemathesis' own `date` format comes back after the run)."""
    today = timezone.localdate()  # the server's calendar (apps/deals/services/submission.py)
    window = st.dates(today + timedelta(days=1), date(today.year + 9, 12, 31))
    schemathesis.openapi.format("date", window.map(date.isoformat))
    try:
        yield
    finally:
        unregister_string_format("date")


def _describe(recorder, case_id: str) -> tuple[str, int | None, bytes]:
    node = recorder.cases.get(case_id)
    interaction = recorder.interactions.get(case_id)
    response = interaction.response if interaction is not None else None
    if node is None:
        return "", None, b""
    case = node.value
    body = "" if type(case.body).__name__ == "NotSet" else f" body={case.body!r}"[:300]
    sent = f"{case.method} {case.formatted_path} query={case.query!r}{body}"
    if response is None:
        return sent, None, b""
    return (
        f"{sent} -> {response.status_code} {response.content[:300]!r}",
        (response.status_code),
        response.content,
    )


def _record(recorder, failures: dict, set_aside: set[str]) -> None:
    """The failed checks of one scenario, by (operation, check), with the request and answer."""
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            operation = failure.operation or "?"
            node = recorder.cases.get(case_id)
            sent, status, body = _describe(recorder, case_id)
            if (
                check.name == "positive_data_acceptance"
                and node
                and _form_body_with_null(node.value)
            ):
                set_aside.add(operation)
            elif not (node and _excused(check.name, operation, status, body, node.value)):
                found = f"{failure.title}: {failure.message}\n      {sent}"
                if not failures[(operation, check.name)]:
                    # As it is found: an all-phase run takes long (read it with pytest -s).
                    print(f"\n{operation} [{check.name}]: {found}", flush=True)
                failures[(operation, check.name)].append(found)


def run_schemathesis(live_server, token: str) -> tuple[dict[tuple[str, str], list[str]], list]:
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/v1/schema/", config=_config(live_server, token)
    )
    failures: dict[tuple[str, str], list[str]] = defaultdict(list)
    errors = []
    set_aside: set[str] = set()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(event.recorder, failures, set_aside)
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.value!r}"[:400])
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}"[:400])
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                failures[(failure.operation or "?", "after run")].append(failure.message)
    if set_aside:
        print("Set aside (null in a form-encoded body, the schema branch's):", sorted(set_aside))
    return failures, errors


def _caller(role: str, world, alice, bob):
    """The user of a role: staff (admin, manager) or a partner user of each partner role."""
    from tests.factories import PartnerUserFactory

    if role in ("admin", "manager"):
        return {"admin": alice, "manager": bob}[role]
    partner_role = role.removeprefix("partner-") if role != "partner" else "admin"
    users = world["partner"].users.filter(partner_role=partner_role)
    return users.first() or PartnerUserFactory(partner=world["partner"], partner_role=partner_role)


@pytest.mark.parametrize(
    "role", ["admin", "manager", "partner", "partner-member", "partner-finance"]
)
def test_the_api_holds_to_its_schema_under_every_schemathesis_check(
    role, world, alice, bob, live_server
):
    from apps.accounts.services import token_create

    # Every refused request is logged as a warning; thousands of them here say nothing.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    user = _caller(role, world, alice, bob)
    with dates_in_the_close_date_window():
        failures, errors = run_schemathesis(live_server, token_create(user))
    report = [
        f"{operation} [{check}] ({len(found)}x): {found[0]}"
        for (operation, check), found in sorted(failures.items())
        if (operation, check) not in KNOWN
    ]
    assert not errors, "\n".join(errors)
    assert not report, f"{len(report)} (operation, check) pairs fail:\n" + "\n".join(report)


def test_the_schema_documents_each_operations_error_answers(api_for, bob):
    """DESIGN.md section 8's error contract, in the schema of every operation (so the fuzzing
    above can hold the API to it): 400 where input is read, 401 and 403 everywhere, 404 on an
    object's address, 409 on a transition, 429 where requests are throttled; each a JSON body."""
    import yaml

    schema = yaml.safe_load(api_for(bob).get("/api/v1/schema/").content)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            where = f"{method.upper()} {path}: {sorted(codes)}"
            # A transition: POST …/transitions/<its name>/ (one operation per name).
            transition = method == "post" and "/transitions/" in path
            assert {"401", "403"} <= codes, where
            if "requestBody" in operation or transition:
                assert "400" in codes, where
            if "{id}" in path:
                assert "404" in codes, where
            if transition:
                assert "409" in codes, where
            assert "429" in codes, where
            for code in codes - {"200", "201", "204"}:
                assert "application/json" in operation["responses"][code]["content"], where
