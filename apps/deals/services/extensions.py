"""A partner asks for more protection; a manager grants it as asked, grants fewer days (saying
why), or declines it (saying why) — the partner is told the decision in words."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext_lazy

from apps.accounts.audiences import partner_users, vendor_side
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.notifications.services import Text, notify
from apps.program.models import ProgramSettings

from ..models import DealRegistration, ExtensionRequest, RegistrationEvent, Status
from .review import registration_transition
from .validation import clean_text


@transaction.atomic
def extension_request_create(
    *, registration: DealRegistration, requested_by, days, reason: str = "", now=None
) -> ExtensionRequest:
    now = now or timezone.now()
    if not (requested_by.is_partner_user and requested_by.partner_id == registration.partner_id):
        raise NotPermitted(_("Only the registering partner asks for an extension."))
    if registration.status != Status.APPROVED:
        raise DomainError(
            _("An extension can be asked for only while the registration is approved."),
            code="transition_not_allowed",
        )
    limit = min(90, ProgramSettings.get().max_extension_days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        raise InvalidInput({"days": [_("Ask for 1 to %(limit)s days.") % {"limit": limit}]})
    reason = clean_text(reason, "reason", required=False)
    if registration.extensions_used >= ProgramSettings.get().max_extensions:
        raise DomainError(
            _("The maximum number of extensions has been used."),
            code="conditions_unmet",
            unmet=[_("The maximum number of extensions has been used.")],
        )
    if registration.extension_requests.filter(status=ExtensionRequest.Decision.PENDING).exists():
        raise DomainError(
            _("An extension request is already waiting for the partner manager."),
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
        recipients=vendor_side(registration.partner),
        kind="deal_extension_requested",
        subject=Text(
            gettext_noop("Extension requested: %(customer)s (%(partner)s)"),
            {"customer": registration.customer_name, "partner": registration.partner.name},
        ),
        body=Text(
            ngettext_lazy(
                "%(partner)s asks for %(days)s more day of protection.",
                "%(partner)s asks for %(days)s more days of protection.",
                "days",
            ),
            {"partner": registration.partner.name, "days": days},
        ),
        key=f"deal-extension-request:{request.pk}",
        link=reverse("deals:detail", args=[registration.pk]),
    )
    return request


@transaction.atomic
def extension_request_grant(
    *, request: ExtensionRequest, actor, days: int | None = None, reason: str = "", now=None
) -> DealRegistration:
    """Grant the days asked for (`days` None), or fewer with a reason the partner is told:
    the `extend` transition, which settles the request (review.registration_transition)."""
    if request.status != ExtensionRequest.Decision.PENDING:
        raise DomainError(_("This request was already decided."), code="transition_not_allowed")
    return registration_transition(
        registration=request.registration,
        name="extend",
        actor=actor,
        now=now,
        days=request.days if days is None else days,
        reason=reason,
    )


@transaction.atomic
def extension_request_decline(
    *, request: ExtensionRequest, actor, reason: str, now=None
) -> ExtensionRequest:
    now = now or timezone.now()
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers decide on extensions."))
    if request.status != ExtensionRequest.Decision.PENDING:
        raise DomainError(_("This request was already decided."), code="transition_not_allowed")
    reason = clean_text(reason, "reason", required=True)
    request.status = ExtensionRequest.Decision.DECLINED
    request.decided_at, request.decided_by, request.decision_reason = now, actor, reason
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    registration = request.registration
    RegistrationEvent.objects.create(
        registration=registration,
        transition="decline_extension",
        from_status=registration.status,
        to_status=registration.status,
        actor=actor,
        note=reason,
        at=now,
    )
    notify(
        recipients=partner_users(registration.partner_id),
        kind="deal_extension_declined",
        subject=Text(
            gettext_noop("Extension not granted: %(customer)s"),
            {"customer": registration.customer_name},
        ),
        body=Text(
            gettext_noop(
                "Your request for %(days)s more days of protection of %(customer)s was declined. "
                "Reason: %(reason)s"
            ),
            {"days": request.days, "customer": registration.customer_name, "reason": reason},
        ),
        key=f"deal-extension-declined:{request.pk}",
        link=reverse("portal:deal_detail", args=[registration.pk]),
    )
    return request
