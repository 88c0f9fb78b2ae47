"""Writes of the leads app: the only code that creates leads, routes them and moves them through
their machine. Every change of a lead takes its row lock first (select_for_update), so a partner
accepting at the moment the acceptance sweep recalls gets one outcome, never both."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.audiences import partner_users, vendor_side
from apps.core import extra_fields, transitions
from apps.core.access import PARTNER_ROLE_REFUSED, WORKS_LEADS, partner_role_allows
from apps.core.errors import DomainError, InvalidInput, NotPermitted, TransitionNotAllowed
from apps.core.formatting import format_number
from apps.core.numbers import NumberError, parse_decimal
from apps.deals.normalize import InvalidDomain, normalize_domain
from apps.deals.services import EXTENDED as REGISTRATION
from apps.deals.services import registration_create
from apps.notifications.services import Text, notify
from apps.partners.models import Partner

from . import routing
from .models import (
    Assignment,
    Lead,
    LeadSettings,
    Outcome,
    RejectReason,
    Source,
    Status,
)

CREATE_FIELDS = (
    "company",
    "domain",
    "country",
    "contact_name",
    "contact_email",
    "product",
    "description",
    "estimated_value",
    "currency",
)
MAX_NOTE = 2000
# What `apps.core.extra_fields` calls a lead.
EXTENDED = "leads.lead"
# Sources a visitor (no user) may create leads from.
PUBLIC_SOURCES = (Source.LOCATOR, Source.WEB)


def portal_link(lead: Lead) -> str:
    return f"/portal/leads/{lead.pk}/"


def manager_link(lead: Lead) -> str:
    return f"/leads/{lead.pk}/"


def status_label(status: str) -> str:
    return transitions.state_label(Lead, "status", status)


# --- input -------------------------------------------------------------------------------------


def _texts(data: Mapping, errors: dict) -> dict[str, Any]:
    """The creation fields trimmed, codes upper-cased, e-mail lower-cased; no checks yet."""
    cleaned: dict[str, Any] = {}
    for key in CREATE_FIELDS:
        value = data.get(key)
        if value is None and key != "estimated_value":
            value = ""
        if isinstance(value, str):
            value = value.strip()
        elif key != "estimated_value":
            errors[key] = [_("Enter text.")]
        cleaned[key] = value
    for key in ("country", "currency"):
        cleaned[key] = str(cleaned[key]).upper()
    cleaned["contact_email"] = str(cleaned["contact_email"]).lower()
    return cleaned


def _convert(cleaned: dict[str, Any], errors: dict) -> None:
    """The domain made registrable and the value a Decimal, in place."""
    if "domain" not in errors:
        # A lead without a website is known by its contact's e-mail domain.
        try:
            cleaned["domain"] = normalize_domain(cleaned["domain"] or cleaned["contact_email"])
        except InvalidDomain as exc:
            errors["domain"] = [str(exc)]
    value = cleaned["estimated_value"]
    if value in ("", None):
        cleaned["estimated_value"] = None
    elif not isinstance(value, Decimal):
        try:
            cleaned["estimated_value"] = parse_decimal(str(value))
        except NumberError as exc:
            errors["estimated_value"] = [str(exc)]
    if cleaned["estimated_value"] is not None and not cleaned["currency"]:
        errors.setdefault("currency", []).append(_("Give the value's currency."))


def lead_validate(data: Mapping) -> dict[str, Any]:
    """Check and normalize a lead's creation input (form, API, import, locator); raises
    InvalidInput({field: [messages]})."""
    errors: dict[str, list[str]] = {}
    cleaned = _texts(data, errors)
    _convert(cleaned, errors)
    probe = Lead(**{k: v for k, v in cleaned.items() if k not in errors}, source=Source.MANUAL)
    try:
        probe.full_clean(exclude=["status", "partner", *errors], validate_constraints=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise InvalidInput(errors)
    cleaned.update({k: getattr(probe, k) for k in CREATE_FIELDS})
    return cleaned


def _locked(lead: Lead) -> Lead:
    """The lead's row, locked until the transaction ends, read afresh."""
    fresh = Lead.objects.select_for_update().get(pk=lead.pk)
    lead.__dict__.update(fresh.__dict__)
    return lead


# --- create and route --------------------------------------------------------------------------


