"""Reads on deal registrations: who sees which, conflicts, the review clock."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from apps.core.formatting import format_percent
from apps.program.models import ProgramSettings

from .models import (
    OPEN_STATUSES,
    UNDECIDED_STATUSES,
    DealRegistration,
    ExtensionRequest,
    RegistrationAttachment,
    RegistrationComment,
    RegistrationConflict,
    Status,
)

# Names at least this similar (pg_trgm similarity of the name keys) are shown as conflicts.
NAME_SIMILARITY = 0.5
DUE_SOON_FRACTION = 0.75


@dataclass(frozen=True)
class Conflict:
    registration: DealRegistration
    same_domain: bool
    similarity: float | None  # of the customer names, when they are similar

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.same_domain:
            out.append(_("same domain"))
        if self.similarity is not None:
            share = format_percent(self.similarity * 100)
            out.append(_("similar name (%(share)s)") % {"share": share})
        return out


def registrations_for(user) -> QuerySet[DealRegistration]:
    """What a user may see: everything for staff; their own company's for a partner user."""
    qs = DealRegistration.objects.select_related("partner", "submitted_by")
    if user.is_staff_role:
        return qs
    if user.is_partner_user:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


class PendingExtension(TypedDict):
    extension_pending: bool


def with_pending_extension(
    qs: QuerySet[DealRegistration],
) -> QuerySet[WithAnnotations[DealRegistration, PendingExtension]]:
    pending = ExtensionRequest.objects.filter(
        registration=OuterRef("pk"), status=ExtensionRequest.Decision.PENDING
    )
    return qs.annotate(extension_pending=Exists(pending))


# --- conflicts --------------------------------------------------------------------------------
def _similar_names(registrations: list[DealRegistration]) -> dict[int, dict[int, float]]:
    """{registration id: {other id: similarity}} for open registrations with similar names."""
    found: dict[int, dict[int, float]] = {r.pk: {} for r in registrations}
    if not registrations:
        return found
    # `%` is pg_trgm's indexed similarity operator (deal_name_trgm_idx); its threshold is
    # set to ours per connection (receivers.trigram_threshold), and checked again here in
    # case a connection did not get it. One branch per
    # key, each with the key as a constant: the planner can only estimate (and so choose)
    # the trigram index for a constant, not for a value joined in from elsewhere.
    branch = """
        (SELECT %s::bigint, id, similarity(customer_name_key, %s)
         FROM deals_dealregistration
         WHERE customer_name_key %% %s
           AND status IN ('submitted', 'info_requested', 'approved')
           AND id <> %s
           AND similarity(customer_name_key, %s) >= %s)
    """
    params: list = []
    for r in registrations:
        key = r.customer_name_key
        params += [r.pk, key, key, r.pk, key, NAME_SIMILARITY]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([branch] * len(registrations)), params)
        for a, b, score in cursor.fetchall():
            found[a][b] = float(score)
    return found


def conflicts_for(registrations) -> dict[int, list[Conflict]]:
    """Conflicts of each open registration, in two queries whatever their number.

    Another open (submitted or approved) registration conflicts when it has the same normalized
    domain or a similar customer name.
    """
    regs = [r for r in registrations if r.status in OPEN_STATUSES]
    result: dict[int, list[Conflict]] = {r.pk: [] for r in registrations}
    if not regs:
        return result
    names = _similar_names(regs)
    other_ids = {pk for scores in names.values() for pk in scores}
    domains = {r.customer_domain for r in regs}
    others = list(
        DealRegistration.objects.select_related("partner")
        .filter(Q(status__in=OPEN_STATUSES, customer_domain__in=domains) | Q(pk__in=other_ids))
        .order_by("submitted_at", "id")
    )
    for r in regs:
        for o in others:
            if o.pk == r.pk:
                continue
            same = o.customer_domain == r.customer_domain and o.status in OPEN_STATUSES
            score = names[r.pk].get(o.pk)
            if same or score is not None:
                result[r.pk].append(Conflict(o, same, score))
    return result


# --- stored conflicts (found on submission; what lists and the queue read) ---------------------
def _open_links(registrations):
    ids = [r.pk for r in registrations if r.status in OPEN_STATUSES]
    # A stored pair is a conflict while both sides are open: statuses never return to open.
    return ids, RegistrationConflict.objects.filter(
        registration_id__in=ids, other__status__in=OPEN_STATUSES
    )


# Lists show at most this many conflicts per row ("20+"): a row's cost is bounded however many
# registrations a customer has drawn. At 1,000,000 registrations the benchmark's program stores
# 14 million pairs (123 per open registration); counting them all cost 36 ms of the queue's 58.
LIST_CONFLICT_CAP = 20

_BOUNDED_COUNTS_SQL = """
SELECT r.id, (
    SELECT count(*) FROM (
        SELECT 1 FROM deals_registrationconflict c
        JOIN deals_dealregistration o ON o.id = c.other_id
        WHERE c.registration_id = r.id AND o.status IN ('submitted', 'approved')
        LIMIT %(limit)s
    ) found
)
FROM unnest(%(ids)s::bigint[]) AS r(id)
"""


