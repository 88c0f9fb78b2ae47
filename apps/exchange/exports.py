"""What each export contains, with the same filters as the list it comes from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.core.filters import checked
from apps.core.params import query_id
from apps.deals.filters import portal_filter, review_queue_filter
from apps.enablement.selectors import adoption_opens
from apps.funds.selectors import batch_accruals
from apps.partners.filters import partner_list
from apps.people.selectors import visible_contacts
from apps.qbrs.filters import manager_list_filter

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


CONTACT_COLUMNS = [
    "id", "partner", "name", "email", "phone", "title", "roles", "notes", "portal_user",
]  # fmt: skip


ADOPTION_COLUMNS = [
    "day", "opened_at", "resource_id", "resource", "phase", "kind", "partner_id", "partner",
    "user",
]  # fmt: skip


@dataclass(frozen=True)
class ExportForm:
    """An export offered on the import/export page with its list's own filter controls."""

    title: str | Promise
    url_name: str
    form: forms.Form
    fields: tuple[str, ...]

    @property
    def bound_fields(self) -> list[forms.BoundField]:
        return [self.form[name] for name in self.fields]


def export_forms(user) -> list[ExportForm]:
    """The filter forms of the lists that export (the same FilterSets as the lists and their
    CSV), unbound but for the review queue's default (the waiting registrations); each form's
    ids are its own, since the page shows them side by side."""
    found = [
        ExportForm(
            _("Partners"),
            "exchange:partners_csv",
            partner_list(user, None).form,
            ("search", "stage", "partner_type", "tier", "manager", "sort"),
        ),
        ExportForm(
            _("Deal registrations"),
            "exchange:registrations_csv",
            review_queue_filter({"status": "all"}).form,
            ("status", "search"),
        ),
        ExportForm(
            _("QBRs"),
            "exchange:qbrs_csv",
            manager_list_filter(user, None, now=timezone.now()).form,
            ("status", "q"),
        ),
    ]
    for export in found:
        export.form.auto_id = f"{export.url_name.split(':')[1]}-%s"
    return found


def adoption_rows(user, params) -> Iterator[list]:
    """The library's adoption: every recorded open (one per person, resource and day), newest
    first; ?partner=<id>, ?resource=<id> and ?phase= narrow it as on the library pages."""
    for o in adoption_opens(params).iterator(chunk_size=CHUNK):
        yield [
            o.day,
            o.opened_at,
            o.resource_id,
            o.resource.title,
            o.resource.phase,
            o.resource.kind,
            o.partner_id,
            o.partner.name,
            o.user.username,
        ]


def contact_rows(user, params) -> Iterator[list]:
    """The contacts the user sees (staff: every partner's, or one's with ?partner=<id>; a partner
    admin: their own company's), by partner then name; the roles space-separated, as imported."""
    qs = visible_contacts(user).select_related("partner", "user").order_by("partner__name", "name")
    partner = query_id(params.get("partner"))
    if partner is not None:
        qs = qs.filter(partner_id=partner)
    for c in qs.iterator(chunk_size=CHUNK):
        yield [
            c.pk,
            c.partner.name,
            c.name,
            c.email,
            c.phone,
            c.title,
            " ".join(c.roles),
            c.notes,
            c.user.username if c.user else "",
        ]


def partner_rows(user, params) -> Iterator[list]:
    """The partners list's rows: its filters (search, stage, type, tier, manager) and sort. A
    value the list refuses is refused here, before a row is written (InvalidInput)."""
    return _partner_rows(checked(partner_list(user, params)))


def _partner_rows(qs) -> Iterator[list]:
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
    """Staff: the review queue's rows (status — the waiting ones when none is given —, partner,
    q) in its order. A partner user: their own company's, as their portal list shows them."""
    filters = review_queue_filter(params) if user.is_staff_role else portal_filter(user, params)
    return _rows(checked(filters), REGISTRATION_COLUMNS)


def _rows(qs, columns: list[str]) -> Iterator[list]:
    for r in qs.iterator(chunk_size=CHUNK):
        yield [getattr(r, c) if c != "partner" else r.partner.name for c in columns]


def qbr_rows(user, params) -> Iterator[list]:
    """The QBR list's rows: its filters (status incl. overdue, mine, q) in its order."""
    return _rows(checked(manager_list_filter(user, params, now=timezone.now())), QBR_COLUMNS)


PAYOUT_COLUMNS = [
    "batch", "period", "batch_status", "partner_id", "partner", "registration_id", "customer",
    "won_on", "tier", "rebate_percent", "won_value", "currency", "amount", "base_currency",
    "amount_base", "status", "paid_on", "payment_reference",
]  # fmt: skip


def payout_rows(batch) -> Iterator[list]:
    """A payout batch for the finance system: one row per accrual, ISO dates and plain numbers
    (an amount without a rate in force leaves `amount_base` empty)."""
    for a in batch_accruals(batch).iterator(chunk_size=CHUNK):
        yield [
            batch.pk,
            batch.name,
            batch.status,
            a.partner_id,
            a.partner.name,
            a.registration_id,
            a.registration.customer_name,
            a.won_on,
            a.tier_name,
            a.percent,
            a.won_value,
            a.currency,
            a.amount,
            a.base_currency,
            a.amount_base,
            a.status,
            batch.paid_on,
            batch.payment_reference,
        ]