def lead_create(
    *,
    data: Mapping,
    source: str,
    actor=None,
    requested_partner: Partner | None = None,
    route: bool = False,
    now: datetime | None = None,
) -> Lead:
    """Create a lead from `data` (CREATE_FIELDS); `route` routes it at once.

    `actor` is a manager or admin, or None for a visitor's lead (source locator or web).
    `requested_partner`: the partner a locator visitor asked for; routing offers it first.
    Raises InvalidInput (400) and NotPermitted (403)."""
    now = now or timezone.now()
    if source not in Source.values:
        raise InvalidInput({"source": [_("Unknown source.")]})
    if actor is None:
        if source not in PUBLIC_SOURCES:
            raise NotPermitted()
    elif not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins add leads."))
    cleaned = lead_validate(data)
    with transaction.atomic():
        lead = Lead.objects.create(
            **cleaned,
            source=source,
            requested_partner=requested_partner,
            created_by=actor,
            created_at=now,
        )
        # What the apps above add to a lead (funds: the fund request that produced it).
        extra_fields.save(EXTENDED, lead, data, partner_id=None, actor=actor)
        if route or requested_partner is not None:
            lead_route(lead=lead, now=now, actor=actor)
    return lead


def lead_route(*, lead: Lead, now: datetime, actor=None) -> Assignment | None:
    """Give a waiting lead (new, rejected by a partner, recalled) to the partner routing chooses
    (routing.choose), with the explanation stored on the assignment; None when no active partner
    matches: the lead stays where it is for a manager. A lead not waiting is left alone."""
    with transaction.atomic():
        lead = _locked(lead)
        if lead.status not in (Status.NEW, Status.REJECTED_BY_PARTNER, Status.RECALLED):
            return None
        choice = routing.choose(lead)
        if choice is None:
            return None
        return _assign(
            lead,
            choice.partner,
            now=now,
            actor=actor,
            rule=choice.rule,
            explanation=choice.explanation,
        )


def lead_assign(*, lead: Lead, partner: Partner, actor, now: datetime | None = None) -> Assignment:
    """A manager gives the lead to a partner by hand (it must be active and never have refused
    or let this lead lapse)."""
    now = now or timezone.now()
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins assign leads."))
    with transaction.atomic():
        lead = _locked(lead)
        _require_transition(lead, "assign")
        if not partner.is_active_partner:
            raise DomainError(
                _("%(partner)s is not an active partner.") % {"partner": partner.name},
                code="partner_inactive",
            )
        if partner.pk in routing.excluded_partner_ids(lead):
            raise DomainError(
                _(
                    "%(partner)s rejected this lead or let it lapse: it is not offered to them "
                    "again."
                )
                % {"partner": partner.name},
                code="conditions_unmet",
                unmet=[_("The partner rejected this lead or let it lapse before.")],
            )
        who = actor.get_full_name() or actor.username
        return _assign(
            lead,
            partner,
            now=now,
            actor=actor,
            rule=None,
            explanation=_("Assigned by hand by %(who)s.") % {"who": who},
        )


def _assign(lead: Lead, partner: Partner, *, now, actor, rule, explanation: str) -> Assignment:
    hours = LeadSettings.get().acceptance_hours
    accept_by = now + timedelta(hours=hours)
    transitions.apply(
        lead, "status", "assign", status_label, partner=partner, now=now, accept_by=accept_by
    )
    assignment = Assignment.objects.create(
        lead=lead,
        partner=partner,
        rule=rule,
        assigned_by=actor,
        explanation=explanation,
        assigned_at=now,
        accept_by=accept_by,
    )
    notify(
        recipients=[u for u in partner_users(partner.pk) if partner_role_allows(u, WORKS_LEADS)],
        kind="lead-assigned",
        subject=Text(
            gettext_noop("New lead: %(company)s — accept it within %(hours)d hours"),
            {"company": lead.company, "hours": hours},
        ),
        body=Text(
            gettext_noop("A lead from %(country)s waits in your lead inbox."),
            {"country": lead.country},
        ),
        key=f"lead-assigned:{assignment.pk}",
        link=portal_link(lead),
    )
    return assignment


def _require_transition(lead: Lead, name: str) -> None:
    if name not in transitions.from_current_state(lead, "status"):
        raise TransitionNotAllowed(
            _("“%(name)s” is not possible while the lead is %(status)s.")
            % {"name": name.replace("_", " "), "status": status_label(lead.status)}
        )


def _pending(lead: Lead) -> Assignment | None:
    return Assignment.objects.filter(lead=lead, outcome=Outcome.PENDING).first()


def _end_assignment(lead: Lead, outcome: str, *, now, actor, **extra) -> Assignment | None:
    assignment = _pending(lead)
    if assignment is not None:
        assignment.outcome = outcome
        assignment.ended_at = now
        assignment.ended_by = actor
        for key, value in extra.items():
            setattr(assignment, key, value)
        assignment.save()
    return assignment


