from __future__ import annotations

import pytest

from apps.agreements.models import Agreement, Status
from apps.core.pdf import pdf_text, sha256

pytestmark = pytest.mark.django_db


def test_the_demo_has_generated_signed_and_future_dated_agreements():
    from apps.demo import accounts, partners
    from apps.demo import agreements as agreements_demo

    ctx: dict = {}
    accounts.seed(ctx)
    partners.seed(ctx)
    agreements_demo.seed(ctx)
    generated = Agreement.objects.filter(document_generated=True)
    assert generated.count() == 3
    for agreement in generated:
        with agreement.document.open("rb") as handle:
            assert sha256(handle.read()) == agreement.document_sha256
    to_sign = Agreement.objects.get(title__startswith="Mutual NDA")
    assert to_sign.status == Status.SENT and to_sign.partner == ctx["northwind"]
    active = Agreement.objects.get(title="Northwind co-marketing memorandum")
    assert active.status == Status.ACTIVE
    with active.signed_document.open("rb") as handle:
        assert "Signature certificate" in pdf_text(handle.read())
    future = Agreement.objects.get(title="Contoso integration partnership 2027")
    assert future.status == Status.SIGNED and future.countersign_required
