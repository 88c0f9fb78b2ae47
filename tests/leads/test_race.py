"""PostgreSQL: a partner accepting at the moment the sweep recalls gets one outcome, never both."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from apps.core.errors import DomainError, NotPermitted
from apps.leads.models import Lead, Outcome, Status
from apps.leads.services import lead_accept, lead_lapse, lead_route
from apps.partners.models import Stage
from tests.factories import PartnerFactory, PartnerUserFactory

from .factories import LeadFactory, RuleFactory


def _race(lead_pk: int, user_pk: int, deadline):
    barrier = threading.Barrier(2, timeout=20)
    results: dict[str, object] = {}

    def accept():
        try:
            from apps.accounts.models import User

            user = User.objects.get(pk=user_pk)
            lead = Lead.objects.get(pk=lead_pk)
            barrier.wait()
            lead_accept(lead=lead, actor=user, now=deadline)
            results["accept"] = "accepted"
        except DomainError as exc:
            results["accept"] = exc.code
        except NotPermitted:  # the lead is no longer with this partner
            results["accept"] = "not_permitted"
        finally:
            connections.close_all()

    def recall():
        try:
            lead = Lead.objects.get(pk=lead_pk)
            barrier.wait()
            results["recall"] = lead_lapse(lead=lead, now=deadline, reroute=True)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept), threading.Thread(target=recall)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(4))
def test_accept_versus_recall_has_one_outcome(attempt):
    RuleFactory()
    partner = PartnerFactory(stage=Stage.GROWTH)
    PartnerFactory(stage=Stage.GROWTH, name="Zz next in line")
    user = PartnerUserFactory(partner=partner)
    now = timezone.now()
    lead = LeadFactory()
    lead_route(lead=lead, now=now)
    lead.refresh_from_db()
    if lead.partner_id != partner.pk:  # the round robin picked the other one: swap roles
        user = PartnerUserFactory(partner=lead.partner)
    results = _race(lead.pk, user.pk, now + timedelta(hours=24))
    lead.refresh_from_db()
    first = lead.assignments.order_by("assigned_at", "id").first()
    if results["accept"] == "accepted":
        assert results["recall"] is False
        assert lead.status == Status.ACCEPTED and first.outcome == Outcome.ACCEPTED
        assert lead.assignments.count() == 1
    else:
        assert results["recall"] is True
        assert results["accept"] in ("transition_not_allowed", "not_permitted")
        assert first.outcome == Outcome.LAPSED
        assert lead.status == Status.ASSIGNED and lead.partner_id != first.partner_id
