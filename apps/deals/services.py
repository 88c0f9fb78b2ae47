"""Writes on deal registrations. `registration_transition` is the one way a status changes,
whichever door it came through (manager page, portal, API, sweep, partner exit)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from apps.core import transitions
from apps.core.errors import ConditionsUnmet, DomainError, InvalidInput, NotPermitted
from apps.notifications.services import notify

from .models import (
    MAX_VALUE,
    OPEN_STATUSES,
    TRANSITION_PERMISSIONS,
    DealRegistration,
    ExtensionRequest,
    RegistrationConflict,
    RegistrationEvent,
    Status,
)
from .normalize import InvalidDomain, name_key, normalize_domain
from .program import partner_is_active, program_rules, protection_days

CREATE_FIELDS = (
    "customer_name",
    "customer_domain",
    "customer_country",
    "contact_name",
    "contact_email",
    "product",
    "estimated_value",
    "currency",
    "expected_close_date",
    "description",
)
MAX_REASON = 2000
MAX_EXPECTED_CLOSE_YEARS = 10


def status_label(state: str) -> str:
    try:
        return Status(state).label.lower()
    except ValueError:
        return state


def _partner_users(partner_id: int):
    from apps.accounts.models import Role, User

    return User.objects.filter(partner_id=partner_id, role=Role.PARTNER, is_active=True)


def _staff_recipients(partner) -> list:
    """The partner's manager; the admins when the partnership has no manager."""
    from apps.accounts.models import Role, User

    if partner.manager_id and partner.manager.is_active:
        return [partner.manager]
    return list(User.objects.filter(role=Role.ADMIN, is_active=True))


def admins():
    from django.db.models import Q

    from apps.accounts.models import Role, User

    return User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True)


class PartnerInactive(DomainError):
    code = "partner_inactive"


class DomainProtected(DomainError):
    code = "domain_protected"


def _require_active(partner) -> None:
    if not partner_is_active(partner):
        raise PartnerInactive(
            "Deals can be registered only while the partnership is active "
            "(onboarding, growth, evaluation or expansion)."
        )


# --- validation, shared by the portal form, the API and the service --------------------------
def clean_domain(value: str) -> str:
    try:
        return normalize_domain(value)
    except InvalidDomain as exc:
        raise ValidationError(str(exc)) from exc


def clean_close_date(value, today) -> None:
    if value < today:
        raise ValidationError("The expected close date cannot be in the past.")
    if value.year > today.year + MAX_EXPECTED_CLOSE_YEARS:
        raise ValidationError(
            f"Expected close dates more than {MAX_EXPECTED_CLOSE_YEARS} years ahead are not accepted."
        )


