"""Writes of the agreements app: create/edit, and `agreement_transition` for every status change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition

from apps.core import transitions
from apps.core.errors import ConcurrentChange, InvalidInput, NotPermitted
from apps.core.events import send_after_commit
from apps.notifications.services import notify

from .events import agreement_signed
from .models import Agreement, Status

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Once sent, the partner may be reading it: what they sign must be what they were sent.
EDITABLE_STATUSES = {Status.DRAFT}


def validate_document(upload) -> None:
    """A PDF (by its first bytes, not its name) of at most 10 MB."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError("The document must be a PDF of at most 10 MB.")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError("The document must be a PDF file.")


def _save(agreement: Agreement, **kwargs) -> None:
    try:
        agreement.save(**kwargs)
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            "This agreement was changed by someone else meanwhile. Reload it and try again."
        ) from exc


def agreement_create(*, actor, **fields) -> Agreement:
    if not actor.is_staff_role:
        raise NotPermitted("Only partner managers and admins draft agreements.")
    fields.pop("status", None)
    if not fields.get("document"):
        fields.pop("document", None)
    agreement = Agreement(**fields)
    try:
        agreement.full_clean(exclude=["status"])  # protected: transitions only
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    agreement.save()
    return agreement


def agreement_update(*, agreement: Agreement, actor, **fields) -> Agreement:
    if not actor.is_staff_role:
        raise NotPermitted("Only partner managers and admins edit agreements.")
    if agreement.status not in EDITABLE_STATUSES:
        raise InvalidInput(
            {
                "non_field_errors": [
                    "Only a draft is edited; once sent, the text is what the partner signs."
                ]
            }
        )
    fields.pop("status", None)
    for key, value in fields.items():
        setattr(agreement, key, value)
    try:
        agreement.full_clean(exclude=["status"])  # protected: transitions only
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    _save(agreement)
    return agreement


def agreement_transition(
    *,
    agreement: Agreement,
    name: str,
    actor=None,
    now: datetime | None = None,
    signed_by_name: str = "",
    reason: str = "",
    end_date: date | None = None,
) -> Agreement:
    """The one way an agreement's status changes (pages, portal, API, exit, sweeps)."""
    now = now or timezone.now()
    kwargs = _transition_input(
        agreement,
        name,
        actor=actor,
        signed_by_name=signed_by_name,
        reason=reason,
        end_date=end_date,
    )
    agreement.as_of = timezone.localdate(now)
    with transaction.atomic():
        try:
            transitions.apply(agreement, "status", name, user=actor, now=now, **kwargs)
        except ConcurrentTransition as exc:  # pragma: no cover - apply converts it already
            raise ConcurrentChange(str(exc)) from exc
        _announce(agreement, name, actor)
    return agreement


def _transition_input(
    agreement: Agreement, name: str, *, actor, signed_by_name: str, reason: str, end_date
) -> dict[str, Any]:
    """The arguments transition `name` takes, cleaned; InvalidInput for what a person must fix."""
    kwargs: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if name == "sign":
        signed_by_name = (signed_by_name or "").strip()
        if not signed_by_name:
            errors["signed_by_name"] = ["Type the signer's full name."]
        elif len(signed_by_name) > 200:
            errors["signed_by_name"] = ["Keep the name under 200 characters."]
        kwargs.update(signed_by_name=signed_by_name, signed_by=actor)
    elif name == "terminate":
        reason = (reason or "").strip()
        if not reason:
            errors["reason"] = ["Say why the agreement is terminated."]
        elif len(reason) > 2000:
            errors["reason"] = ["Keep it under 2000 characters."]
        kwargs["reason"] = reason
    elif name == "renew":
        if end_date is None:
            errors["end_date"] = ["Give the new end date."]
        elif agreement.end_date and end_date <= agreement.end_date:
            errors["end_date"] = ["The new end date must be after the current one."]
        elif end_date < agreement.start_date:
            errors["end_date"] = ["The end date cannot be before the start date."]
        kwargs["end_date"] = end_date
    if errors:
        raise InvalidInput(errors)
    return kwargs


def _announce(agreement: Agreement, name: str, actor) -> None:
    partner = agreement.partner
    if name == "sign":
        send_after_commit(
            agreement_signed,
            Agreement,
            agreement_id=agreement.pk,
            partner_id=agreement.partner_id,
            status=agreement.status,
            actor_id=getattr(actor, "pk", None),
        )
    if name == "send":
        notify(
            recipients=partner.users.filter(is_active=True),
            kind="agreement-sent",
            subject=f"An agreement awaits your signature: {agreement.title}",
            body="Read it and sign it in the partner portal.",
            key=f"agreement-sent:{agreement.pk}",
            link=reverse("portal:agreement_detail", args=[agreement.pk]),
        )
    elif name == "sign" and partner.manager_id and partner.manager_id != getattr(actor, "pk", None):
        notify(
            recipients=[partner.manager_id],
            kind="agreement-signed",
            subject=f"{partner.name} signed {agreement.title}",
            body=f"Signed by {agreement.signed_by_name}.",
            key=f"agreement-signed:{agreement.pk}",
            link=reverse("agreements:detail", args=[agreement.pk]),
        )
