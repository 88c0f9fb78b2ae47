"""Demo agreements beyond the signed ones the partners demo made: some to sign, a draft."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.agreements.services import agreement_create, agreement_transition


def seed(ctx: dict) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    manager = ctx["manager"]
    by_name = {p.name: p for p in ctx.get("partners", [])}

    nda = agreement_create(
        actor=manager,
        partner=ctx["northwind"],
        kind="nda",
        title="Mutual NDA for the 2027 roadmap briefing",
        start_date=today,
        end_date=today + timedelta(days=365 * 2),
        notice_period_days=30,
        exit_clauses="Confidentiality survives termination for three years.",
    )
    agreement_transition(agreement=nda, name="send", actor=manager, now=now - timedelta(days=2))

    if "Fabrikam Software" in by_name:
        mou = agreement_create(
            actor=manager,
            partner=by_name["Fabrikam Software"],
            kind="technology",
            title="Fabrikam technology partnership",
            start_date=today + timedelta(days=14),
            end_date=today + timedelta(days=14 + 730),
            notice_period_days=90,
            exit_clauses="90 days' notice; integrations stay supported for 12 months.",
        )
        agreement_transition(agreement=mou, name="send", actor=manager, now=now)
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
