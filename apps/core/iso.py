"""ISO 3166-1 countries and ISO 4217 currencies: the codes from pycountry (Debian's iso-codes),
the names from babel (CLDR) in the active language.

Model fields store the codes and take `country_choices` / `currency_choices` as callable choices:
the list is neither baked into migrations nor computed at import, and names follow the language
of the request."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# ISO 4217 codes that are not money a deal is priced in: funds (BOV … UYW), precious metals,
# bond-market units, the SDR and accounting units, and the testing and "no currency" codes.
NOT_MONEY = frozenset(
    {
        *("BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"),
        *("XAG", "XAU", "XPD", "XPT"),
        *("XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XAD"),
        *("XTS", "XXX"),
    }
)

COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)
CURRENCY_CODES = frozenset(c.alpha_3 for c in pycountry.currencies) - NOT_MONEY

COUNTRY_ERROR = _("%(value)s is not an ISO 3166-1 country code: use two letters, e.g. DE.")
CURRENCY_ERROR = _("%(value)s is not an ISO 4217 currency code: use three letters, e.g. EUR.")


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    return Locale.parse(translation.to_locale(language))


def _sort_key(name: str) -> str:
    """A name as a reader looks it up: accents and case set aside ("Österreich" among the O's,
    "États-Unis" among the E's), not after "Z" as code points would put them."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=16)
def _country_choices(language: str) -> list[tuple[str, str]]:
    names = _locale(language).territories
    return sorted(
        ((c.alpha_2, names.get(c.alpha_2, c.name)) for c in pycountry.countries),
        key=lambda choice: (_sort_key(choice[1]), choice[1]),
    )


@lru_cache(maxsize=16)
def _currency_choices(language: str) -> list[tuple[str, str]]:
    names = _locale(language).currencies  # CLDR may lack a rare one in a language: ISO's name
    return sorted(
        (c.alpha_3, names.get(c.alpha_3, c.name))
        for c in pycountry.currencies
        if c.alpha_3 in CURRENCY_CODES
    )


def country_choices() -> list[tuple[str, str]]:
    """(code, name) by name, in the active language."""
    return _country_choices(_language())


def currency_choices() -> list[tuple[str, str]]:
    """(code, name) by code, in the active language."""
    return _currency_choices(_language())


def validate_country_code(value: str) -> None:
    """A model or form validator: `value` is an ISO 3166-1 alpha-2 code (upper case)."""
    if value not in COUNTRY_CODES:
        raise ValidationError(COUNTRY_ERROR, code="invalid_country", params={"value": value})