def registration_validate(data: dict, *, today) -> dict:
    """Check and normalize creation input; raises InvalidInput({field: [messages]})."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: data.get(k) for k in CREATE_FIELDS}
    for key in ("customer_name", "contact_name", "product", "description", "contact_email"):
        if isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip()
    if cleaned["description"] is None:
        cleaned["description"] = ""
    if isinstance(cleaned["currency"], str):
        cleaned["currency"] = cleaned["currency"].strip().upper()
    if isinstance(cleaned["customer_country"], str):
        cleaned["customer_country"] = cleaned["customer_country"].strip().upper()
    if isinstance(cleaned["contact_email"], str):
        cleaned["contact_email"] = cleaned["contact_email"].lower()
    if isinstance(cleaned["customer_domain"], str):
        try:
            cleaned["customer_domain"] = clean_domain(cleaned["customer_domain"])
        except ValidationError as exc:
            errors["customer_domain"] = list(exc.messages)
    if cleaned["estimated_value"] is not None and not isinstance(
        cleaned["estimated_value"], Decimal
    ):
        try:
            cleaned["estimated_value"] = Decimal(str(cleaned["estimated_value"]))
        except InvalidOperation:
            errors["estimated_value"] = ["Enter a number."]
    probe = DealRegistration(**{k: v for k, v in cleaned.items() if k not in errors})
    try:
        probe.full_clean(
            exclude=["partner", "submitted_by", "status", *errors], validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    # full_clean converted what it could (strings to dates and decimals): keep its values.
    cleaned.update({k: getattr(probe, k) for k in CREATE_FIELDS if k not in errors})
    close = cleaned["expected_close_date"]
    if "expected_close_date" not in errors and close is not None:
        try:
            clean_close_date(close, today)
        except ValidationError as exc:
            errors["expected_close_date"] = list(exc.messages)
    if errors:
        raise InvalidInput(errors)
    return cleaned


# --- conflict detection (on submission) ------------------------------------------------------
# At most this many similar names are stored per submission (the most similar first): a bound
# on the work a very common name can cause. Same-domain conflicts are bounded the same way.
MAX_STORED_CONFLICTS = 200

_DETECT_SQL = """
WITH by_name AS (
    SELECT id, similarity(customer_name_key, %(key)s) AS s
    FROM deals_dealregistration
    WHERE customer_name_key %% %(key)s
      AND status IN ('submitted', 'approved')
      AND id <> %(id)s
      AND similarity(customer_name_key, %(key)s) >= %(threshold)s
    ORDER BY s DESC, id
    LIMIT %(limit)s
), by_domain AS (
    SELECT id FROM deals_dealregistration
    WHERE customer_domain = %(domain)s AND status IN ('submitted', 'approved') AND id <> %(id)s
    ORDER BY id
    LIMIT %(limit)s
), found AS (
    SELECT id, bool_or(same) AS same, max(s) AS s FROM (
        SELECT id, false AS same, s FROM by_name
        UNION ALL SELECT id, true, NULL FROM by_domain
    ) pairs GROUP BY id
), stored AS (
    INSERT INTO deals_registrationconflict (registration_id, other_id, same_domain, similarity)
    SELECT %(id)s, id, same, s FROM found
    UNION ALL SELECT id, %(id)s, same, s FROM found
    ON CONFLICT (registration_id, other_id) DO NOTHING
)
SELECT id, same, s FROM found
"""


def _lock_for_detection(registration: DealRegistration) -> None:
    """Two submissions for the same domain or the same name key detect one after the other,
    so each sees the other (transaction-level advisory locks, released at commit)."""
    if connection.vendor != "postgresql":
        return  # SQLite serializes writers anyway
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(74001, hashtext(%s)), "
            "pg_advisory_xact_lock(74002, hashtext(%s))",
            [registration.customer_domain, registration.customer_name_key],
        )


def record_conflicts(registration: DealRegistration) -> dict[int, tuple[bool, float | None]]:
    """Find the open registrations conflicting with a newly submitted one and store the pairs
    both ways. {other id: (same domain, name similarity or None)}. One query on PostgreSQL
    (the trigram GIN index through `%`, the domain index, the insert)."""
    from .selectors import NAME_SIMILARITY

    if registration.status not in OPEN_STATUSES:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _DETECT_SQL,
                {
                    "id": registration.pk,
                    "key": registration.customer_name_key,
                    "domain": registration.customer_domain,
                    "threshold": NAME_SIMILARITY,
                    "limit": MAX_STORED_CONFLICTS,
                },
            )
            return {
                other: (same, float(s) if s is not None else None)
                for other, same, s in cursor.fetchall()
            }
    from .normalize import trigram_similarity

    found: dict[int, tuple[bool, float | None]] = {}
    others = (
        DealRegistration.objects.filter(status__in=OPEN_STATUSES)
        .exclude(pk=registration.pk)
        .values_list("pk", "customer_name_key", "customer_domain")
    )
    for pk, key, domain in others.iterator():
        score = trigram_similarity(registration.customer_name_key, key)
        similar = score >= NAME_SIMILARITY
        if similar or domain == registration.customer_domain:
            found[pk] = (domain == registration.customer_domain, score if similar else None)
    RegistrationConflict.objects.bulk_create(
        [
            RegistrationConflict(
                registration=registration, other_id=pk, same_domain=d, similarity=s
            )
            for pk, (d, s) in found.items()
        ]
        + [
            RegistrationConflict(
                registration_id=pk, other=registration, same_domain=d, similarity=s
            )
            for pk, (d, s) in found.items()
        ],
        ignore_conflicts=True,
    )
    return found


# --- creation ---------------------------------------------------------------------------------
@transaction.atomic
def registration_create(
    *, partner, submitted_by, data: dict, now: datetime | None = None
) -> DealRegistration:
    now = now or timezone.now()
    if submitted_by.is_partner_user and submitted_by.partner_id != partner.pk:
        raise NotPermitted("Partner users register deals for their own company only.")
    if not (submitted_by.is_partner_user or submitted_by.is_staff_role):
        raise NotPermitted()
    _require_active(partner)
    cleaned = registration_validate(data, today=timezone.localdate(now))
    registration = DealRegistration(
        partner=partner, submitted_by=submitted_by, submitted_at=now, **cleaned
    )
    registration.customer_name_key = name_key(registration.customer_name)
    _lock_for_detection(registration)
    registration.save(force_insert=True)
    # Conflict detection runs once, here: lists and the queue read the stored pairs.
    registration.conflicts_found = record_conflicts(registration)
    RegistrationEvent.objects.create(
        registration=registration,
        transition="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        actor=submitted_by,
        at=now,
        via="" if submitted_by.is_partner_user else "on the partner's behalf",
    )
    notify(
        recipients=_staff_recipients(partner),
        kind="deal_submitted",
        subject=f"New deal registration from {partner.name}: {registration.customer_name}",
        body=f"{partner.name} registered {registration.customer_name} "
        f"({registration.customer_domain}), {registration.estimated_value} {registration.currency}.",
        key=f"deal-submitted:{registration.pk}",
        link=reverse("deals:detail", args=[registration.pk]),
    )
    return registration


# --- transitions ------------------------------------------------------------------------------
def _text(value, field: str, *, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise InvalidInput({field: ["Enter text."]})
    if required and not text:
        raise InvalidInput({field: ["Give a reason."]})
    if len(text) > MAX_REASON:
        raise InvalidInput({field: [f"Keep it under {MAX_REASON} characters."]})
    if "\x00" in text:
        raise InvalidInput({field: ["Null characters are not allowed."]})
    return text


def _transition_input(registration, name: str, data: dict) -> tuple[dict, str]:
    """(kwargs for the model method, the note kept in history)."""
    rules = program_rules()
    if name == "reject":
        reason = _text(data.get("reason"), "reason", required=True)
        return {"reason": reason}, reason
    if name == "mark_lost":
        reason = _text(data.get("reason"), "reason", required=False)
        return {"reason": reason}, reason
    if name == "extend":
        days = data.get("days")
        limit = min(90, rules.max_extension_days)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
            raise InvalidInput({"days": [f"Extend by 1 to {limit} days."]})
        return {"days": days}, f"+{days} days"
    if name == "mark_won":
        value = data.get("actual_value")
        if value in (None, ""):
            return {"actual_value": None}, ""
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            raise InvalidInput({"actual_value": ["Enter a number."]}) from None
        if not value.is_finite() or value < 0 or value > MAX_VALUE:
            raise InvalidInput({"actual_value": ["Enter a value between 0 and 999,999,999,999."]})
        value = value.quantize(Decimal("0.01"))
        return {"actual_value": value}, f"actual value {value} {registration.currency}"
    return {}, ""


@transaction.atomic
def registration_transition(
    *,
    registration: DealRegistration,
    name: str,
    actor,
    now: datetime | None = None,
    via: str = "",
    as_system: bool = False,
    **input,
) -> DealRegistration:
    """Run transition `name`; raises the core DomainErrors (409), InvalidInput, NotPermitted.

    `actor` None, or `as_system=True` (a partner's exit, recorded with its actor), runs as the
    system: role checks are skipped, which is how `expire` is reachable only by the sweep.
    """
    now = now or timezone.now()
    system = actor is None or as_system
    if name not in transitions.names(registration, "status"):
        raise DomainError(f"There is no transition called “{name}”.", code="transition_not_allowed")
    if not system and not TRANSITION_PERMISSIONS[name](registration, actor):
        raise NotPermitted(f"Your role may not {name.replace('_', ' ')} this registration.")
    kwargs, note = _transition_input(registration, name, input)
    before = registration.status
    if name == "approve" and registration.status == Status.SUBMITTED:
        _require_active(registration.partner)
        if registration.domain_holder().exists():
            raise DomainProtected(
                "Another partner's approved registration already protects "
                f"{registration.customer_domain}; this one cannot be approved while it does."
            )
        kwargs["protection_days"] = protection_days(registration.partner)
    try:
        with transaction.atomic():  # a savepoint: a lost race on the unique index rolls back here
            transitions.apply(
                registration,
                "status",
                name,
                status_label,
                user=None if system else actor,
                now=now,
                actor=actor,
                **kwargs,
            )
    except ConditionsUnmet as exc:
        if name == "approve":  # its one condition: no other approved registration of the domain
            raise DomainProtected(
                f"Another registration for {registration.customer_domain} was approved a moment "
                "ago; this one cannot be approved while it protects the customer."
            ) from exc
        raise
    except IntegrityError as exc:
        if "deal_one_approved_per_domain" in str(exc) or "customer_domain" in str(exc):
            raise DomainProtected(
                f"Another registration for {registration.customer_domain} was approved a moment "
                "ago; this one cannot be approved while it protects the customer."
            ) from exc
        raise
    RegistrationEvent.objects.create(
        registration=registration,
        transition=name,
        from_status=before,
        to_status=registration.status,
        actor=actor,
        note=note,
        via=via,
        at=now,
    )
    if name == "extend":
        ExtensionRequest.objects.filter(
            registration=registration, status=ExtensionRequest.Decision.PENDING
        ).update(status=ExtensionRequest.Decision.GRANTED, decided_at=now, decided_by=actor)
    elif registration.status != Status.APPROVED:
        ExtensionRequest.objects.filter(
            registration=registration, status=ExtensionRequest.Decision.PENDING
        ).update(status=ExtensionRequest.Decision.DECLINED, decided_at=now, decided_by=actor)
    if not as_system:
        _announce(registration, name, note)
    return registration


_PARTNER_MESSAGES = {
    "approve": (
        "Registration approved: {c}",
        "Your registration of {c} is approved. "
        "The deal is protected for your company until {until}.",
    ),
    "reject": (
        "Registration rejected: {c}",
        "Your registration of {c} was not approved. Reason: {note}",
    ),
    "extend": ("Protection extended: {c}", "The protection of {c} now runs until {until}."),
    "mark_won": ("Deal won: {c}", "{c} is recorded as won. Congratulations!"),
    "mark_lost": ("Deal lost: {c}", "{c} is recorded as lost."),
    "expire": (
        "Protection ended: {c}",
        "The protection window of {c} has ended and the registration has expired.",
    ),
}


def _announce(registration: DealRegistration, name: str, note: str) -> None:
    c = registration.customer_name
    if name in _PARTNER_MESSAGES:
        subject, body = _PARTNER_MESSAGES[name]
        until = (
            timezone.localtime(registration.expires_at).strftime("%d %b %Y")
            if registration.expires_at
            else ""
        )
        key = f"deal-{name}:{registration.pk}"
        if name == "extend":
            key += f":{registration.extensions_used}"
        notify(
            recipients=_partner_users(registration.partner_id),
            kind=f"deal_{name}",
            subject=subject.format(c=c),
            body=body.format(c=c, until=until, note=note),
            key=key,
            link=reverse("portal:deal_detail", args=[registration.pk]),
        )
    elif name == "withdraw":
        notify(
            recipients=_staff_recipients(registration.partner),
            kind="deal_withdrawn",
            subject=f"Registration withdrawn: {c} ({registration.partner.name})",
            key=f"deal-withdraw:{registration.pk}",
            link=reverse("deals:detail", args=[registration.pk]),
        )


# --- extension requests -----------------------------------------------------------------------
@transaction.atomic
def extension_request_create(
    *, registration: DealRegistration, requested_by, days, reason: str = "", now=None
) -> ExtensionRequest:
    now = now or timezone.now()
    if not (requested_by.is_partner_user and requested_by.partner_id == registration.partner_id):
        raise NotPermitted("Only the registering partner asks for an extension.")
    if registration.status != Status.APPROVED:
        raise DomainError(
            "An extension can be asked for only while the registration is approved.",
            code="transition_not_allowed",
        )
    limit = min(90, program_rules().max_extension_days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        raise InvalidInput({"days": [f"Ask for 1 to {limit} days."]})
    reason = _text(reason, "reason", required=False)
    if registration.extensions_used >= program_rules().max_extensions:
        raise DomainError(
            "The maximum number of extensions has been used.",
            code="conditions_unmet",
            unmet=["The maximum number of extensions has been used."],
        )
    if registration.extension_requests.filter(status=ExtensionRequest.Decision.PENDING).exists():
        raise DomainError(
            "An extension request is already waiting for the partner manager.",
            code="transition_not_allowed",
        )
    request = ExtensionRequest.objects.create(
        registration=registration,
        requested_by=requested_by,
        days=days,
        reason=reason,
        created_at=now,
    )
    RegistrationEvent.objects.create(
        registration=registration,
        transition="request_extension",
        from_status=registration.status,
        to_status=registration.status,
        actor=requested_by,
        note=f"asked for {days} days" + (f": {reason}" if reason else ""),
        at=now,
    )
    notify(
        recipients=_staff_recipients(registration.partner),
        kind="deal_extension_requested",
        subject=f"Extension requested: {registration.customer_name} ({registration.partner.name})",
        body=f"{registration.partner.name} asks for {days} more days of protection.",
        key=f"deal-extension-request:{request.pk}",
        link=reverse("deals:detail", args=[registration.pk]),
    )
    return request


@transaction.atomic
def extension_request_decline(*, request: ExtensionRequest, actor, now=None) -> ExtensionRequest:
    now = now or timezone.now()
    if not actor.is_staff_role:
        raise NotPermitted("Only partner managers decide on extensions.")
    if request.status != ExtensionRequest.Decision.PENDING:
        raise DomainError("This request was already decided.", code="transition_not_allowed")
    request.status = ExtensionRequest.Decision.DECLINED
    request.decided_at, request.decided_by = now, actor
    request.save(update_fields=["status", "decided_at", "decided_by"])
    registration = request.registration
    RegistrationEvent.objects.create(
        registration=registration,
        transition="decline_extension",
        from_status=registration.status,
        to_status=registration.status,
        actor=actor,
        at=now,
    )
    notify(
        recipients=_partner_users(registration.partner_id),
        kind="deal_extension_declined",
        subject=f"Extension not granted: {registration.customer_name}",
        key=f"deal-extension-declined:{request.pk}",
        link=reverse("portal:deal_detail", args=[registration.pk]),
    )
    return request


# --- a partner's exit -------------------------------------------------------------------------
def close_for_exited_partner(*, partner, actor, reason: str = "", now=None) -> dict:
    """Submitted registrations are withdrawn, approved ones expire; nothing is deleted."""
    now = now or timezone.now()
    counts = {"withdrawn": 0, "expired": 0}
    open_regs = DealRegistration.objects.select_related("partner").filter(
        partner=partner, status__in=[Status.SUBMITTED, Status.APPROVED]
    )
    # The reason may run to 2,000 characters; the event's "via" column holds 100.
    via = Truncator("partner exit" + (f": {reason}" if reason else "")).chars(100)
    for registration in open_regs:
        name = "withdraw" if registration.status == Status.SUBMITTED else "expire"
        registration_transition(
            registration=registration,
            name=name,
            actor=actor,
            now=now,
            as_system=True,
            via=via,
        )
        counts["withdrawn" if name == "withdraw" else "expired"] += 1
    return counts
