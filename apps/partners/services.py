"""Writes of the partners app. `partner_transition` is the one door every stage change uses."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_fsm import ConcurrentTransition

from apps.core import exits, transitions
from apps.core.access import (
    MANAGES_COMPANY,
    PARTNER_ROLE_REFUSED,
    WORKS_TASKS,
    partner_role_allows,
)
from apps.core.errors import (
    ConcurrentChange,
    DomainError,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from apps.core.formatting import format_number
from apps.core.iso import COUNTRY_CODES, COUNTRY_ERROR
from apps.core.signals import rows_written
from apps.core.text import has_control_characters
from apps.notifications.services import Text, notify
from apps.program.models import PlaybookTaskTemplate, ProgramSettings, Tier

from . import exit as own_exit
from .events import partner_exited, partner_tier_set
from .models import (
    MAX_REACH_ITEMS,
    MAX_SPECIALIZATION_LENGTH,
    QUALIFICATION_FIELDS,
    Partner,
    Stage,
    StageHistory,
    Task,
)

MAX_TEXT = 2000
# The input each transition takes besides a note: exit needs a reason.
NEEDS_REASON = {"exit"}


# Where a partner is, as the end of a sentence ("Acme is now in growth").
STAGE_PHRASES = {
    Stage.RECRUITMENT: gettext_lazy("in recruitment"),
    Stage.ONBOARDING: gettext_lazy("in onboarding"),
    Stage.GROWTH: gettext_lazy("in growth"),
    Stage.EVALUATION: gettext_lazy("in evaluation"),
    Stage.EXPANSION: gettext_lazy("in expansion"),
    Stage.EXITED: gettext_lazy("exited"),
}


def stage_label(stage: str) -> str:
    return str(STAGE_PHRASES[Stage(stage)])


def _clean_text(field: str, value: str | None, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        errors[field] = [_("Keep it under %(n)s characters.") % {"n": format_number(MAX_TEXT)}]
    return value


def partner_transition(
    *,
    partner: Partner,
    name: str,
    actor=None,
    note: str = "",
    reason: str = "",
    via: str = "",
    now: datetime | None = None,
    confirmed_impact: str | None = None,
) -> Partner:
    """Run transition `name` on the partner: the stage change, its history, its playbook, and
    (for exit) the announcement to the apps that close what the partner had open, whose answers
    (what each did) are the exit's summary in its history.

    `confirmed_impact`: the fingerprint of the exit preview (apps.core.exits) a person confirmed;
    if the exit would now do anything else, it is refused (409 concurrent_change) and changes
    nothing. Raises TransitionNotAllowed / ConditionsUnmet / ConcurrentChange (409), NotPermitted
    (403) and InvalidInput (400). `actor` None means the system (a sweep); a partner user never may.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    note = _clean_text("note", note, errors)
    reason = _clean_text("reason", reason, errors)
    if name in NEEDS_REASON and not reason and "reason" not in errors:
        errors["reason"] = [_("Say why the partnership ends.")]
    if errors:
        raise InvalidInput(errors)
    if actor is not None and not getattr(actor, "is_staff_role", False):
        raise NotPermitted(_("Only partner managers and admins move a partner between stages."))

    with transaction.atomic():
        from_stage = partner.stage
        if confirmed_impact is not None and name == "exit":
            _check_confirmed_impact(partner, confirmed_impact, now)
        transitions.apply(partner, "stage", name, stage_label, user=actor, now=now)
        entry = StageHistory.objects.create(
            partner=partner,
            transition=name,
            from_stage=from_stage,
            to_stage=partner.stage,
            actor=actor,
            note=note,
            reason=reason,
            via=via[:200],
            at=now,
            confirmed_impact=confirmed_impact or "",
        )
        instantiate_playbook(partner=partner, now=now)
        if partner.stage == Stage.EXITED:
            answers = partner_exited.send(
                sender=Partner, partner=partner, actor=actor, reason=reason, now=now
            )
            own = own_exit.carry_out(partner, now=now)
            entry.exit_effects = [e.as_record() for e in exits.in_order([*answers, (None, own)])]
            entry.save(update_fields=["exit_effects"])
        _tell_manager(partner, name, actor, now)
    return partner


