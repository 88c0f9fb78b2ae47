"""A registration's transitions: `registration_transition` is the one way a status changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.audiences import partner_users, vendor_side
from apps.core import transitions
from apps.core.errors import ConditionsUnmet, DomainError, InvalidInput, NotPermitted
from apps.core.formatting import format_number
from apps.notifications.services import Text, notify
from apps.program.models import ProgramSettings, RejectionReason

from ..events import registration_approved, registration_lost, registration_won
from ..models import (
    MAX_VALUE,
    DealRegistration,
    ExtensionRequest,
    RegistrationComment,
    RegistrationEvent,
    Status,
)
from .announce import announce
from .conversation import clean_body, comment_create
from .submission import require_active
from .validation import clean_text


class DomainProtected(DomainError):
    code = "domain_protected"


def _transition_input(registration, name: str, data: dict) -> tuple[dict, str]:
    """(kwargs for the model method, the note kept in history)."""
    rules = ProgramSettings.get()
    if name == "reject":
        reason = rejection_text(reason_code=data.get("reason_code"), reason=data.get("reason"))
        return {"reason": reason}, reason
    if name == "mark_lost":
        reason = clean_text(data.get("reason"), "reason", required=False)
        return {"reason": reason}, reason
    if name == "extend":
        days = data.get("days")
        limit = min(90, rules.max_extension_days)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
            raise InvalidInput({"days": [_("Extend by 1 to %(limit)s days.") % {"limit": limit}]})
        return {"days": days}, _extension_note(registration, days, data.get("reason"))
    if name == "mark_won":
        value = data.get("actual_value")
        if value in (None, ""):
            return {"actual_value": None}, ""
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            raise InvalidInput({"actual_value": [_("Enter a number.")]}) from None
        if not value.is_finite() or value < 0 or value > MAX_VALUE:
            message = _("Enter a value between %(low)s and %(high)s.") % {
                "low": format_number(0),
                "high": format_number(999_999_999_999),
            }
            raise InvalidInput({"actual_value": [message]})
        value = value.quantize(Decimal("0.01"))
        return {"actual_value": value}, f"actual value {value} {registration.currency}"
    return {}, ""


def rejection_text(*, reason_code=None, reason=None) -> str:
    """What the partner reads as the rejection reason — in the notification, the e-mail, the
    portal page, the API and the CSV: the admin-kept reason picked (`reason_code`, an active
    RejectionReason's id) and the manager's own words, either or both. The manager's preview
    is this same function."""
    label = ""
    if reason_code not in (None, ""):
        code = str(reason_code)
        known = not isinstance(reason_code, bool) and code.isdigit() and len(code) <= 18
        picked = known and RejectionReason.objects.filter(pk=int(code), active=True).first()
        if not picked:
            raise InvalidInput({"reason_code": [_("Choose one of the rejection reasons.")]})
        label = picked.label
    words = clean_text(reason, "reason", required=False)
    if not (label or words):
        raise InvalidInput({"reason": [_("Choose a reason from the list, write one, or both.")]})
    return f"{label} — {words}" if label and words else label or words


def partner_text(registration: DealRegistration, name: str, note: str) -> tuple[Text, Text]:
    """The partner's notification (and e-mail) of transition `name`: (subject, body), each
    written in the reading user's language."""
    subject, body = _PARTNER_MESSAGES[name]
    c = registration.customer_name
    # A date: each reader's language names its month.
    until = timezone.localtime(registration.expires_at).date() if registration.expires_at else ""
    return Text(subject, {"c": c}), Text(body, {"c": c, "until": until, "note": note})


def partner_message(registration: DealRegistration, name: str, note: str) -> tuple[str, str]:
    """partner_text in the active language: what the reject preview shows."""
    subject, body = partner_text(registration, name, note)
    language = translation.get_language() or settings.LANGUAGE_CODE
    return subject.render(language), body.render(language)


def _extension_note(registration: DealRegistration, days: int, reason) -> str:
    """What the partner is told with an extension: granting fewer days than their waiting
    request asked for needs a reason, and they read it."""
    reason = clean_text(reason, "reason", required=False)
    asked = pending_extension_days(registration)
    if asked is not None and days < asked:
        if not reason:
            message = _(
                "Say why fewer than the %(asked)s days asked for; the partner reads it."
            ) % {"asked": asked}
            raise InvalidInput({"reason": [message]})
        return f"+{days} of the {asked} days asked for: {reason}"
    return f"+{days} days" + (f": {reason}" if reason else "")


_EXCHANGE_INPUTS = {
    "request_info": ("question", "Ask your question."),
    "provide_info": ("answer", "Write your answer."),
}
_EXCHANGES = {
    "request_info": RegistrationComment.Kind.QUESTION,
    "provide_info": RegistrationComment.Kind.ANSWER,
}

# The transitions announced to other apps (deals.events), sent after commit.
EVENTS = {
    "approve": registration_approved,
    "mark_won": registration_won,
    "mark_lost": registration_lost,
}


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
        raise DomainError(transitions.no_such_transition(name), code="transition_not_allowed")
    if not system and not transitions.permitted(registration, "status", name, actor):
        raise NotPermitted(
            _("Your role may not run “%(action)s” on this registration.")
            % {"action": transitions.transition_label(registration, "status", name)}
        )
    if name in _EXCHANGE_INPUTS:  # the question or the answer: a comment too
        field, empty = _EXCHANGE_INPUTS[name]
        text = clean_body(input.get(field), field, empty=empty)
        kwargs: dict[str, object] = {field: text}
        note = text
    else:
        kwargs, note = _transition_input(registration, name, input)
    before = registration.status
    if name == "approve" and registration.status == Status.SUBMITTED:
        require_active(registration.partner)
        if registration.duplicate_of_id:
            raise DomainProtected(
                _(
                    "This registration is a second claim on %(domain)s, set aside until an "
                    "admin decides which registration keeps the customer."
                )
                % {"domain": registration.customer_domain}
            )
        if registration.domain_holder().exists():
            raise DomainProtected(
                _(
                    "Another partner's approved registration already protects %(domain)s; "
                    "this one cannot be approved while it does."
                )
                % {"domain": registration.customer_domain}
            )
        kwargs["protection_days"] = registration.partner.protection_days
    _apply(registration, name, actor, system=system, now=now, **kwargs)
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
    _settle_extension_requests(registration, name, actor, now, kwargs=kwargs, input=input)
    if name in _EXCHANGES:  # the question and its answer are part of the conversation
        comment_create(
            registration=registration,
            author=actor,
            body=note,
            kind=_EXCHANGES[name],
            now=now,
            notify_other_side=False,  # told below, as the transition
        )
    if not as_system:
        _notify(registration, name, note)
    if name in EVENTS:
        announce(registration, EVENTS[name], actor)
    return registration


def _apply(registration: DealRegistration, name: str, actor, *, system: bool, now, **kwargs):
    """The FSM transition in a savepoint: a lost race on the unique index rolls back here and
    answers as the domain rule it broke."""
    try:
        with transaction.atomic():
            transitions.apply(
                registration,
                "status",
                name,
                user=None if system else actor,
                now=now,
                actor=actor,
                **kwargs,
            )
    except ConditionsUnmet as exc:
        if name == "approve":  # its one condition: no other approved registration of the domain
            raise _lost_race(registration) from exc
        raise
    except IntegrityError as exc:
        if "deal_one_approved_per_domain" in str(exc) or "customer_domain" in str(exc):
            raise _lost_race(registration) from exc
        raise


def _lost_race(registration: DealRegistration) -> DomainProtected:
    return DomainProtected(
        _(
            "Another registration for %(domain)s was approved a moment ago; this one cannot be "
            "approved while it protects the customer."
        )
        % {"domain": registration.customer_domain}
    )


def pending_extension_days(registration: DealRegistration) -> int | None:
    """The days the partner's waiting extension request asks for, if one waits."""
    return (
        ExtensionRequest.objects.filter(
            registration=registration, status=ExtensionRequest.Decision.PENDING
        )
        .values_list("days", flat=True)
        .first()
    )


def _settle_extension_requests(
    registration: DealRegistration, name: str, actor, now, *, kwargs: dict, input: dict
) -> None:
    """`extend` grants the pending request (the days granted and why, as the partner was
    told); leaving the approved state declines it."""
    if name == "extend":
        decided = {
            "status": ExtensionRequest.Decision.GRANTED,
            "granted_days": kwargs["days"],
            "decision_reason": (input.get("reason") or "").strip(),
        }
    elif registration.status != Status.APPROVED:
        decided = {"status": ExtensionRequest.Decision.DECLINED}
    else:
        return
    ExtensionRequest.objects.filter(
        registration=registration, status=ExtensionRequest.Decision.PENDING
    ).update(decided_at=now, decided_by=actor, **decided)


# What the partner's users are told of a transition, written in each one's language (Text).
_PARTNER_MESSAGES = {
    "approve": (
        gettext_noop("Registration approved: %(c)s"),
        gettext_noop(
            "Your registration of %(c)s is approved. "
            "The deal is protected for your company until %(until)s."
        ),
    ),
    "reject": (
        gettext_noop("Registration rejected: %(c)s"),
        gettext_noop("Your registration of %(c)s was not approved. Reason: %(note)s"),
    ),
    "extend": (
        gettext_noop("Protection extended: %(c)s"),
        gettext_noop("The protection of %(c)s now runs until %(until)s (%(note)s)."),
    ),
    "mark_won": (
        gettext_noop("Deal won: %(c)s"),
        gettext_noop("%(c)s is recorded as won. Congratulations!"),
    ),
    "mark_lost": (gettext_noop("Deal lost: %(c)s"), gettext_noop("%(c)s is recorded as lost.")),
    "request_info": (
        gettext_noop("Question about your registration: %(c)s"),
        gettext_noop(
            "Your partner manager needs more information before deciding on %(c)s: %(note)s\n"
            "Answer on the registration's page; the review continues once you do."
        ),
    ),
    "expire": (
        gettext_noop("Protection ended: %(c)s"),
        gettext_noop("The protection window of %(c)s has ended and the registration has expired."),
    ),
}


def _notify(registration: DealRegistration, name: str, note: str) -> None:
    c = registration.customer_name
    if name in _PARTNER_MESSAGES:
        subject, body = partner_text(registration, name, note)
        key = f"deal-{name}:{registration.pk}"
        if name == "extend":
            key += f":{registration.extensions_used}"
        elif name == "request_info":  # each question is told
            key += f":{registration.info_requested_at:%Y%m%d%H%M%S%f}"
        notify(
            recipients=partner_users(registration.partner_id),
            kind=f"deal_{name}",
            subject=subject,
            body=body,
            key=key,
            link=reverse("portal:deal_detail", args=[registration.pk]),
        )
    elif name == "provide_info":
        notify(
            recipients=vendor_side(registration.partner),
            kind="deal_info_provided",
            subject=Text(
                gettext_noop("Answer received: %(customer)s (%(partner)s)"),
                {"customer": c, "partner": registration.partner.name},
            ),
            body=note,
            key=f"deal-provide_info:{registration.pk}:{registration.review_from:%Y%m%d%H%M%S%f}",
            link=reverse("deals:detail", args=[registration.pk]),
        )
    elif name == "withdraw":
        notify(
            recipients=vendor_side(registration.partner),
            kind="deal_withdrawn",
            subject=Text(
                gettext_noop("Registration withdrawn: %(customer)s (%(partner)s)"),
                {"customer": c, "partner": registration.partner.name},
            ),
            body=Text(
                gettext_noop(
                    "%(partner)s withdrew its registration of %(customer)s: nothing is left to "
                    "decide, and the customer is free to be registered again."
                ),
                {"partner": registration.partner.name, "customer": c},
            ),
            key=f"deal-withdraw:{registration.pk}",
            link=reverse("deals:detail", args=[registration.pk]),
        )
