"""Demo agreements beyond the signed ones the partners demo made: documents generated from the
templates, one to sign, one signed and active (with its certificate), one signed that starts
in two weeks, drafts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.agreements.services import agreement_create, agreement_transition

from . import inbox


def _sign_mou(mou, nora, at) -> None:
    agreement_transition(
        agreement=mou,
        name="sign",
        actor=nora,
        signed_by_name="Nora North",
        address="198.51.100.23",
        user_agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Firefox/131.0",
        now=at,
    )


def seed(ctx: dict) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    manager = ctx["manager"]
    by_name = {p.name: p for p in ctx.get("partners", [])}

    # Sent with a document generated from the NDA template: Nora reads and signs it in the portal.
    nda = agreement_create(
        actor=manager,
        partner=ctx["northwind"],
        kind="nda",
        title="Mutual NDA for the 2027 roadmap briefing",
        start_date=today,
        end_date=today + timedelta(days=365 * 2),
        notice_period_days=30,
        partner_address="12 Harbour Road\nSeattle, WA 98101\nUnited States",
        exit_clauses="Confidentiality survives termination for three years.",
    )
    agreement_transition(agreement=nda, name="send", actor=manager, now=now - timedelta(days=2))

    # Signed in the portal ten days ago and active since: the PDF carries its certificate.
    mou = agreement_create(
        actor=manager,
        partner=ctx["northwind"],
        kind="mou",
        title="Northwind co-marketing memorandum",
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=355),
        notice_period_days=30,
        partner_address="12 Harbour Road\nSeattle, WA 98101\nUnited States",
        exit_clauses="Either side may end the memorandum with 30 days' written notice.",
    )
    with inbox.history(now - timedelta(days=12), now=now):
        agreement_transition(
            agreement=mou, name="send", actor=manager, now=now - timedelta(days=12)
        )
    with inbox.history(now - timedelta(days=10), now=now):
        _sign_mou(mou, ctx["nora"], now - timedelta(days=10))

    # Signed today, starting in two weeks: `signed` until the sweep activates it; the
    # technology template asks for the vendor's countersignature.
    tech = agreement_create(
        actor=manager,
        partner=ctx["contoso"],
        kind="technology",
        title="Contoso integration partnership 2027",
        start_date=today + timedelta(days=14),
        end_date=today + timedelta(days=14 + 730),
        notice_period_days=90,
        partner_address="1 Contoso Way\nRedmond, WA 98052\nUnited States",
        exit_clauses="90 days' notice; integrations stay supported for 12 months.",
    )
    agreement_transition(agreement=tech, name="send", actor=manager, now=now - timedelta(days=1))
    agreement_transition(
        agreement=tech,
        name="sign",
        actor=ctx["carl"],
        signed_by_name="Carl Conway",
        address="203.0.113.77",
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0",
        now=now,
    )

    # Fabrikam has no portal admin yet, so its agreement waits as a draft (send would say so).
    if "Fabrikam Software" in by_name:
        agreement_create(
            actor=manager,
            partner=by_name["Fabrikam Software"],
            kind="technology",
            title="Fabrikam technology partnership",
            start_date=today + timedelta(days=14),
            end_date=today + timedelta(days=14 + 730),
            notice_period_days=90,
            exit_clauses="90 days' notice; integrations stay supported for 12 months.",
        )
    if "Tailspin Toys" in by_name:
        agreement_create(
            actor=manager,
            partner=by_name["Tailspin Toys"],
            kind="referral",
            title="Tailspin referral agreement (draft)",
            start_date=today + timedelta(days=30),
            end_date=today + timedelta(days=30 + 365),
            notice_period_days=30,
        )
