"""Writes of the applications app: a company applies (`application_submit`), a manager accepts
or declines (`application_transition`, the one door of the status machine), admins configure
the questions of the ideal partner profile."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import PartnerRole
from apps.core import transitions
from apps.core.errors import InvalidInput, NotPermitted
from apps.core.iso import COUNTRY_CODES
from apps.deals.normalize import InvalidDomain, normalize_domain
from apps.notifications.services import notify_address
from apps.partners.services import partner_create
from apps.people.models import ContactRole
from apps.people.services import contact_create, invitation_create
from apps.program.models import PartnerType

from .models import Application, ProfileQuestion, Status
from .selectors import asked_questions

MAX_REASON = 2000
# The partner role the applicant is invited with: they run their company's portal.
APPLICANT_ROLE = PartnerRole.ADMIN


def fit_score(answers: list[dict]) -> int:
    """0–100: the weights of the answers given over the best weights the questions offer.
    Without a question that weighs anything there is nothing to measure: 0."""
    best = sum(a["max"] for a in answers)
    got = sum(a["weight"] for a in answers)
    return round(100 * got / best) if best else 0


def _answers(questions: list[ProfileQuestion], chosen: Mapping, errors: dict) -> list[dict]:
    """The answers as kept on the application; an unanswered or unknown one is an error."""
    kept = []
    for q in questions:
        choices = {str(c.pk): c for c in q.choices.all()}
        picked = choices.get(str(chosen.get(str(q.pk), chosen.get(q.pk, ""))))
        if picked is None:
            errors[f"q_{q.pk}"] = [_("Choose one of the answers.")]
            continue
        kept.append(
            {
                "question": q.text,
                "answer": picked.text,
                "weight": picked.weight,
                "max": max(c.weight for c in choices.values()),
            }
        )
    return kept


WEBSITE_ERROR = gettext_noop("Enter your company's website, e.g. acme.com.")


def website_and_domain(value: str) -> tuple[str, str] | None:
    """(the website as a URL, its registrable domain); None when it is no website."""
    text = (value or "").strip()
    url = text if "://" in text else f"https://{text}"
    try:
        URLValidator(schemes=["http", "https"])(url)
        return url[:300], normalize_domain(text)
    except (ValidationError, InvalidDomain):
        return None


def _website(value: str, errors: dict) -> tuple[str, str]:
    found = website_and_domain(value)
    if found is None:
        errors["website"] = [_(WEBSITE_ERROR)]
        return "", ""
    return found


def _required(fields: dict, errors: dict) -> dict:
    cleaned = {}
    limits = {"company": 200, "contact_name": 200}
    for name, limit in limits.items():
        value = (fields.get(name) or "").strip()
        if not value:
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [_("Keep it under %(n)s characters.") % {"n": limit}]
        cleaned[name] = value
    email = (fields.get("contact_email") or "").strip().lower()
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors["contact_email"] = [_("Enter a valid e-mail address.")]
    cleaned["contact_email"] = email
    country = (fields.get("country") or "").strip().upper()
    if country not in COUNTRY_CODES:
        errors["country"] = [_("Choose your country.")]
    cleaned["country"] = country
    return cleaned


def application_submit(
    *,
    fields: dict,
    partner_type: PartnerType | None,
    answers: Mapping,
    now: datetime | None = None,
) -> Application:
    """A company applies. The same work and the same answer whoever applies — a company already
    a partner or one that applied before is found in the queue, never told here. The applicant
    is e-mailed an acknowledgement through the outbox."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    cleaned = _required(fields, errors)
    website, domain = _website(fields.get("website", ""), errors)
    if partner_type is None:
        errors["partner_type"] = [_("Choose the kind of partnership.")]
    kept = _answers(asked_questions(), answers, errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        application = Application.objects.create(
            **cleaned,
            website=website,
            domain=domain,
            partner_type=partner_type,
            answers=kept,
            fit_score=fit_score(kept),
            language=_applicant_language(),
            created_at=now,
        )
        notify_address(
            email=application.contact_email,
            kind="application-received",
            subject=_("We received your application, %(company)s")
            % {"company": application.company},
            body=_(
                "Thank you for applying to our partner program. A partner manager reads every "
                "application and answers you by e-mail."
            ),
            key=f"application-received:{application.pk}",
        )
    return application


def _applicant_language() -> str:
    """The language the applicant reads (their request's), if it is one offered."""
    language = translation.get_language() or ""
    return language if language in dict(settings.LANGUAGES) else ""


def _in_applicants_language(application: Application):
    return translation.override(application.language or settings.LANGUAGE_CODE)


def _clean_reason(name: str, reason: str) -> str:
    reason = (reason or "").strip()
    if name == "decline" and not reason:
        raise InvalidInput({"reason": [_("Say why the application is declined.")]})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": [_("Keep it under %(n)s characters.") % {"n": MAX_REASON}]})
    return reason


def application_transition(
    *,
    application: Application,
    name: str,
    actor,
    reason: str = "",
    manager=None,
    now: datetime | None = None,
) -> Application:
    """Accept (a partner in recruitment, managed by `manager` or the actor, its applicant
    invited as the partner admin) or decline (the reason e-mailed to the applicant)."""
    now = now or timezone.now()
    if not getattr(actor, "is_staff_role", False):
        raise NotPermitted(_("Only partner managers and admins decide applications."))
    reason = _clean_reason(name, reason)
    with transaction.atomic():
        # Decided from the stored row, locked: two managers deciding at once decide once.
        locked = Application.objects.select_for_update().get(pk=application.pk)
        kwargs: dict = {"actor": actor, "now": now}
        if name == "accept" and locked.status == Status.RECEIVED:
            kwargs["partner"] = _partner_from(locked, actor=actor, manager=manager, now=now)
        elif name == "decline":
            kwargs["reason"] = reason
        transitions.apply(locked, "status", name, user=actor, **kwargs)
        if locked.status == Status.DECLINED:
            with _in_applicants_language(locked):
                _tell_declined(locked)
    return locked


def _partner_from(application: Application, *, actor, manager, now: datetime):
    partner = partner_create(
        actor=actor,
        name=application.company,
        website=application.website,
        partner_type=application.partner_type,
        manager=manager or actor,
    )
    # The applicant is the new partner's first contact, and its invitation names them: accepting
    # links the portal user to that contact.
    contact = contact_create(
        partner=partner,
        actor=actor,
        name=application.contact_name,
        email=application.contact_email,
        roles=[ContactRole.PRIMARY],
    )
    with _in_applicants_language(application):
        invitation_create(
            partner=partner,
            email=application.contact_email,
            partner_role=APPLICANT_ROLE,
            invited_by=actor,
            contact=contact,
            now=now,
        )
    return partner


def _tell_declined(application: Application) -> None:
    notify_address(
        email=application.contact_email,
        kind="application-declined",
        subject=_("Your partner application, %(company)s") % {"company": application.company},
        body=_(
            "Thank you for your interest in our partner program. We are not going ahead with "
            "your application at this time, for this reason:\n\n%(reason)s"
        )
        % {"reason": application.decline_reason},
        key=f"application-declined:{application.pk}",
    )
