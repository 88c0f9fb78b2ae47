"""What a one-line text may not hold (names, titles, specializations): control, bidi-override,
surrogate, private-use and unassigned characters. The API schema's one-line pattern
(apps/core/serializers.py, CONTROL) states the same for the characters a pattern can list."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidi overrides and isolates can make a name read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ are part of how some scripts are written


def is_control(ch: str) -> bool:
    if ch in JOINERS:
        return False
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")


def has_control_characters(text: str) -> bool:
    return any(is_control(ch) for ch in text)


CONTROL_REFUSED = _("Remove the control characters from this text.")


def refuse_control_characters(value: str) -> None:
    """The validator of a one-line text (a model field's, an API field's)."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_REFUSED, code="control")
