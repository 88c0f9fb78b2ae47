"""`make run`'s leads: routing rules, leads in every status, imported leads among them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from apps.leads.models import Lead, RejectReason, RoutingRule, Source, Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_leads_in_every_status_and_imported_ones(client_for):
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Lead.objects.values_list("status", flat=True)) == set(Status.values)
    imported = Lead.objects.filter(source=Source.IMPORT)
    assert imported.count() == 2 and imported.filter(status=Status.ASSIGNED).exists()
    assert RoutingRule.objects.filter(active=True).count() >= 3
    assert RejectReason.objects.filter(active=True).exists()