def _check_confirmed_impact(partner: Partner, confirmed: str, now: datetime) -> None:
    if exits.fingerprint(exits.preview(partner, now=now)) != confirmed:
        raise DomainError(
            _(
                "What this exit does has changed since it was shown (an agreement, registration, "
                "QBR or user of this partner changed meanwhile). Review it again before confirming."
            ),
            code="concurrent_change",
        )


def _tell_manager(partner: Partner, name: str, actor, now: datetime) -> None:
    manager = partner.manager
    if manager is None or (actor is not None and actor.pk == manager.pk):
        return
    notify(
        recipients=[manager],
        kind="partner-stage",
        subject=Text(
            gettext_noop("%(partner)s is now %(stage)s"),
            {"partner": partner.name, "stage": STAGE_PHRASES[Stage(partner.stage)]},
        ),
        body=Text(
            gettext_noop("%(partner)s: %(transition)s."),
            {
                "partner": partner.name,
                "transition": transitions.transition_label(partner, "stage", name),
            },
        ),
        key=f"partner-stage:{partner.pk}:{now.isoformat()}",
        link=f"/partners/{partner.pk}/",
    )


def instantiate_playbook(*, partner: Partner, now: datetime) -> list[Task]:
    """Copy the current stage's playbook to the partner's tasks for this visit of the stage."""
    today = timezone.localdate(now)
    templates = PlaybookTaskTemplate.objects.filter(stage=partner.stage).order_by("order", "id")
    return Task.objects.bulk_create(
        Task(
            partner=partner,
            stage=partner.stage,
            stage_visit=partner.stage_entered_at,
            title=t.title,
            description=t.description,
            owner_side=t.owner_side,
            due_date=today + timedelta(days=t.due_offset_days),
            required=t.required,
            order=t.order,
            completes_on=t.completed_by,
        )
        for t in templates
    )


def tasks_complete_on_event(
    *, partner_id: int, event: str, title: str | None = None, now: datetime | None = None
) -> int:
    """`event` (a program.CompletingEvent) happened for the partner: tick off its open tasks of
    the present stage visit that wait for it, recording the event. Tasks already done, another
    partner's, or waiting for another event stay as they are; a second event changes nothing.
    `title` narrows it to one playbook task (an event that names its task, e.g. the course whose
    certification was earned)."""
    now = now or timezone.now()
    # One statement (it runs after every deal submission): the present visit is the partner's
    # stage and stage_entered_at, compared in the database.
    tasks = Task.objects.filter(
        partner_id=partner_id,
        stage=F("partner__stage"),
        stage_visit=F("partner__stage_entered_at"),
        completes_on=event,
        done=False,
    )
    if title is not None:
        tasks = tasks.filter(title=title)
    count = tasks.update(done=True, done_at=now, done_by=None, completed_by_event=event)
    if count:
        rows_written(Task)
    return count


def task_set_done(*, task: Task, done: bool, actor, now: datetime | None = None) -> Task:
    """Complete or reopen a task; only the side that owns it may (staff may do either side's)."""
    if actor.is_partner_user:
        if actor.partner_id != task.partner_id:
            raise NotPermitted(_("This task belongs to another partner."))
        if task.owner_side != "partner":
            raise NotPermitted(_("This task is ours to do; your partner manager completes it."))
        if not partner_role_allows(actor, WORKS_TASKS):
            raise NotPermitted(PARTNER_ROLE_REFUSED)
    elif not actor.is_staff_role:
        raise NotPermitted()
    if task.done == done:
        return task
    if not done and not task.of_stay(task.partner):
        raise TransitionNotAllowed(
            _(
                "This task belongs to the partner's %(stage)s, which is over: it stays done as "
                "a record of that stage."
            )
            % {"stage": Stage(task.stage).label.lower()}
        )
    task.done = done
    task.done_at = (now or timezone.now()) if done else None
    task.done_by = actor if done else None
    task.completed_by_event = ""  # by hand now, whichever way
    task.save(update_fields=["done", "done_at", "done_by", "completed_by_event"])
    return task


