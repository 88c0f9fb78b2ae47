from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.dashboard.sections import portal_home, quarter_start
from apps.partners.models import Partner
from tests.qbrs.factories import registration

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/portal/")
    request.user = user
    return request


def _won(partner, closed_at, value="500", actual=None, currency="USD"):
    return registration(
        partner,
        status="won",
        submitted_at=closed_at - timedelta(days=3),
        approved_at=closed_at - timedelta(days=2),
        closed_at=closed_at,
        value=value,
        actual_value=actual,
        currency=currency,
    )


def test_it_shows_won_value_this_quarter_and_open_pipeline(client_for, charlie, dave):
    Partner.objects.filter(pk__in=[charlie.partner_id, dave.partner_id]).update(stage="growth")
    start = quarter_start(timezone.now())
    _won(charlie.partner, start, actual="700")  # the first moment of the quarter counts
    _won(charlie.partner, start - timedelta(minutes=1), value="9000")  # last quarter
    _won(charlie.partner, start + timedelta(minutes=5), currency="EUR")  # no rate: flagged
    registration(
        charlie.partner, status="approved", submitted_at=start, approved_at=start, value="1000"
    )
    _won(dave.partner, start + timedelta(hours=1), value="123456")  # another partner's

    template, ctx = portal_home(_request(charlie))

    assert template == "dashboard/_portal_home.html"
    assert (ctx["won"], ctx["won_deals"], ctx["pipeline"], ctx["approved"]) == (
        Decimal("700.00"),
        2,
        Decimal("1000.00"),
        1,
    )
    assert ctx["missing"] == 1
    html = client_for(charlie).get(reverse("portal:home")).content.decode()
    assert "$700.00" in html and "123,456" not in html and "123456" not in html
    assert reverse("portal:registrations_csv") in html


def test_it_adds_nothing_for_staff(bob):
    assert portal_home(_request(bob)) is None


def test_it_costs_the_same_queries_at_2_and_50_registrations(charlie, django_assert_num_queries):
    Partner.objects.filter(pk=charlie.partner_id).update(stage="growth")
    now = timezone.now()
    for _ in range(2):
        _won(charlie.partner, now - timedelta(minutes=1))
    # program settings (base currency), the aggregate (with the rate join)
    with django_assert_num_queries(2):
        portal_home(_request(charlie))
    for _ in range(48):
        _won(charlie.partner, now - timedelta(minutes=1))
    with django_assert_num_queries(2):
        _, ctx = portal_home(_request(charlie))
    assert ctx["won_deals"] == 50
