"""Checking and normalizing a registration's input, shared by the portal form, the API and the
service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput
from apps.core.numbers import NumberError, parse_decimal

from ..models import DealRegistration
from ..normalize import InvalidDomain, normalize_domain

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


def clean_domain(value: str) -> str:
    try:
        return normalize_domain(value)
    except InvalidDomain as exc:
        raise ValidationError(str(exc)) from exc


def clean_close_date(value, today) -> None:
    if value < today:
        raise ValidationError(_("The expected close date cannot be in the past."))
    if value.year > today.year + MAX_EXPECTED_CLOSE_YEARS:
        raise ValidationError(
            _("Expected close dates more than %(years)s years ahead are not accepted.")
            % {"years": MAX_EXPECTED_CLOSE_YEARS}
        )


def _normalized(data: dict) -> dict[str, Any]:
    """The creation fields with their text trimmed and their codes upper-cased; no checks yet."""
    cleaned: dict[str, Any] = {k: data.get(k) for k in CREATE_FIELDS}
    for key in ("customer_name", "contact_name", "product", "description", "contact_email"):
        if isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip()
    if cleaned["description"] is None:
        cleaned["description"] = ""
    for key in ("currency", "customer_country"):
        if isinstance(cleaned[key], str):
            cleaned[key] = cleaned[key].strip().upper()
    if isinstance(cleaned["contact_email"], str):
        cleaned["contact_email"] = cleaned["contact_email"].lower()
    return cleaned


def _convert(cleaned: dict[str, Any]) -> dict[str, list[str]]:
    """The domain normalized and the value made a Decimal, in place; the errors of what cannot be."""
    errors: dict[str, list[str]] = {}
    if isinstance(cleaned["customer_domain"], str):
        try:
            cleaned["customer_domain"] = clean_domain(cleaned["customer_domain"])
        except ValidationError as exc:
            errors["customer_domain"] = list(exc.messages)
    value = cleaned["estimated_value"]
    if value is not None and not isinstance(value, Decimal):
        # Text (an import cell): the shared parser; the model's checks bound it after.
        try:
            cleaned["estimated_value"] = parse_decimal(value)
        except NumberError as exc:
            errors["estimated_value"] = [str(exc)]
    return errors


def registration_validate(data: dict, *, today) -> dict:
    """Check and normalize creation input; raises InvalidInput({field: [messages]})."""
    cleaned = _normalized(data)
    errors = _convert(cleaned)
    probe = DealRegistration(**{k: v for k, v in cleaned.items() if k not in errors})
    try:
        # Fields only: uniqueness is the database's (the open-registration index, checked under
        # the submission's lock), and the probe's random id needs no look-up (RandomIdModel).
        probe.full_clean(
            exclude=["partner", "submitted_by", "status", *errors],
            validate_unique=False,
            validate_constraints=False,
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


def clean_text(value, field: str, *, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise InvalidInput({field: [_("Enter text.")]})
    if required and not text:
        raise InvalidInput({field: [_("Give a reason.")]})
    if len(text) > MAX_REASON:
        raise InvalidInput({field: [_("Keep it under %(max)s characters.") % {"max": MAX_REASON}]})
    if "\x00" in text:
        raise InvalidInput({field: [_("Null characters are not allowed.")]})
    return text
