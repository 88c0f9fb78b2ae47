"""Reads of the library: what a caller may see (the audience rule, once), search, the starter
kit, adoption figures and the partner's documents."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, Max, Q, QuerySet

from apps.core.params import query_id
from apps.partners.models import Partner, Task

from .models import (
    PHASE_OF_STAGE,
    SEARCH_CONFIG,
    LibraryVisit,
    PartnerDocument,
    Phase,
    PlaybookLink,
    Resource,
    ResourceOpen,
)


def audience_q(partner: Partner) -> Q:
    """The resources `partner`'s people may see: published, not vendor-only, and each audience
    rule either empty (everyone) or met by the partner."""
    tier_rank = partner.tier.rank if partner.tier is not None else None
    q = Q(published=True, internal=False)
    if partner.partner_type is None:
        q &= Q(partner_types=[])
    else:
        q &= Q(partner_types=[]) | Q(partner_types__contains=[partner.partner_type.key])
    q &= Q(stages=[]) | Q(stages__contains=[partner.stage])
    if tier_rank is None:
        q &= Q(min_tier__isnull=True)
    else:
        q &= Q(min_tier__isnull=True) | Q(min_tier__rank__lte=tier_rank)
    return q


def visible_resources(user) -> QuerySet[Resource]:
    """Staff see the whole library, drafts included; a partner user what its partner's
    audience allows; anyone else nothing. Outside it a resource answers 404."""
    qs = Resource.objects.select_related("min_tier")
    if user.is_staff_role:
        return qs
    if user.is_partner_user and user.partner_id is not None:
        partner = Partner.objects.select_related("partner_type", "tier").get(pk=user.partner_id)
        return qs.filter(audience_q(partner))
    return qs.none()


def search(qs: QuerySet[Resource], text: str) -> QuerySet[Resource]:
    """Ranked full-text search over title, summary and body (the stored `search` column)."""
    if not text:
        return qs
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        qs.filter(search=query)
        .annotate(rank=SearchRank(F("search"), query))
        .order_by("-rank", "title", "id")
    )


def starter_kit(partner: Partner) -> QuerySet[Resource]:
    """The resources of the partner's current stage, as its audience allows."""
    phase = PHASE_OF_STAGE.get(partner.stage)
    return (
        Resource.objects.filter(audience_q(partner), phase=phase)
        .select_related("min_tier")
        .order_by("kind", "title", "id")
    )


def new_since(qs: QuerySet[Resource], since: datetime | None) -> QuerySet[Resource]:
    if since is None:
        return qs.none()
    return qs.filter(published_at__gt=since).order_by("-published_at", "id")


# --- adoption ----------------------------------------------------------------------------------

ADOPTION = {
    "open_count": Count("opens"),
    "people_count": Count("opens__user", distinct=True),
    "partner_count": Count("opens__partner", distinct=True),
    "last_opened": Max("opens__opened_at"),
}


def adoption(resource: Resource) -> dict:
    """Opens (one per person per day), distinct people and partners, the last open."""
    return ResourceOpen.objects.filter(resource=resource).aggregate(
        opens=Count("id"),
        people=Count("user", distinct=True),
        partners=Count("partner", distinct=True),
        last_opened=Max("opened_at"),
    )


def with_adoption(qs: QuerySet[Resource]) -> QuerySet[Resource]:
    return qs.annotate(**ADOPTION)


def adoption_by_partner(resource: Resource) -> QuerySet:
    return (
        ResourceOpen.objects.filter(resource=resource)
        .values("partner_id", "partner__name")
        .annotate(opens=Count("id"), people=Count("user", distinct=True), last=Max("opened_at"))
        .order_by("-last")
    )


def adoption_by_phase() -> QuerySet:
    return (
        ResourceOpen.objects.values("resource__phase")
        .annotate(
            opens=Count("id"),
            people=Count("user", distinct=True),
            partners=Count("partner", distinct=True),
        )
        .order_by("resource__phase")
    )


def opens_of_partner(partner: Partner) -> QuerySet:
    """What a partner's people opened: per resource and person, with the last day."""
    return (
        ResourceOpen.objects.filter(partner=partner)
        .values("resource_id", "resource__title", "user_id", "user__username")
        .annotate(opens=Count("id"), last=Max("opened_at"))
        .order_by("-last")
    )


def open_rows(qs: QuerySet[ResourceOpen]) -> QuerySet[ResourceOpen]:
    return qs.select_related("resource", "partner", "user").order_by("-opened_at", "id")


# --- documents and playbook links --------------------------------------------------------------


def documents_of(partner: Partner) -> QuerySet[PartnerDocument]:
    return PartnerDocument.objects.filter(partner=partner).select_related("source")


def visible_documents(user) -> QuerySet[PartnerDocument]:
    """Staff: every partner's; a partner user: its own partner's shared documents only."""
    qs = PartnerDocument.objects.select_related("partner", "source")
    if user.is_staff_role:
        return qs
    if user.is_partner_user and user.partner_id is not None:
        return qs.filter(partner_id=user.partner_id, shared_with_partner=True)
    return qs.none()


def stage_templates(partner: Partner) -> list[PlaybookLink]:
    """The chain of templates the partner's current stage walks through."""
    return list(
        PlaybookLink.objects.filter(stage=partner.stage).select_related("resource", "task_template")
    )


def task_templates(partner: Partner, links: list[PlaybookLink]) -> list[dict]:
    """The partner's open tasks of this stage visit whose playbook task links a template.
    A task keeps no reference to its playbook template, only its stage and title (copied when
    the stage began), so a task is matched to its template by those."""
    by_title = {
        link.task_template.title: link.resource for link in links if link.task_template is not None
    }
    if not by_title:
        return []
    tasks = Task.objects.filter(
        partner=partner,
        stage=partner.stage,
        stage_visit=partner.stage_entered_at,
        title__in=list(by_title),
    ).order_by("order", "id")
    return [{"task": task, "resource": by_title[task.title]} for task in tasks]


def adoption_opens(params) -> QuerySet[ResourceOpen]:
    """Every recorded open for the adoption export, narrowed by ?partner=, ?resource=, ?phase=
    (values that do not parse narrow nothing, as the lists' filters do)."""
    qs = open_rows(ResourceOpen.objects.all())
    partner = query_id(params.get("partner"))
    if partner is not None:
        qs = qs.filter(partner_id=partner)
    resource = query_id(params.get("resource"))
    if resource is not None:
        qs = qs.filter(resource_id=resource)
    phase = params.get("phase")
    if phase in Phase.values:
        qs = qs.filter(resource__phase=phase)
    return qs


def last_library_visit(user) -> datetime | None:
    """When the person last looked at the library (read only: the portal home shows what is new
    since then without ending the visit)."""
    return LibraryVisit.objects.filter(user=user).values_list("seen_at", flat=True).first()