def partner_create(*, actor, **fields) -> Partner:
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins add partners."))
    # stage is protected: it is set only here, at creation, and by transitions afterwards.
    fields.pop("stage", None)
    tier = fields.pop("tier", None)
    _clean_reach_fields(fields)
    partner = Partner(**fields)
    _validate(partner)
    if set(fields) & set(QUALIFICATION_FIELDS):
        _stamp_qualified(partner)
    with transaction.atomic():
        partner.save()
        if tier is not None:
            _set_tier(partner, tier, actor)
    return partner


def _clean_reach_fields(fields: dict) -> None:
    if "countries" in fields:
        fields["countries"] = clean_countries(fields["countries"])
    if "specializations" in fields:
        fields["specializations"] = clean_specializations(fields["specializations"])


def _set_tier(partner: Partner, tier, actor) -> None:
    """Write the tier column and announce it: the tiers app records the change in the same
    transaction (apps/partners/events.py). `partner.tier` is the stored tier on entry."""
    from_tier_id = partner.tier_id
    Partner.objects.filter(pk=partner.pk).update(tier=tier)
    rows_written(Partner)
    partner.tier = tier
    partner_tier_set.send(
        sender=Partner, partner=partner, from_tier_id=from_tier_id, actor=actor, now=timezone.now()
    )


def _validate(partner: Partner, only: list[str] | None = None) -> None:
    # clean_fields() re-assigns every field it checks; the protected stage must be left out.
    exclude = ["stage"]
    if only is not None:
        exclude += [f.name for f in Partner._meta.fields if f.name not in only]
    try:
        partner.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc


def partner_update(*, partner: Partner, actor, **fields) -> Partner:
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins edit partners."))
    fields.pop("stage", None)
    new_tier = fields.pop("tier", partner.tier)
    _clean_reach_fields(fields)
    changed = []
    for key, value in fields.items():
        setattr(partner, key, value)
        changed.append(key)
    _validate(partner, changed)
    if set(changed) & set(QUALIFICATION_FIELDS):
        changed += _stamp_qualified(partner)
    with transaction.atomic():
        if changed:
            try:
                partner.save(update_fields=changed)
            except ConcurrentTransition as exc:
                raise ConcurrentChange(
                    _(
                        "This partner was changed by someone else meanwhile. Reload it and try again."
                    )
                ) from exc
        # A ModelForm may have set partner.tier already: compare with the stored row.
        stored = Partner.objects.filter(pk=partner.pk).values_list("tier_id", flat=True).first()
        if (new_tier.pk if new_tier else None) != stored:
            partner.tier = Tier.objects.filter(pk=stored).first() if stored else None
            _set_tier(partner, new_tier, actor)
    return partner


def _stamp_qualified(partner: Partner) -> list[str]:
    """Record when the 4C scores first reach the threshold (cleared below it): the fields to save."""
    qualified = partner.qualified_against(ProgramSettings.get().qualification_threshold)
    if qualified and partner.qualified_at is None:
        partner.qualified_at = timezone.now()
    elif not qualified and partner.qualified_at is not None:
        partner.qualified_at = None
    else:
        return []
    return ["qualified_at"]


def partner_qualify(*, partner: Partner, actor, scores: dict[str, int | None]) -> Partner:
    return partner_update(
        partner=partner,
        actor=actor,
        **{k: v for k, v in scores.items() if k in QUALIFICATION_FIELDS},
    )


# --- reach: countries served, specializations, the locator opt-in (DESIGN.md section 17) ---------


