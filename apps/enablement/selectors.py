"""Reads of the library: what a caller may see (the audience rule, once), search, the starter
kit, adoption figures and the partner's documents."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, IntegerField, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Cast, NullIf, Round

from apps.core.params import query_id
from apps.partners.models import Partner, Task

from .models import (
    PHASE_OF_STAGE,
    SEARCH_CONFIG,
    Attempt,
    Certification,
    CertificationStatus,
    Choice,
    Course,
    Lesson,
    LibraryVisit,
    PartnerDocument,
    Phase,
    PlaybookLink,
    Question,
    Resource,
    ResourceOpen,
)


def audience_q(partner: Partner) -> Q:
    """The resources `partner`'s people may see: published, not vendor-only, and each audience
    rule either empty (everyone) or met by the partner."""
    return Q(published=True, internal=False) & audience_rules(partner)


def audience_rules(partner: Partner) -> Q:
    """The audience rules (partner types, stages, minimum tier) a resource or a course shares:
    each either empty (everyone) or met by the partner."""
    tier_rank = partner.tier.rank if partner.tier is not None else None
    q = Q()
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
        return resources_for(partner_of(user))
    return qs.none()


def resources_for(partner: Partner) -> QuerySet[Resource]:
    """The library as `partner`'s people see it (its audience rules)."""
    return Resource.objects.select_related("min_tier").filter(audience_q(partner))


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


# --- courses and certifications ----------------------------------------------------------------


def partner_of(user) -> Partner:
    """The user's partner with its type and tier, which the audience rules read — read here, not
    taken from `user.partner`: a user object kept across requests (an API client's) may carry
    a partner read before its tier or type changed."""
    return Partner.objects.select_related("partner_type", "tier").get(pk=user.partner_id)


def visible_courses(user) -> QuerySet[Course]:
    """Staff see every course, drafts included; a partner user the published courses its
    partner's audience allows (outside it: 404); anyone else none."""
    qs = Course.objects.select_related("min_tier")
    if user.is_staff_role:
        return qs
    if user.is_partner_user and user.partner_id is not None:
        return qs.filter(audience_rules(partner_of(user)), published=True)
    return qs.none()


def with_contents(qs: QuerySet[Course]) -> QuerySet[Course]:
    """A course with its lessons (and their resources) and questions (and their choices)."""
    return qs.prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.select_related("resource")),
        Prefetch(
            "questions",
            queryset=Question.objects.prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))
            ),
        ),
    )


def opened_lessons(user, course: Course) -> set[int]:
    """The resources of the course's lessons the person opened (a lesson is done once opened)."""
    return set(
        ResourceOpen.objects.filter(user=user, resource__lessons__course=course).values_list(
            "resource_id", flat=True
        )
    )


def attempts_of(user, course: Course) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user, course=course).order_by("-started_at", "-id")


def with_stats(qs: QuerySet[Course]) -> QuerySet[Course]:
    """Per course: people who finished an attempt, finished and passed attempts, and people
    certified now — completion is certified people over people who tried."""
    finished = Q(attempts__finished_at__isnull=False)
    return qs.annotate(
        people_tried=Count("attempts__user", filter=finished, distinct=True),
        attempts_finished=Count("attempts", filter=finished, distinct=True),
        attempts_passed=Count("attempts", filter=Q(attempts__passed=True), distinct=True),
        people_certified=Count(
            "certifications__user",
            filter=Q(certifications__status=CertificationStatus.ACTIVE),
            distinct=True,
        ),
    ).annotate(
        # percent, None (shown "—") while nobody has tried
        pass_rate=_percent("attempts_passed", "attempts_finished"),
        completion_rate=_percent("people_certified", "people_tried"),
    )


def _percent(part: str, whole: str):
    return Cast(
        Round(100.0 * F(part) / NullIf(F(whole), 0)),
        output_field=IntegerField(),
    )


def visible_certifications(user) -> QuerySet[Certification]:
    """Staff: every partner's; a partner user: its own partner's only; anyone else none."""
    qs = Certification.objects.select_related("user", "partner", "course")
    if user.is_staff_role:
        return qs
    if user.is_partner_user and user.partner_id is not None:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def certifications_of(partner: Partner) -> QuerySet[Certification]:
    return (
        Certification.objects.filter(partner=partner)
        .select_related("user", "course")
        .order_by("status", "expires_at", "id")
    )


def certified_people_by_partner(partner_ids=None) -> dict[int, int]:
    """{partner id: people with at least one active certification} (partners with none are
    left out). The partner health score and the tier requirement read this."""
    qs = Certification.objects.filter(status=CertificationStatus.ACTIVE)
    if partner_ids is not None:
        qs = qs.filter(partner_id__in=list(partner_ids))
    return dict(
        qs.values("partner_id")
        .annotate(people=Count("user", distinct=True))
        .values_list("partner_id", "people")
    )
