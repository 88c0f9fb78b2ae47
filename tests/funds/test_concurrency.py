"""PostgreSQL: N managers approving N requests of one allocation at the same instant — the ones
that fit are approved, the others refused with 409 insufficient_funds, and committed never passes
allocated (the allocation's row lock decides in turn; its CHECK constraint is the guarantee)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections

from apps.funds.models import FundAllocation, FundRequest, Status
from apps.funds.selectors import ledger_balances
from tests.factories import ManagerFactory

from .factories import allocation, request_in

N = 8


@pytest.mark.django_db(transaction=True)
def test_n_approvals_at_once_commit_only_what_fits(acme, api_for):
    alloc = allocation(acme, "10000.00")
    requests = [request_in("submitted", alloc, amount="3000.00") for _ in range(N)]
    managers = [ManagerFactory() for _ in range(N)]
    barrier = threading.Barrier(N, timeout=20)
    answers: dict[int, tuple[int, dict]] = {}

    def approve(r: FundRequest, manager) -> None:
        try:
            client = api_for(manager)
            barrier.wait()
            response = client.post(
                f"/api/v1/fund-requests/{r.pk}/transitions/approve/",
                {"approved_amount": "3000.00"},
                format="json",
            )
            answers[r.pk] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(r, m))
        for r, m in zip(requests, managers, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    codes = sorted(status for status, _body in answers.values())
    assert codes == [200] * 3 + [409] * (N - 3)
    refusals = [body for status, body in answers.values() if status == 409]
    assert {body["code"] for body in refusals} == {"insufficient_funds"}
    assert all("Not enough funds left" in body["detail"] for body in refusals)
    alloc = FundAllocation.objects.get(pk=alloc.pk)
    assert alloc.committed == Decimal("9000.00") <= alloc.allocated
    assert ledger_balances([alloc.pk])[alloc.pk]["committed"] == Decimal("9000.00")
    assert FundRequest.objects.filter(status=Status.APPROVED).count() == 3
    assert FundRequest.objects.filter(status=Status.SUBMITTED).count() == N - 3
