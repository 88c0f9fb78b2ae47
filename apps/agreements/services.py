"""Writes of the agreements app: create/edit, and `agreement_transition` for every status change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import ConcurrentTransition

from apps.core import transitions
from apps.core.errors import ConcurrentChange, InvalidInput, NotPermitted
from apps.core.events import send_after_commit
from apps.core.formatting import format_number
from apps.core.pdf import pdf_page_count, sha256
from apps.notifications.services import Text, notify

from . import documents
from .events import agreement_signed
from .models import Agreement, AgreementTemplate, Status, has_started

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Once sent, the partner may be reading it: what they sign must be what they were sent.
EDITABLE_STATUSES = {Status.DRAFT}


def validate_document(upload) -> None:
    """A PDF (by its first bytes, not its name) of at most 10 MB."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The document must be a PDF of at most 10 MB."))
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("The document must be a PDF file."))


def _save(agreement: Agreement, **kwargs) -> None:
    try:
        agreement.save(**kwargs)
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            _("This agreement was changed by someone else meanwhile. Reload it and try again.")
        ) from exc


def agreement_create(*, actor, **fields) -> Agreement:
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins draft agreements."))
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
        raise NotPermitted(_("Only partner managers and admins edit agreements."))
    if agreement.status not in EDITABLE_STATUSES:
        raise InvalidInput(
            {
                "non_field_errors": [
                    _("Only a draft is edited; once sent, the text is what the partner signs.")
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
    **inputs: Any,
) -> Agreement:
    """The one way an agreement's status changes (pages, portal, API, exit, sweeps).

    `inputs` are the transition's own: `sign` takes `signed_by_name`, `document_sha256` (when
    given, it must be the document's: the signer read that one), `address` and `user_agent`;
    `terminate` a `reason`; `renew` an `end_date`.

    `send` attaches the document (generated from the kind's template unless one was uploaded);
    `sign` records who signed which bytes from where, appends the signature certificate, and
    activates the agreement at once when its start date has come (else the sweep does, then).
    """
    now = now or timezone.now()
    cleaner = _INPUTS.get(name)
    kwargs = cleaner(agreement, actor, inputs) if cleaner else {}
    agreement.as_of = timezone.localdate(now)
    with transaction.atomic():
        try:
            transitions.apply(agreement, "status", name, user=actor, now=now, **kwargs)
        except ConcurrentTransition as exc:  # pragma: no cover - apply converts it already
            raise ConcurrentChange(str(exc)) from exc
        if name == "send":
            _attach_document(agreement, now=now)
        elif name in ("sign", "countersign"):
            _write_signed_document(agreement, now=now)
        if name == "sign" and has_started(agreement):
            transitions.apply(agreement, "status", "activate", now=now)
        _announce(agreement, name, actor)
    return agreement


def _attach_document(agreement: Agreement, *, now: datetime) -> None:
    """The document the partner will read and sign, and its fingerprint."""
    template = AgreementTemplate.objects.filter(kind=agreement.kind).first()
    if agreement.document:
        with agreement.document.open("rb") as handle:
            content = handle.read()
        try:  # its signature certificate will be appended to it: it must be a PDF one can read
            readable = pdf_page_count(content) > 0
        except Exception:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
            readable = False
        if not readable:
            raise InvalidInput(
                {"document": [_("The uploaded document is not a readable PDF: upload it again.")]}
            )
        agreement.document_sha256 = sha256(content)
        agreement.document_generated = False
    else:
        if template is None:  # the send condition holds: one of the two exists
            raise InvalidInput({"document": [_("There is no document or template to send.")]})
        generated = documents.generate(agreement, template, today=timezone.localdate(now))
        agreement.document.save("agreement.pdf", ContentFile(generated.content), save=False)
        agreement.document_sha256 = generated.sha256
        agreement.document_generated = True
    agreement.countersign_required = bool(template and template.countersign)
    _save(
        agreement,
        update_fields=["document", "document_sha256", "document_generated", "countersign_required"],
    )


def _write_signed_document(agreement: Agreement, *, now: datetime) -> None:
    """The stored PDF: the exact document signed, then its signature certificate."""
    with agreement.document.open("rb") as handle:
        original = handle.read()
    if sha256(original) != agreement.signed_document_sha256:
        raise ConcurrentChange(_("The document changed after it was sent; it cannot be signed."))
    content = documents.with_certificate(original, agreement, now=now)
    agreement.signed_document.save("signed.pdf", ContentFile(content), save=False)
    _save(agreement, update_fields=["signed_document"])


# The arguments each transition takes, cleaned; InvalidInput for what a person must fix.


def _sign_input(agreement: Agreement, actor, inputs: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (inputs.get("signed_by_name") or "").strip()
    if not name:
        errors["signed_by_name"] = [_("Type the signer's full name.")]
    elif len(name) > 200:
        errors["signed_by_name"] = [_("Keep the name under 200 characters.")]
    read = (inputs.get("document_sha256") or "").strip().lower()
    if read and read != agreement.document_sha256:
        errors["document_sha256"] = [
            _("The document changed since you opened it: read it again before signing.")
        ]
    if errors:
        raise InvalidInput(errors)
    return {
        "signed_by_name": name,
        "signed_by": actor,
        "address": inputs.get("address") or "",
        "user_agent": inputs.get("user_agent") or "",
    }


def _terminate_input(agreement: Agreement, actor, inputs: dict[str, Any]) -> dict[str, Any]:
    reason = (inputs.get("reason") or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Say why the agreement is terminated.")]})
    if len(reason) > 2000:
        raise InvalidInput(
            {"reason": [_("Keep it under %(max)s characters.") % {"max": format_number(2000)}]}
        )
    return {"reason": reason}


def _renew_input(agreement: Agreement, actor, inputs: dict[str, Any]) -> dict[str, Any]:
    end_date: date | None = inputs.get("end_date")
    if end_date is None:
        raise InvalidInput({"end_date": [_("Give the new end date.")]})
    if agreement.end_date and end_date <= agreement.end_date:
        raise InvalidInput({"end_date": [_("The new end date must be after the current one.")]})
    if end_date < agreement.start_date:
        raise InvalidInput({"end_date": [_("The end date cannot be before the start date.")]})
    return {"end_date": end_date}


def _countersign_input(agreement: Agreement, actor, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"countersigned_by": actor}


_INPUTS = {
    "sign": _sign_input,
    "terminate": _terminate_input,
    "renew": _renew_input,
    "countersign": _countersign_input,
}


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
            subject=Text(
                gettext_noop("An agreement awaits your signature: %(title)s"),
                {"title": agreement.title},
            ),
            body=Text(gettext_noop("Read it and sign it in the partner portal.")),
            key=f"agreement-sent:{agreement.pk}",
            link=reverse("portal:agreement_detail", args=[agreement.pk]),
        )
    elif name == "sign" and partner.manager_id and partner.manager_id != getattr(actor, "pk", None):
        notify(
            recipients=[partner.manager_id],
            kind="agreement-signed",
            subject=Text(
                gettext_noop("%(partner)s signed %(title)s"),
                {"partner": partner.name, "title": agreement.title},
            ),
            body=_signed_body(agreement),
            key=f"agreement-signed:{agreement.pk}",
            link=reverse("agreements:detail", args=[agreement.pk]),
        )


# Whole sentences for each case, written in the manager's own language (Text).
_SIGNED_BODIES = {
    (False, False): gettext_noop("Signed by %(name)s."),
    (True, False): gettext_noop(
        "Signed by %(name)s. It becomes active on its start date, %(start)s."
    ),
    (False, True): gettext_noop("Signed by %(name)s. Its template asks for your countersignature."),
    (True, True): gettext_noop(
        "Signed by %(name)s. It becomes active on its start date, %(start)s. Its template asks "
        "for your countersignature."
    ),
}


def _signed_body(agreement: Agreement) -> Text:
    waits = agreement.status == Status.SIGNED
    return Text(
        _SIGNED_BODIES[(waits, bool(agreement.countersign_required))],
        {"name": agreement.signed_by_name, "start": agreement.start_date},
    )


def agreement_template_update(
    *, template: AgreementTemplate, actor, title: str, body: str, countersign: bool
) -> AgreementTemplate:
    """Admins keep the templates; a text naming a field that does not exist is refused."""
    if not getattr(actor, "is_admin", False):
        raise NotPermitted(_("Only admins edit agreement templates."))
    unknown = documents.unknown_fields(body)
    if unknown:
        raise InvalidInput({"body": [documents.unknown_fields_message(unknown)]})
    template.title = title
    template.body = body
    template.countersign = countersign
    template.updated_by = actor
    try:
        template.full_clean()
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    template.save()
    return template
