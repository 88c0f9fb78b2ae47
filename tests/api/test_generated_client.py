"""A Python client generated from the schema with openapi-python-client (what an integrator
does first) imports, and the main journeys run through it against a live server with token
authentication, every answer read back as the generated models (issue 25):

- a partner registers a deal and withdraws another;
- a manager approves one and rejects another with a reason, and extends the approved one;
- a manager schedules, starts and completes a QBR with an outcome;
- a manager exits the partner.
"""

from __future__ import annotations

import datetime
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import PASSWORD, ManagerFactory, PartnerFactory, PartnerUserFactory

from .conftest import operations

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
CONFIG = Path(__file__).resolve().parents[2] / "openapi-client.yaml"  # the README's


@pytest.fixture(scope="module")
def generated(openapi, tmp_path_factory):
    """The generated package, importable as `partneros_client` for this module's tests."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(json.dumps(openapi))
    command = [str(GENERATOR), "generate", "--path", "openapi.json", "--meta", "none"]
    command += ["--output-path", "partneros_client", "--config", str(CONFIG)]
    result = subprocess.run(  # noqa: S603 — the dev dependency's own command
        command, cwd=folder, capture_output=True, text=True, timeout=600, check=False
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    # "Warning(s) encountered … some pieces may be missing": nothing may be missing.
    assert "Warning" not in said and "Skipping" not in said, said
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("partneros_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == "partneros_client"]:
            del sys.modules[name]


def test_every_generated_module_imports(generated, openapi):
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(generated.__path__, "partneros_client.")
    ]
    endpoints = {m.__name__.rsplit(".", 1)[1] for m in modules if ".api." in m.__name__}
    # One module per operation, each offering the call (what 11 of 57 lacked before).
    assert endpoints >= {op["operationId"] for _w, op in operations(openapi)}
    for module in modules:
        if ".api." in module.__name__ and module.__name__.count(".") == 3:
            assert callable(module.sync_detailed), module.__name__


class Journeys:
    """The generated client, signed in as one user by token (POST /api/v1/auth/token/)."""

    def __init__(self, base_url: str, username: str):
        from partneros_client import AuthenticatedClient, Client
        from partneros_client.api.auth import auth_token_create
        from partneros_client.models import AuthTokenRequest, TokenResponse

        answer = auth_token_create.sync_detailed(
            client=Client(base_url=base_url),
            body=AuthTokenRequest(username=username, password=PASSWORD),
        )
        assert answer.status_code == 200, answer.content
        assert isinstance(answer.parsed, TokenResponse)
        self.client = AuthenticatedClient(
            base_url=base_url, token=answer.parsed.token, prefix="Token"
        )

    def call(self, module, expected: int, model, **kwargs):
        """module.sync_detailed(...), its status checked and its body read as `model`."""
        answer = module.sync_detailed(client=self.client, **kwargs)
        assert answer.status_code == expected, (module.__name__, answer.content)
        assert isinstance(answer.parsed, model), (module.__name__, answer.parsed)
        return answer.parsed


def _registration(domain: str):
    from partneros_client.models import DealRegistrationRequest

    return DealRegistrationRequest(
        customer_name=f"Customer of {domain}",
        customer_domain=domain,
        customer_country="DE",
        contact_name="Jana Weber",
        contact_email=f"jana@{domain}",
        product="Fleet Analytics",
        estimated_value="48000.00",
        currency="EUR",
        expected_close_date=datetime.date.today() + datetime.timedelta(days=60),  # noqa: DTZ011
    )


@pytest.fixture
def people(transactional_db):
    manager = ManagerFactory(username="gen-manager")
    partner = PartnerFactory(name="Generated Client GmbH", stage="growth", manager=manager)
    PartnerUserFactory(username="gen-partner", partner=partner)
    return partner


def test_the_served_schema_is_the_one_the_client_was_generated_from(
    generated, live_server, people, openapi
):
    import httpx

    journeys = Journeys(live_server.url, "gen-manager")
    answer = httpx.get(
        f"{live_server.url}/api/v1/schema/",
        params={"format": "json"},
        headers={"Authorization": f"Token {journeys.client.token}"},
    )
    assert answer.status_code == 200
    assert answer.json() == openapi


def test_deal_registration_journeys(generated, live_server, people):
    from partneros_client.api.deal_registrations import (
        deal_registrations_approve,
        deal_registrations_create,
        deal_registrations_extend,
        deal_registrations_reject,
        deal_registrations_retrieve,
        deal_registrations_withdraw,
    )
    from partneros_client.models import (
        DealRegistration,
        ExtendInputRequest,
        NoInput,
        RejectInputRequest,
    )
    from partneros_client.models import DealRegistrationStatusEnum as Status

    partner = Journeys(live_server.url, "gen-partner")
    manager = Journeys(live_server.url, "gen-manager")

    # A partner registers a deal, and withdraws another.
    kept = partner.call(
        deal_registrations_create, 201, DealRegistration, body=_registration("kept.example")
    )
    assert (kept.status, kept.partner) == (Status.SUBMITTED, people.pk)
    other = partner.call(
        deal_registrations_create, 201, DealRegistration, body=_registration("other.example")
    )
    withdrawn = partner.call(
        deal_registrations_withdraw, 200, DealRegistration, id=other.id, body=NoInput()
    )
    assert withdrawn.status == Status.WITHDRAWN

    # A manager approves one, rejects another with a reason, and extends the approved one.
    approved = manager.call(
        deal_registrations_approve, 200, DealRegistration, id=kept.id, body=NoInput()
    )
    assert approved.status == Status.APPROVED
    assert isinstance(approved.expires_at, datetime.datetime)
    third = partner.call(
        deal_registrations_create, 201, DealRegistration, body=_registration("third.example")
    )
    rejected = manager.call(
        deal_registrations_reject,
        200,
        DealRegistration,
        id=third.id,
        body=RejectInputRequest(reason="Already in our pipeline."),
    )
    assert (rejected.status, rejected.rejection_reason) == (
        Status.REJECTED,
        "Already in our pipeline.",
    )
    extended = manager.call(
        deal_registrations_extend,
        200,
        DealRegistration,
        id=kept.id,
        body=ExtendInputRequest(days=30),
    )
    assert extended.extensions_used == 1
    assert extended.expires_at == approved.expires_at + datetime.timedelta(days=30)

    # The partner reads its own registration back: the same object, now extended.
    read = partner.call(deal_registrations_retrieve, 200, DealRegistration, id=kept.id)
    assert (read.status, read.extensions_used) == (Status.APPROVED, 1)

    # A refusal reads as the generated error models too: withdrawing twice is a 409.
    from partneros_client.models import Conflict, ConflictCodeEnum

    conflict = partner.call(deal_registrations_withdraw, 409, Conflict, id=other.id, body=NoInput())
    assert conflict.code == ConflictCodeEnum.TRANSITION_NOT_ALLOWED


def test_qbr_and_exit_journeys(generated, live_server, people):
    from partneros_client.api.partners import partners_exit, partners_retrieve
    from partneros_client.api.qbrs import qbrs_complete, qbrs_create, qbrs_start
    from partneros_client.models import (
        QBR,
        CompleteInputRequest,
        ExitInputRequest,
        NoInput,
        OutcomeEnum,
        Partner,
        QBRCreateRequest,
        StageEnum,
    )
    from partneros_client.models import QBRStatusEnum as Status

    manager = Journeys(live_server.url, "gen-manager")

    # A manager schedules a QBR, starts it, and completes it with an outcome.
    when = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=2)
    qbr = manager.call(
        qbrs_create, 201, QBR, body=QBRCreateRequest(partner=people.pk, scheduled_for=when)
    )
    assert qbr.status == Status.SCHEDULED
    started = manager.call(qbrs_start, 200, QBR, id=qbr.id, body=NoInput())
    assert started.status == Status.IN_PROGRESS
    evaluated = manager.call(partners_retrieve, 200, Partner, id=people.pk)
    assert evaluated.stage == StageEnum.EVALUATION
    completed = manager.call(
        qbrs_complete,
        200,
        QBR,
        id=qbr.id,
        body=CompleteInputRequest(
            outcome=OutcomeEnum.CONTINUE, satisfaction_score=8, notes="Pipeline is healthy."
        ),
    )
    assert (completed.status, completed.outcome) == (Status.COMPLETED, OutcomeEnum.CONTINUE)
    assert completed.satisfaction_score == 8
    growing = manager.call(partners_retrieve, 200, Partner, id=people.pk)
    assert growing.stage == StageEnum.GROWTH

    # A manager exits the partner, saying why.
    exited = manager.call(
        partners_exit,
        200,
        Partner,
        id=people.pk,
        body=ExitInputRequest(reason="The reseller closed its software business."),
    )
    assert exited.stage == StageEnum.EXITED
