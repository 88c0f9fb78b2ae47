from __future__ import annotations

import pytest

from apps.partners.models import Partner, Stage

pytestmark = pytest.mark.django_db


def test_it_seeds_demo_partners_in_every_stage_with_history():
    from apps.demo import accounts as accounts_demo
    from apps.demo import agreements as agreements_demo
    from apps.demo import partners as partners_demo

    ctx: dict = {}
    accounts_demo.seed(ctx)
    partners_demo.seed(ctx)
    agreements_demo.seed(ctx)
    assert len(ctx["partners"]) >= 12
    assert set(Partner.objects.values_list("stage", flat=True)) == set(Stage.values)
    northwind, contoso = (Partner.objects.get(pk=ctx[k].pk) for k in ("northwind", "contoso"))
    assert northwind.stage == Stage.GROWTH and contoso.stage == Stage.ONBOARDING
    assert contoso.onboarding_due_date and contoso.tasks.filter(done=True).exists()
    for partner in Partner.objects.exclude(name__in=["Fabrikam Software", "Tailspin Toys"]):
        rows = list(partner.history.order_by("at"))
        assert rows, partner.name
        assert rows[-1].to_stage == partner.stage
        assert partner.created_at <= rows[0].at
        assert rows[0].at < rows[-1].at or len(rows) == 1
    assert northwind.agreements.filter(status="sent").exists()  # something for nora to sign
