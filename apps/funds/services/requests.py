"""Fund requests: creating and changing one, its files, and `fund_request_transition`, the one way
its status changes (portal, manager page, API, sweep) — with the ledger movements each makes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.audiences import partner_users, vendor_side
from apps.core import transitions
from apps.core.access import WORKS_FUNDS, partner_role_allows
from apps.core.errors import DomainError, InvalidInput, NotPermitted, TransitionNotAllowed
from apps.core.formatting import format_money
from apps.core.uploads import IMAGES, MB, PDF, clean_name, random_name, validate_upload
from apps.notifications.services import Amount, Text, notify

from ..models import (
    ActivityType,
    FundAllocation,
    FundFile,
    FundRequest,
    FundRequestEvent,
    Movement,
    Status,
)
from .allocations import clean_amount
from .ledger import insufficient, record

MAX_TEXT = 2000
MAX_FILE_BYTES = 10 * MB
EDITABLE = (Status.DRAFT, Status.RETURNED)
FILES_OPEN = (Status.APPROVED, Status.CLAIM_RETURNED)
REQUEST_FIELDS = [
    "activity_type",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "requested_amount",
    "expected_leads",
    "expected_pipeline",
]


def clean_text(value, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput({field: [_("Enter text.")]})
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput({field: [_("This is needed.")]})
    if len(text) > limit:
        raise InvalidInput({field: [_("Keep it under %(max)s characters.") % {"max": limit}]})
    if "\x00" in text:
        raise InvalidInput({field: [_("Null characters are not allowed.")]})
    return text


def _count(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise InvalidInput({field: [_("Enter a whole number from 0 to 1,000,000.")]})
    return value


def _clean_request(data: dict) -> dict:
    activity = data.get("activity_type")
    if activity not in ActivityType.values:
        raise InvalidInput({"activity_type": [_("Choose the kind of activity.")]})
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise InvalidInput({"starts_on": [_("Give the activity's dates.")]})
    if ends_on < starts_on:
        raise InvalidInput({"ends_on": [_("The activity ends on or after the day it starts.")]})
    return {
        "activity_type": activity,
        "title": clean_text(data.get("title"), "title", required=True, limit=200),
        "description": clean_text(
            data.get("description"), "description", required=False, limit=5000
        ),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "requested_amount": clean_amount(data.get("requested_amount"), "requested_amount"),
        "expected_leads": _count(data.get("expected_leads"), "expected_leads") or 0,
        "expected_pipeline": clean_amount(
            data.get("expected_pipeline") or 0, "expected_pipeline", allow_zero=True
        ),
    }


def _require_partner_worker(actor, partner_id: int) -> None:
    if not (
        getattr(actor, "is_partner_user", False)
        and actor.partner_id == partner_id
        and partner_role_allows(actor, WORKS_FUNDS)
    ):
        raise NotPermitted(_("Partner members and admins request funds for their own company."))


@transaction.atomic
def fund_request_create(
    *, allocation: FundAllocation, actor, data: dict, submit: bool = False, now=None
) -> FundRequest:
    """A partner member's request on its company's allocation, as a draft or submitted at once."""
    now = now or timezone.now()
    _require_partner_worker(actor, allocation.partner_id)
    if allocation.deadline_passed(timezone.localdate(now)):
        raise DomainError(_("This allocation's claim deadline has passed: no new requests on it."))
    fund_request = FundRequest.objects.create(
        allocation=allocation,
        partner_id=allocation.partner_id,
        requested_by=actor,
        created_at=now,
        **_clean_request(data),
    )
    FundRequestEvent.objects.create(
        request=fund_request,
        transition="create",
        to_status=fund_request.status,
        actor=actor,
        at=now,
    )
    if submit:
        fund_request_transition(fund_request=fund_request, name="submit", actor=actor, now=now)
    return fund_request


@transaction.atomic
def fund_request_update(
    *, fund_request: FundRequest, actor, data: dict, submit: bool = False, via: str = "", now=None
) -> FundRequest:
    """The partner changes a draft or a request returned for changes (`data`: every field of
    REQUEST_FIELDS), and with `submit` sends it to review again in the same transaction."""
    now = now or timezone.now()
    _require_partner_worker(actor, fund_request.partner_id)
    # Under the row's lock: a manager cannot decide it while it changes under them.
    fund_request = (
        FundRequest.objects.select_related("allocation", "partner")
        .select_for_update(of=("self",))
        .get(pk=fund_request.pk)
    )
    if fund_request.status not in EDITABLE:
        raise TransitionNotAllowed(
            _("Only a draft or a request returned for changes can be edited.")
        )
    for name, value in _clean_request(data).items():
        setattr(fund_request, name, value)
    fund_request.save(update_fields=REQUEST_FIELDS)
    FundRequestEvent.objects.create(
        request=fund_request,
        transition="edit",
        from_status=fund_request.status,
        to_status=fund_request.status,
        actor=actor,
        via=via,
        at=now,
    )
    if submit:
        fund_request_transition(
            fund_request=fund_request, name="submit", actor=actor, now=now, via=via
        )
    return fund_request


@transaction.atomic
def fund_file_add(*, fund_request: FundRequest, kind: str, upload, actor, now=None) -> FundFile:
    """A proof of performance or an invoice (PDF or image, at most 10 MB), while the claim is
    being prepared."""
    _require_partner_worker(actor, fund_request.partner_id)
    if kind not in FundFile.Kind.values:
        raise InvalidInput(
            {"kind": [_("Say whether it is the invoice or a proof of performance.")]}
        )
    if fund_request.status not in FILES_OPEN:
        raise DomainError(
            _("Files are added while the claim is prepared (approved, or the claim returned)."),
            code="transition_not_allowed",
        )
    try:
        found = validate_upload(upload, kinds=(PDF, *IMAGES), max_bytes=MAX_FILE_BYTES)
    except ValidationError as exc:
        raise InvalidInput({"file": list(exc.messages)}) from None
    name = clean_name(getattr(upload, "name", "") or "file")
    stored = FundFile(
        request=fund_request,
        kind=kind,
        name=name,
        content_type=found.content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
    )
    stored.file.save(random_name(name, "funds"), upload, save=False)
    stored.save()
    return stored


def _transition_input(fund_request: FundRequest, name: str, data: dict) -> tuple[dict, str]:
    """(kwargs for the model method, the note kept in history)."""
    if name in ("reject", "reject_claim"):
        reason = clean_text(data.get("reason"), "reason", required=True)
        return {"reason": reason}, reason
    if name == "return":
        note = clean_text(data.get("note"), "note", required=True)
        return {"note": note}, note
    if name in ("approve", "approve_claim", "claim"):
        return _money_input(fund_request, name, data)
    if name == "pay":
        reference = clean_text(data.get("reference"), "reference", required=True, limit=100)
        paid_on = data.get("paid_on")
        if not isinstance(paid_on, date):
            raise InvalidInput({"paid_on": [_("Give the payment date.")]})
        return {"reference": reference, "paid_on": paid_on}, f"paid, reference {reference}"
    return {}, ""


def _money_input(fund_request: FundRequest, name: str, data: dict) -> tuple[dict, str]:
    cur = fund_request.allocation.currency
    if name == "approve":
        amount = clean_amount(data.get("approved_amount"), "approved_amount")
        if amount > fund_request.requested_amount:
            raise InvalidInput(
                {
                    "approved_amount": [
                        _("Approve at most the %(amount)s asked.")
                        % {"amount": format_money(fund_request.requested_amount, cur)}
                    ]
                }
            )
        return {"approved_amount": amount}, f"approved {amount} {cur}"
    if name == "claim":
        cost = clean_amount(data.get("actual_cost"), "actual_cost")
        kwargs = {
            "actual_cost": cost,
            "leads_created": _count(data.get("leads_created"), "leads_created"),
            "registrations_created": _count(
                data.get("registrations_created"), "registrations_created"
            ),
        }
        return kwargs, f"actual cost {cost} {cur}"
    amount = clean_amount(data.get("amount"), "amount")
    approved = fund_request.approved_amount or Decimal("0")
    if amount > approved:
        raise InvalidInput(
            {
                "amount": [
                    _("Approve at most the %(amount)s approved.")
                    % {"amount": format_money(approved, cur)}
                ]
            }
        )
    return {"amount": amount}, f"claim approved {amount} {cur}"


def _ledger(fund_request: FundRequest, name: str, *, before: str, actor, now, note: str) -> None:
    """What the transition did to the money, as movements (the database moves the balances)."""
    allocation, approved = fund_request.allocation, fund_request.approved_amount or Decimal("0")

    def move(kind: str, amount: Decimal) -> None:
        record(
            allocation=allocation,
            kind=kind,
            amount=amount,
            actor=actor,
            now=now,
            request=fund_request,
            note=f"{fund_request.title}: {note or name}",
        )

    if name == "approve":
        move(Movement.Kind.COMMITTED, approved)
    elif name == "approve_claim":
        move(Movement.Kind.CLAIMED, fund_request.claim_amount or Decimal("0"))
        move(Movement.Kind.RELEASED, approved - (fund_request.claim_amount or Decimal("0")))
    elif name == "pay":
        move(Movement.Kind.PAID, fund_request.claim_amount or Decimal("0"))
    elif name in ("reject_claim", "cancel", "expire") and before in (
        Status.APPROVED,
        Status.CLAIMED,
        Status.CLAIM_RETURNED,
    ):
        move(Movement.Kind.RELEASED, approved)


# Names whose transitions move money: they lock the allocation's balance row first, so one
# allocation's approvals, claims and payments are decided one after the other.
MOVES_MONEY = {"approve", "approve_claim", "reject_claim", "pay", "cancel", "expire"}


@transaction.atomic
def fund_request_transition(
    *,
    fund_request: FundRequest,
    name: str,
    actor,
    now: datetime | None = None,
    via: str = "",
    **input,
) -> FundRequest:
    """Run transition `name`; raises the core DomainErrors (409, InsufficientFunds among them),
    InvalidInput (400), NotPermitted (403). `actor` None runs as the system (the sweep)."""
    now = now or timezone.now()
    system = actor is None
    if name not in transitions.names(fund_request, "status"):
        raise DomainError(
            _("There is no transition called “%(n)s”.") % {"n": name},
            code="transition_not_allowed",
        )
    if not system and not transitions.permitted(fund_request, "status", name, actor):
        raise NotPermitted(
            _("Your role may not %(action)s this fund request.")
            % {"action": name.replace("_", " ")}
        )
    if name not in transitions.from_current_state(fund_request, "status"):
        state = transitions.state_label(fund_request, "status", fund_request.status)
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible while %(state)s.")
            % {"action": transitions.transition_label(fund_request, "status", name), "state": state}
        )
    if name in MOVES_MONEY:
        fund_request.allocation = FundAllocation.objects.select_for_update().get(
            pk=fund_request.allocation_id
        )
    kwargs, note = _transition_input(fund_request, name, input)
    allocation = fund_request.allocation
    if name == "approve":
        if allocation.deadline_passed(timezone.localdate(now)):
            raise DomainError(
                _("The allocation's claim deadline has passed: the activity could not be claimed."),
                code="conditions_unmet",
                unmet=[_("The allocation's claim deadline has not passed.")],
            )
        if kwargs["approved_amount"] > allocation.remaining:
            raise insufficient(allocation, kwargs["approved_amount"])
        kwargs["claim_due"] = allocation.claim_deadline
    before = fund_request.status
    transitions.apply(
        fund_request, "status", name, user=None if system else actor, now=now, actor=actor, **kwargs
    )
    _ledger(fund_request, name, before=before, actor=actor, now=now, note=note)
    FundRequestEvent.objects.create(
        request=fund_request,
        transition=name,
        from_status=before,
        to_status=fund_request.status,
        actor=actor,
        note=note,
        via=via,
        at=now,
    )
    _notify(fund_request, name, note)
    return fund_request


_PARTNER_MESSAGES = {
    "approve": (
        gettext_noop("Funds approved: %(t)s"),
        gettext_noop(
            "Approved: %(amount)s. Submit the claim with the invoice and proof of performance "
            "by %(due)s."
        ),
    ),
    "reject": (gettext_noop("Fund request not approved: %(t)s"), gettext_noop("Reason: %(note)s")),
    "return": (
        gettext_noop("Changes asked: %(t)s"),
        gettext_noop("Your partner manager asks for changes: %(note)s"),
    ),
    "approve_claim": (
        gettext_noop("Claim approved: %(t)s"),
        gettext_noop("Claim approved: %(amount)s. Payment follows."),
    ),
    "reject_claim": (gettext_noop("Claim rejected: %(t)s"), gettext_noop("Reason: %(note)s")),
    "pay": (gettext_noop("Funds paid: %(t)s"), gettext_noop("Paid, reference %(reference)s.")),
    "expire": (
        gettext_noop("Funds expired: %(t)s"),
        gettext_noop("The claim deadline passed without a claim; the approved amount is released."),
    ),
}

_REVIEW_MESSAGES = {
    "submit": (
        gettext_noop("Fund request to review: %(t)s (%(partner)s)"),
        gettext_noop("%(partner)s asks for funds for “%(title)s”: it waits for your decision."),
    ),
    "claim": (
        gettext_noop("Claim to review: %(t)s (%(partner)s)"),
        gettext_noop(
            "%(partner)s claims the costs of “%(title)s”: check the proof and the invoice."
        ),
    ),
}


def _notify(fund_request: FundRequest, name: str, note: str) -> None:
    """Each recipient reads it in their own language, the amounts and dates too."""
    t = fund_request.title
    key = f"fund-{name}:{fund_request.pk}:{fund_request.events.count()}"
    if name in _PARTNER_MESSAGES:
        subject, body = _PARTNER_MESSAGES[name]
        currency = fund_request.allocation.currency
        amount = (
            fund_request.claim_amount if name == "approve_claim" else fund_request.approved_amount
        )
        params = {
            "t": t,
            "note": note,
            "due": fund_request.claim_due,
            "reference": fund_request.payment_reference,
            "amount": Amount(amount or Decimal("0"), currency),
        }
        notify(
            recipients=partner_users(fund_request.partner_id),
            kind=f"fund_{name}",
            subject=Text(subject, {"t": t}),
            body=Text(body, params),
            key=key,
            link=reverse("portal:fund_request", args=[fund_request.pk]),
        )
    elif name in _REVIEW_MESSAGES:
        subject, body = _REVIEW_MESSAGES[name]
        params = {"t": t, "title": t, "partner": fund_request.partner.name}
        notify(
            recipients=vendor_side(fund_request.partner),
            kind=f"fund_{name}",
            subject=Text(subject, params),
            body=Text(body, params),
            key=key,
            link=reverse("funds:request", args=[fund_request.pk]),
        )
