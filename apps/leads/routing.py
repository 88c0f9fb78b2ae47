"""Choosing the partner for a lead (DESIGN.md section 17). Pure reads: services.lead_route
writes what this decides.

A partner is eligible for a lead when it is in an active stage, has not rejected the lead or let
it lapse before, and holds fewer open (assigned or accepted) leads than the cap. The active rules
are tried by priority; the first with an eligible partner matching all its conditions wins, and
among its matches the partner furthest behind its share goes next: a weighted round robin whose
weight is the partner's tier rank (1 without a tier), counting the leads the rule gave each.
Both counts (open leads, leads the rule gave) are read from the tables loads.py keeps, joined,
not counted per partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.partners.models import ACTIVE_STAGES, Partner

from .models import NEVER_AGAIN, Assignment, Lead, LeadSettings, RoutingRule


@dataclass
class Choice:
    partner: Partner
    rule: RoutingRule | None
    explanation: str


@dataclass
class Candidate:
    partner: Partner
    weight: int
    received: int
    open_leads: int
    facts: list[str] = field(default_factory=list)


def excluded_partner_ids(lead: Lead) -> set[int]:
    """Partners that rejected this lead or let it lapse: never again for it."""
    return set(
        Assignment.objects.filter(lead=lead, outcome__in=NEVER_AGAIN).values_list(
            "partner_id", flat=True
        )
    )


def _unfolded(which: Q):
    """The partner's count changes not yet folded into its row (loads.py): few, summed over one
    join. The statement is grouped by partner, so its row (one per partner) is read as Max()."""
    return Coalesce(Sum("lead_count_changes__n", filter=which), Value(0))


def _open_leads():
    """The partner's open leads, as loads.py keeps them (not counted from its leads)."""
    return Coalesce(Max("lead_load__open_leads"), Value(0)) + _unfolded(
        Q(lead_count_changes__rule_id__isnull=True)
    )


def eligible_partners(lead: Lead, *, cap: int, excluded: set[int]) -> QuerySet[Partner]:
    """Active partners under the cap that never refused or let this lead lapse."""
    return (
        Partner.objects.filter(stage__in=ACTIVE_STAGES)
        .exclude(pk__in=excluded)
        .annotate(open_leads=_open_leads())
        .filter(open_leads__lt=cap)
    )


def rule_matches(rule: RoutingRule, lead: Lead, type_ids: set[int]) -> Q:
    """The rule's conditions on partners, for this lead; an empty condition matches all."""
    q = Q()
    if rule.countries:
        if lead.country not in rule.countries:
            return Q(pk__in=[])  # the lead is outside the rule
        q &= Q(countries__contains=[lead.country])
    if type_ids:
        q &= Q(partner_type_id__in=type_ids)
    if rule.specializations:
        q &= Q(specializations__overlap=list(rule.specializations))
    if rule.min_tier is not None:
        q &= Q(tier__rank__gte=rule.min_tier.rank)
    return q


def _with_share(partners: QuerySet[Partner], rule: RoutingRule) -> QuerySet[Partner]:
    """`_share`: the rule's kept count for each partner (loads.py), joined; read `received`."""
    return partners.annotate(
        _share=FilteredRelation("lead_rule_shares", condition=Q(lead_rule_shares__rule=rule))
    )


def _received(rule: RoutingRule):
    """What the rule gave the partner, as loads.py keeps it: annotate `_share` first."""
    return Coalesce(Max("_share__received"), Value(0)) + _unfolded(
        Q(lead_count_changes__rule_id=rule.pk)
    )


def weight_of(partner: Partner) -> int:
    return max(partner.tier.rank, 1) if partner.tier_id is not None and partner.tier else 1


def _weight():
    """weight_of, in SQL."""
    return Greatest(Coalesce(F("tier__rank"), Value(1)), Value(1))


def _describe_rule(rule: RoutingRule, lead: Lead, type_names: list[str]) -> str:
    parts = []
    if rule.countries:
        parts.append(_("serves %(country)s") % {"country": lead.country})
    if type_names:
        parts.append(_("type %(types)s") % {"types": " / ".join(type_names)})
    if rule.specializations:
        parts.append(
            _("specializes in %(specializations)s")
            % {"specializations": " / ".join(rule.specializations)}
        )
    if rule.min_tier is not None:
        parts.append(_("tier %(tier)s or higher") % {"tier": rule.min_tier.name})
    return "; ".join(parts) or _("no conditions")


def choose(lead: Lead, *, settings: LeadSettings | None = None) -> Choice | None:
    """The partner the lead goes to next and why, or None: no active match (a manager decides)."""
    settings = settings or LeadSettings.get()
    excluded = excluded_partner_ids(lead)
    base = eligible_partners(lead, cap=settings.open_leads_cap, excluded=excluded)
    refused = (
        " "
        + ngettext(
            "Never offered again to %(count)d partner that rejected it or let it lapse.",
            "Never offered again to %(count)d partners that rejected it or let it lapse.",
            len(excluded),
        )
        % {"count": len(excluded)}
        if excluded
        else ""
    )
    requested = lead.requested_partner_id
    if requested is not None:
        partner = base.filter(pk=requested).select_related("tier").first()
        if partner is not None:
            return Choice(
                partner,
                None,
                _(
                    "The customer asked for %(partner)s in the partner locator; it is active "
                    "and holds %(open)d of at most %(cap)d open leads."
                )
                % {
                    "partner": partner.name,
                    "open": partner.open_leads,  # type: ignore[attr-defined]
                    "cap": settings.open_leads_cap,
                }
                + refused,
            )
    rules = (
        RoutingRule.objects.filter(active=True)
        .select_related("min_tier")
        .prefetch_related("partner_types")
    )
    for rule in rules:
        types = list(rule.partner_types.all())
        matching = base.filter(rule_matches(rule, lead, {t.pk for t in types}))
        # Smooth weighted round robin, picked by PostgreSQL (no partner list in Python, whatever
        # the program's size): the one whose next lead brings it least past its share, then the
        # fewest received, then the oldest id. The share is a float8 division, exact for the
        # order (correctly rounded: equal fractions give equal floats).
        partner = (
            _with_share(matching, rule)
            .annotate(received=_received(rule), weight=_weight())
            .annotate(
                share=ExpressionWrapper(
                    Cast(F("received") + 1, FloatField()) / Cast(F("weight"), FloatField()),
                    output_field=FloatField(),
                ),
                # How many matched, counted by the same statement before its LIMIT (a second
                # COUNT would evaluate every partner's open leads again).
                matched=Window(Count("pk")),
            )
            .select_related("tier")
            .order_by("share", "received", "pk")
            .first()
        )
        if partner is None:
            continue
        chosen = Candidate(
            partner,
            partner.weight,
            partner.received,
            partner.open_leads,  # type: ignore[attr-defined]
        )
        count = partner.matched
        explanation = _(
            "Rule “%(rule)s” (priority %(priority)d: %(conditions)s) matched %(count)d eligible "
            "partner(s). Weighted round robin: %(partner)s has weight %(weight)d (tier rank) and "
            "had received %(received)d lead(s) from this rule; it holds %(open)d of at most "
            "%(cap)d open leads."
        ) % {
            "rule": rule.name,
            "priority": rule.priority,
            "conditions": _describe_rule(rule, lead, [t.name for t in types]),
            "count": count,
            "partner": chosen.partner.name,
            "weight": chosen.weight,
            "received": chosen.received,
            "open": chosen.open_leads,
            "cap": settings.open_leads_cap,
        }
        return Choice(chosen.partner, rule, explanation + refused)
    return None