def _partner_actor(lead: Lead, actor) -> None:
    """Only the users of the partner the lead is with, in a role that works leads."""
    if not actor.is_partner_user or actor.partner_id != lead.partner_id:
        raise NotPermitted(_("Only the partner the lead is assigned to may do this."))
    if not partner_role_allows(actor, WORKS_LEADS):
        raise NotPermitted(PARTNER_ROLE_REFUSED)


# --- the partner's answers ---------------------------------------------------------------------


def lead_accept(*, lead: Lead, actor, now: datetime | None = None) -> Lead:
    now = now or timezone.now()
    with transaction.atomic():
        lead = _locked(lead)
        _partner_actor(lead, actor)
        transitions.apply(lead, "status", "accept", status_label, user=actor, now=now)
        _end_assignment(lead, Outcome.ACCEPTED, now=now, actor=actor)
        partner = cast(Partner, lead.partner)  # accepted: with a partner
        notify(
            recipients=vendor_side(partner),
            kind="lead-accepted",
            subject=Text(
                gettext_noop("%(partner)s accepted the lead %(company)s"),
                {"partner": partner.name, "company": lead.company},
            ),
            body=Text(
                gettext_noop(
                    "%(partner)s accepted the lead %(company)s and now sees its contact details."
                ),
                {"partner": partner.name, "company": lead.company},
            ),
            key=f"lead-accepted:{lead.pk}:{now.isoformat()}",
            link=manager_link(lead),
        )
    return lead