def clean_countries(values) -> list[str]:
    """Upper-cased, de-duplicated ISO codes in the order given; InvalidInput names the bad ones."""
    codes = list(dict.fromkeys(str(v).strip().upper() for v in (values or []) if str(v).strip()))
    bad = [c for c in codes if c not in COUNTRY_CODES]
    if bad:
        raise InvalidInput({"countries": [str(COUNTRY_ERROR % {"value": c}) for c in bad]})
    if len(codes) > MAX_REACH_ITEMS:
        raise InvalidInput({"countries": [_("At most %d countries.") % MAX_REACH_ITEMS]})
    return codes


def clean_specializations(values) -> list[str]:
    """Trimmed, whitespace-collapsed, de-duplicated (case-insensitively) specializations."""
    seen: dict[str, str] = {}
    for value in values or []:
        text = " ".join(str(value).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    items = list(seen.values())
    errors = []
    if any(len(s) > MAX_SPECIALIZATION_LENGTH for s in items):
        errors.append(
            _("Keep each specialization under %d characters.") % MAX_SPECIALIZATION_LENGTH
        )
    if any(has_control_characters(s) for s in items):
        errors.append(_("A specialization holds no control characters."))
    if len(items) > MAX_REACH_ITEMS:
        errors.append(_("At most %d specializations.") % MAX_REACH_ITEMS)
    if errors:
        raise InvalidInput({"specializations": errors})
    return items


def partner_propose_reach(
    *, partner: Partner, actor, countries, specializations, now: datetime | None = None
) -> Partner:
    """A partner admin proposes the countries and specializations its company serves; its
    manager applies or dismisses the proposal (they drive lead routing, so the vendor checks)."""
    if not (actor.is_partner_user and actor.partner_id == partner.pk):
        raise NotPermitted(_("Only the partner's own admin proposes its reach."))
    if not partner_role_allows(actor, MANAGES_COMPANY):
        raise NotPermitted(PARTNER_ROLE_REFUSED)
    partner.proposed_countries = clean_countries(countries)
    partner.proposed_specializations = clean_specializations(specializations)
    partner.reach_proposed_at = now or timezone.now()
    partner.save(
        update_fields=["proposed_countries", "proposed_specializations", "reach_proposed_at"]
    )
    if partner.manager is not None:
        notify(
            recipients=[partner.manager],
            kind="partner-reach",
            subject=Text(
                gettext_noop("%(partner)s proposes the countries and specializations it serves"),
                {"partner": partner.name},
            ),
            body=Text(gettext_noop("Apply or dismiss the proposal on the partner's page.")),
            key=f"partner-reach:{partner.pk}:{partner.reach_proposed_at.isoformat()}",
            link=f"/partners/{partner.pk}/",
        )
    return partner


def partner_decide_reach(*, partner: Partner, actor, apply: bool) -> Partner:
    """A manager applies (or dismisses) the partner admin's waiting proposal."""
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins change a partner's reach."))
    if partner.reach_proposed_at is None:
        raise InvalidInput({"proposal": [_("There is no proposal waiting.")]})
    fields = ["proposed_countries", "proposed_specializations", "reach_proposed_at"]
    if apply:
        partner.countries = list(partner.proposed_countries or [])
        partner.specializations = list(partner.proposed_specializations or [])
        fields += ["countries", "specializations"]
    partner.proposed_countries = None
    partner.proposed_specializations = None
    partner.reach_proposed_at = None
    partner.save(update_fields=fields)
    return partner


def partner_set_listed(*, partner: Partner, actor, listed: bool) -> Partner:
    """The partner admin opts its company in or out of the public locator: its own consent to be
    shown, so it takes effect at once (a manager may also set it on the partner form)."""
    if actor.is_partner_user:
        if actor.partner_id != partner.pk:
            raise NotPermitted()
        if not partner_role_allows(actor, MANAGES_COMPANY):
            raise NotPermitted(PARTNER_ROLE_REFUSED)
    elif not actor.is_staff_role:
        raise NotPermitted()
    partner.listed_in_locator = bool(listed)
    partner.save(update_fields=["listed_in_locator"])
    return partner
