"""Every notification says something besides its subject (issue 23: "QBR summary is ready" came
with an empty body): `notify` takes a body and refuses an empty one, and every place in the code
that sends a notification passes one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from apps.notifications.models import Notification
from apps.notifications.services import Message, notify, notify_batch
from apps.partners.models import Stage
from apps.qbrs.models import Status
from apps.qbrs.services import qbr_transition
from tests.factories import PartnerFactory, PartnerUserFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.mark.parametrize("body", ["", "  \n"])
def test_notify_refuses_an_empty_body(bob, body):
    with pytest.raises(ValueError, match="needs a body"):
        notify(recipients=[bob], kind="test", subject="S", key="k", body=body)
    with pytest.raises(ValueError, match="needs a body"):
        notify_batch([Message([bob], "test", "S", "k", body)])
    assert not Notification.objects.exists()


def _sending_calls():
    for path in APPS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("notify", "Message"):
                yield path.relative_to(APPS.parent), node


def test_every_place_that_notifies_passes_a_body():
    calls = list(_sending_calls())
    assert len(calls) > 30  # the scan sees the code that notifies
    missing = [
        f"{path}:{node.lineno}"
        for path, node in calls
        if not any(k.arg == "body" for k in node.keywords)
        and len(node.args) < 5
        and not (path.name == "services.py" and path.parent.name == "notifications")
    ]
    empty = [
        f"{path}:{node.lineno}"
        for path, node in calls
        for k in node.keywords
        if k.arg == "body" and isinstance(k.value, ast.Constant) and not str(k.value.value).strip()
    ]
    assert missing == [] and empty == []


def test_the_qbr_summary_notification_has_a_body(bob):
    partner = PartnerFactory(stage=Stage.EVALUATION, manager=bob)
    PartnerUserFactory(partner=partner)
    qbr = QBRFactory(partner=partner, status=Status.IN_PROGRESS)

    qbr_transition(qbr=qbr, name="complete", actor=bob, outcome="continue", satisfaction_score=8)

    sent = Notification.objects.get(kind="qbr_completed")
    assert "summary" in sent.subject and qbr.quarter in sent.body
