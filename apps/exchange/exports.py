"""What each export contains, with the same filters as the list it comes from."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from apps.deals.selectors import filter_registrations, registrations_for
from apps.partners import selectors as partner_selectors
from apps.partners.forms import PartnerFilterForm, staff_users
from apps.program.models import PartnerType, Tier
from apps.qbrs import selectors as qbr_selectors

CHUNK = 2000

PARTNER_COLUMNS = [
    "id", "name", "website", "partner_type", "tier", "manager", "stage", "stage_entered_at",
    "qualification_customer", "qualification_credibility", "qualification_capability",
    "qualification_commitment", "onboarding_due_date", "created_at",
]  # fmt: skip
REGISTRATION_COLUMNS = [
    "id", "partner", "status", "customer_name", "customer_domain", "customer_country",
    "contact_name", "contact_email", "product", "estimated_value", "currency",
    "expected_close_date", "description", "submitted_at", "reviewed_at", "approved_at",
    "expires_at", "extensions_used", "actual_value", "closed_at", "rejection_reason",
]  # fmt: skip
QBR_COLUMNS = [
    "id", "partner", "quarter", "scheduled_for", "status", "outcome", "satisfaction_score",
    "notes", "started_at", "completed_at",
]  # fmt: skip


def partner_rows(user, params) -> Iterator[list]:
    """The partners list's filters (search, stage, type, tier, manager, sort)."""
    form = PartnerFilterForm(
        params or None,
        types=PartnerType.objects.order_by("name"),
        tiers=Tier.objects.order_by("rank"),
        managers=staff_users(),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = partner_selectors.partner_list(
        user,
        search=filters.get("search", ""),
        stage=filters.get("stage", ""),
        partner_type=filters.get("partner_type", ""),
        tier=filters.get("tier"),
        manager=filters.get("manager"),
        sort=filters.get("sort") or "name",
    )
    for p in qs.iterator(chunk_size=CHUNK):
        yield [
            p.pk,
            p.name,
            p.website,
            p.partner_type.key if p.partner_type else "",
            p.tier.name if p.tier else "",
            p.manager.username if p.manager else "",
            p.stage,
            p.stage_entered_at,
            p.qualification_customer,
            p.qualification_credibility,
            p.qualification_capability,
            p.qualification_commitment,
            p.onboarding_due_date,
            p.created_at,
        ]


def registration_rows(user, params) -> Iterator[list]:
    """The review queue's filters (status, q, partner); a partner user's own company only."""
    qs = filter_registrations(registrations_for(user), params, staff=user.is_staff_role)
    for r in qs.order_by("-submitted_at", "-id").iterator(chunk_size=CHUNK):
        yield [getattr(r, c) if c != "partner" else r.partner.name for c in REGISTRATION_COLUMNS]


def qbr_rows(user, params) -> Iterator[list]:
    """The QBR list's filters (status incl. overdue, mine, q)."""
    qs = qbr_selectors.manager_list(
        now=timezone.now(),
        status=params.get("status", ""),
        mine_of=user if params.get("mine") == "1" else None,
        search=params.get("q", "")[:100],
    )
    for q in qs.iterator(chunk_size=CHUNK):
        yield [getattr(q, c) if c != "partner" else q.partner.name for c in QBR_COLUMNS]
