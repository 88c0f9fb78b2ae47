"""Reads of the applications app: the questions asked, the queue, and what each application
may duplicate (a partner or an earlier application of the same registrable domain)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Prefetch, Q, QuerySet

from apps.deals.normalize import InvalidDomain, normalize_domain
from apps.partners.models import Partner

from .models import Application, ProfileChoice, ProfileQuestion


def asked_questions() -> list[ProfileQuestion]:
    """The questions on the form: asked ones that offer at least one answer, choices loaded."""
    questions = (
        ProfileQuestion.objects.filter(active=True, choices__isnull=False)
        .distinct()
        .order_by("order", "id")
        .prefetch_related(Prefetch("choices", ProfileChoice.objects.order_by("order", "id")))
    )
    return list(questions)


def all_questions() -> QuerySet[ProfileQuestion]:
    return ProfileQuestion.objects.order_by("order", "id").prefetch_related(
        Prefetch("choices", ProfileChoice.objects.order_by("order", "id"))
    )


def application_queue(status: str | None = None) -> QuerySet[Application]:
    qs = Application.objects.select_related("partner_type", "partner", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def _domain_of(website: str) -> str | None:
    try:
        return normalize_domain(website)
    except InvalidDomain:
        return None


def duplicates_for(applications: Sequence[Application]) -> dict[int, dict]:
    """For each application, {"partners": [...], "applications": [...]}: the partners whose
    website has the same registrable domain, and the other applications of that domain made
    before it. Two queries whatever the number of applications."""
    domains = {a.domain for a in applications if a.domain}
    found: dict[int, dict] = {a.pk: {"partners": [], "applications": []} for a in applications}
    if not domains:
        return found
    # The database narrows by substring; the registrable domain decides (notacme.com ≠ acme.com).
    near = Q()
    for domain in domains:
        near |= Q(website__icontains=domain)
    partners_by_domain: dict[str, list[Partner]] = defaultdict(list)
    for partner in Partner.objects.filter(near).only("id", "name", "website", "stage"):
        found_domain = _domain_of(partner.website)
        if found_domain is not None and found_domain in domains:
            partners_by_domain[found_domain].append(partner)
    earlier_by_domain: dict[str, list[Application]] = defaultdict(list)
    for other in (
        Application.objects.filter(domain__in=domains)
        .only("id", "company", "domain", "status", "created_at")
        .order_by("created_at", "id")
    ):
        earlier_by_domain[other.domain].append(other)
    for a in applications:
        found[a.pk]["partners"] = partners_by_domain.get(a.domain, [])
        found[a.pk]["applications"] = [
            o
            for o in earlier_by_domain.get(a.domain, [])
            if o.pk != a.pk and (o.created_at, o.pk) < (a.created_at, a.pk)
        ]
    return found