def lead_reject(
    *,
    lead: Lead,
    actor,
    reason: RejectReason | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Lead:
    """The partner turns the lead down (a reason from the list, or its words, or both); it is
    never offered to that partner again and is routed to the next at once."""
    now = now or timezone.now()
    note = (note or "").strip()
    if reason is None and not note:
        raise InvalidInput({"reason": [_("Pick a reason or say why.")]})
    if len(note) > MAX_NOTE or "\x00" in note:
        raise InvalidInput(
            {"note": [_("Keep it under %(max)s characters.") % {"max": format_number(MAX_NOTE)}]}
        )
    with transaction.atomic():
        lead = _locked(lead)
        _partner_actor(lead, actor)
        transitions.apply(lead, "status", "reject", status_label, user=actor, now=now)
        _end_assignment(
            lead, Outcome.REJECTED, now=now, actor=actor, reject_reason=reason, note=note
        )
        lead_route(lead=lead, now=now)
    return lead


# --- the vendor's moves ------------------------------------------------------------------------


def lead_recall(*, lead: Lead, actor, now: datetime | None = None, reroute: bool = False) -> Lead:
    """A manager takes an assigned lead back (not a lapse: the partner may get it again);
    `reroute` routes it again at once."""
    now = now or timezone.now()
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins recall leads."))
    with transaction.atomic():
        lead = _locked(lead)
        transitions.apply(lead, "status", "recall", status_label, user=actor, now=now)
        _end_assignment(lead, Outcome.RECALLED, now=now, actor=actor)
        if reroute:
            lead_route(lead=lead, now=now, actor=actor)
    return lead


def lead_lapse(*, lead: Lead, now: datetime, reroute: bool) -> bool:
    """The acceptance sweep: a lead still assigned at its deadline is recalled (the partner let
    it lapse: never again for it) and routed again when `reroute`. False when the lead moved on
    meanwhile (accepted, rejected): the partner's answer won the race."""
    with transaction.atomic():
        lead = _locked(lead)
        if lead.status != Status.ASSIGNED or lead.accept_by is None or lead.accept_by > now:
            return False
        partner = lead.partner
        transitions.apply(lead, "status", "recall", status_label, now=now)
        _end_assignment(lead, Outcome.LAPSED, now=now, actor=None)
        if partner is not None:
            notify(
                recipients=[
                    u for u in partner_users(partner.pk) if partner_role_allows(u, WORKS_LEADS)
                ],
                kind="lead-lapsed",
                subject=Text(
                    gettext_noop(
                        "The lead %(company)s went to another partner: its deadline passed"
                    ),
                    {"company": lead.company},
                ),
                body=Text(
                    gettext_noop(
                        "The time to accept the lead %(company)s passed without an answer, so it "
                        "was offered to another partner."
                    ),
                    {"company": lead.company},
                ),
                key=f"lead-lapsed:{lead.pk}:{partner.pk}",
                link="/portal/leads/",
            )
        routed = lead_route(lead=lead, now=now) if reroute else None
        if routed is None and partner is not None:
            notify(
                recipients=vendor_side(partner),
                kind="lead-unrouted",
                subject=Text(
                    gettext_noop("The lead %(company)s needs a partner"), {"company": lead.company}
                ),
                body=Text(
                    gettext_noop("%(partner)s let it lapse and no other partner matches."),
                    {"partner": partner.name},
                ),
                key=f"lead-unrouted:{lead.pk}:{now.isoformat()}",
                link=manager_link(lead),
            )
    return True


def lead_remind(*, lead: Lead, now: datetime) -> bool:
    """Half-way through the acceptance window: remind the partner once."""
    with transaction.atomic():
        lead = _locked(lead)
        if lead.status != Status.ASSIGNED or lead.reminded or lead.remind_at is None:
            return False
        if lead.remind_at > now or lead.partner_id is None or lead.assigned_at is None:
            return False
        Lead.objects.filter(pk=lead.pk).update(reminded=True, clock_due_at=lead.accept_by)
        lead.reminded, lead.clock_due_at = True, lead.accept_by
        notify(
            recipients=[
                u for u in partner_users(lead.partner_id) if partner_role_allows(u, WORKS_LEADS)
            ],
            kind="lead-reminder",
            subject=Text(
                gettext_noop("Half the time to accept the lead %(company)s has passed"),
                {"company": lead.company},
            ),
            body=Text(
                gettext_noop(
                    "Accept or reject it before %(deadline)s, or it goes to another partner."
                ),
                {"deadline": lead.accept_by},
            ),
            key=f"lead-reminder:{lead.pk}:{lead.assigned_at.isoformat()}",
            link=portal_link(lead),
        )
    return True


def lead_close(*, lead: Lead, actor, reason: str = "", now: datetime | None = None) -> Lead:
    now = now or timezone.now()
    if actor is not None and not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins close leads."))
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE or "\x00" in reason:
        raise InvalidInput({"reason": [_("Keep it under %d characters.") % MAX_NOTE]})
    with transaction.atomic():
        lead = _locked(lead)
        transitions.apply(lead, "status", "close", status_label, user=actor, now=now, reason=reason)
        _end_assignment(lead, Outcome.ENDED, now=now, actor=actor)
    return lead


# --- conversion --------------------------------------------------------------------------------


def registration_data(lead: Lead, overrides: Mapping | None = None) -> dict[str, Any]:
    """The deal registration a lead converts into, prefilled from the lead."""
    data: dict[str, Any] = {
        "customer_name": lead.company,
        "customer_domain": lead.domain,
        "customer_country": lead.country,
        "contact_name": lead.contact_name,
        "contact_email": lead.contact_email,
        "product": lead.product,
        "estimated_value": lead.estimated_value,
        "currency": lead.currency,
        "expected_close_date": None,
        "description": lead.description,
    }
    data.update({k: v for k, v in (overrides or {}).items() if k in data})
    return data


def _registration_extras(data: Mapping | None) -> dict[str, Any]:
    """What the apps above add to the registration (funds: its fund request), passed on."""
    return {k: v for k, v in (data or {}).items() if k in extra_fields.names(REGISTRATION)}


def lead_convert(*, lead: Lead, actor, data: Mapping | None = None, now: datetime | None = None):
    """The partner that accepted the lead registers the deal (prefilled from the lead; its
    `data` completes or corrects it). Conflict detection and protection apply as to any
    registration; a lead converts once. Returns the registration."""
    now = now or timezone.now()
    with transaction.atomic():
        lead = _locked(lead)
        _partner_actor(lead, actor)
        _require_transition(lead, "convert")
        registration = registration_create(
            partner=lead.partner,
            submitted_by=actor,
            data={**registration_data(lead, data), **_registration_extras(data)},
            now=now,
        )
        transitions.apply(
            lead, "status", "convert", status_label, user=actor, now=now, registration=registration
        )
    return registration


def lead_registration_changed(*, registration_id: int, status: str) -> int:
    """A deals event: the converted lead follows its registration (won, lost …)."""
    return Lead.objects.filter(registration_id=registration_id).update(registration_status=status)


def lead_release_for_exited_partner(*, lead: Lead, now: datetime) -> None:
    """A partner exited (apps/leads/exit.py, in the exit's transaction): a lead waiting for its
    answer is recalled and routed again; a lead it accepted but never converted is closed with
    the reason, for a manager to hand on."""
    lead = _locked(lead)
    if lead.status == Status.ASSIGNED:
        transitions.apply(lead, "status", "recall", status_label, now=now)
        _end_assignment(lead, Outcome.RECALLED, now=now, actor=None, note=_("The partner exited."))
        lead_route(lead=lead, now=now)
    elif lead.status == Status.ACCEPTED:
        transitions.apply(
            lead, "status", "close", status_label, now=now, reason=_("The partner exited.")
        )