def stored_conflict_counts(registrations, *, cap: int = LIST_CONFLICT_CAP) -> dict[int, int]:
    """{id: number of open registrations it conflicts with, counted up to cap + 1} in one
    query: a count above `cap` means "more than cap". Partner users' lists ask with cap=0 (they
    learn only whether there is one)."""
    registrations = list(registrations)
    result = {r.pk: 0 for r in registrations}
    ids, links = _open_links(registrations)
    if not ids:
        return result
    with connection.cursor() as cursor:
        cursor.execute(_BOUNDED_COUNTS_SQL, {"ids": ids, "limit": cap + 1})
        result.update(dict(cursor.fetchall()))
    return result


def stored_conflict_rows(registrations) -> dict[int, list[dict]]:
    """{id: [the conflicting registrations as API rows]}, in one query, oldest first."""
    registrations = list(registrations)
    result: dict[int, list[dict]] = {r.pk: [] for r in registrations}
    ids, links = _open_links(registrations)
    if not ids:
        return result
    rows = links.order_by("other__submitted_at", "other_id").values_list(
        "registration_id",
        "other_id",
        "other__partner_id",
        "other__partner__name",
        "other__customer_name",
        "other__customer_domain",
        "other__status",
        "same_domain",
        "similarity",
    )
    for reg_id, pk, partner, partner_name, name, domain, status, same, score in rows:
        result[reg_id].append(
            conflict_row(
                pk=pk,
                partner=partner,
                partner_name=partner_name,
                name=name,
                domain=domain,
                status=status,
                same=same,
                score=score,
            )
        )
    return result


def conflict_row(*, pk, partner, partner_name, name, domain, status, same, score) -> dict:
    return {
        "id": pk,
        "partner": partner,
        "partner_name": partner_name,
        "customer_name": name,
        "customer_domain": domain,
        "status": status,
        "same_domain": same,
        "similarity": round(score, 3) if score is not None else None,
    }


def partner_told_of_conflict(
    registration: DealRegistration, conflicts: Collection[object] | int
) -> bool:
    """What a partner user learns: only while their registration waits for review, and only that
    the customer is already registered or protected. The holder of a protection is not told
    that someone else has since registered the customer."""
    return registration.status in UNDECIDED_STATUSES and bool(conflicts)  # a list or a count


def find_conflicts(registration: DealRegistration) -> list[Conflict]:
    return conflicts_for([registration])[registration.pk]


def domain_standing(domain: str) -> str | None:
    """'protected' / 'registered' / None for a normalized domain — never by whom."""
    states = set(
        DealRegistration.objects.filter(
            customer_domain=domain, status__in=OPEN_STATUSES
        ).values_list("status", flat=True)[:5]
    )
    if Status.APPROVED in states:
        return "protected"
    if states & set(UNDECIDED_STATUSES):
        return "registered"
    return None


def own_open_registration(partner_id: int, domain: str) -> int | None:
    """The id of the partner's own open registration of this customer, if it holds one (the
    same rule as the 409 duplicate_registration): what the portal form links while typing."""
    return (
        DealRegistration.objects.filter(
            partner_id=partner_id, customer_domain=domain, status__in=OPEN_STATUSES
        )
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)
        .first()
    )


# --- the review clock -------------------------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    waited: timedelta
    state: str  # on_time / due_soon / breached / paused / decided
    label: str

    @property
    def hours(self) -> int:
        return int(self.waited.total_seconds() // 3600)


def review_clock(registration: DealRegistration, now: datetime, sla_hours: int) -> Clock:
    waited = registration.waiting(now)
    if registration.status == Status.INFO_REQUESTED:  # stopped while the partner is asked
        return Clock(waited, "paused", "waiting on partner")
    if registration.status != Status.SUBMITTED:
        return Clock(waited, "decided", "decided")
    sla = timedelta(hours=sla_hours)
    if waited >= sla:
        return Clock(waited, "breached", "SLA breached")
    if waited >= sla * DUE_SOON_FRACTION:
        return Clock(waited, "due_soon", "due soon")
    return Clock(waited, "on_time", "on time")


def sla_hours() -> int:
    return ProgramSettings.get().review_sla_hours


def status_counts(qs) -> dict[str, int]:
    rows = qs.order_by().values("status").annotate(n=Count("id"))
    counts = {s.value: 0 for s in Status}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


# --- the conversation -------------------------------------------------------------------------
def comments_visible_to(registration: DealRegistration, user) -> QuerySet[RegistrationComment]:
    """The registration's conversation as `user` may read it: staff read the internal notes too,
    a partner user only the shared comments. The caller has already checked that the user sees
    the registration (registrations_for)."""
    qs = RegistrationComment.objects.filter(registration=registration).select_related("author")
    if not user.is_staff_role:
        qs = qs.filter(internal=False)
    return qs.order_by("created_at", "id")


def attachments_of(registration: DealRegistration) -> QuerySet[RegistrationAttachment]:
    """Everyone who sees the registration sees its files."""
    return (
        RegistrationAttachment.objects.filter(registration=registration)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )
