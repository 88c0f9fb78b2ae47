from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.partners.models import Stage
from tests.factories import PartnerFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_it_lists_onboarding_partners_at_risk_first(client_for, bob):
    today = timezone.localdate()
    later = PartnerFactory(
        name="Later Ltd", stage=Stage.ONBOARDING, onboarding_due_date=today + timedelta(days=40)
    )
    soon = PartnerFactory(
        name="Soon Inc", stage=Stage.ONBOARDING, onboarding_due_date=today + timedelta(days=5)
    )
    late = PartnerFactory(
        name="Late LLC",
        stage=Stage.ONBOARDING,
        onboarding_due_date=today - timedelta(days=3),
        manager=bob,
    )
    PartnerFactory(
        name="Growing Co", stage=Stage.GROWTH, onboarding_due_date=today - timedelta(days=30)
    )
    TaskFactory(partner=late, title="Kickoff call", done=True)
    TaskFactory(partner=late, title="Sales certification", due_date=today - timedelta(days=1))
    TaskFactory(partner=late, title="Optional extra", required=False)
    response = client_for(bob).get("/onboarding/")
    assert response.status_code == 200
    rows = [p.name for p in response.context["rows"]]
    assert rows == ["Late LLC", "Soon Inc", "Later Ltd"]
    first = response.context["rows"][0]
    assert first.at_risk and first.days_left == -3
    assert (first.required_done, first.required_total, first.overdue_tasks) == (1, 2, 1)
    assert first.next_task_title == "Sales certification"
    html = response.content.decode()
    assert "3 days overdue" in html and "At risk" in html and "1 / 2 required tasks" in html
    assert soon.pk and later.pk


def test_it_narrows_to_my_partners(client_for, bob):
    PartnerFactory(name="Mine", stage=Stage.ONBOARDING, manager=bob)
    PartnerFactory(name="Not mine", stage=Stage.ONBOARDING)
    rows = client_for(bob).get("/onboarding/?mine=1").context["rows"]
    assert [p.name for p in rows] == ["Mine"]


def test_it_is_for_staff_only(client_for, charlie, client):
    assert client_for(charlie).get("/onboarding/")["Location"] == "/portal/"
    assert client.get("/onboarding/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("count", [2, 50])
def test_it_costs_constant_queries(client_for, bob, count, django_assert_num_queries):
    today = timezone.localdate()
    for i in range(count):
        p = PartnerFactory(
            stage=Stage.ONBOARDING, onboarding_due_date=today + timedelta(days=i - 5), manager=bob
        )
        TaskFactory(partner=p)
    c = client_for(bob)
    # session, user, partners with progress (one annotated query)
    with django_assert_num_queries(3):
        assert c.get("/onboarding/").status_code == 200
