"""How a customer is recognised across registrations: its registrable domain and its name key.

`normalize_domain` turns whatever a partner typed (a URL, `WWW.Shop.Acme.co.uk:443/about`, an
e-mail address, an IDN) into the customer's registrable domain (`acme.co.uk`): the host name
(lowercase, no scheme, user-info, port, path or trailing dot, IDN as punycode) cut to one label
under its public suffix, as the Public Suffix List says (tldextract's bundled snapshot, private
suffixes such as github.io included: `acme.github.io` is a customer of its own). Any host under
a registered domain is that customer. The list ships with tldextract; a newer copy can be named
by the `PUBLIC_SUFFIX_LIST_FILE` setting (a local file: nothing is fetched at run time). `name_key` turns a customer name into what similarity is scored on (case, accents,
punctuation and legal suffixes ignored); PostgreSQL's pg_trgm scores the similarity of two keys.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit

import tldextract
from django.conf import settings
from django.utils.translation import gettext as _

MAX_DOMAIN_LENGTH = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)

# Legal-form words that say nothing about which customer it is.
LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "kgaa",
        "ug",
        "se",
        "sa",
        "sas",
        "sarl",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "pty",
        "pte",
        "pvt",
        "sl",
        "slu",
        "kft",
        "zrt",
        "sp",
        "zoo",
        "sro",
        "doo",
        "ooo",
        "bhd",
        "sdn",
        "kk",
        "group",
        "holding",
        "holdings",
        "the",
    ]
)


class InvalidDomain(ValueError):
    pass


@cache
def _public_suffixes() -> tldextract.TLDExtract:
    path = getattr(settings, "PUBLIC_SUFFIX_LIST_FILE", "")
    return tldextract.TLDExtract(
        suffix_list_urls=(f"file://{path}",) if path else (),
        cache_dir=None,
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


def _host(text: str) -> str:
    """The host name in a URL, a bare host, `host:port/path` or an e-mail address."""
    if not _SCHEME.match(text) and not text.startswith("//"):
        text = "//" + text  # `nora@acme.com` parses as user-info @ host, like a URL's
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        host = parts.hostname or ""
    except ValueError as exc:
        raise InvalidDomain(_("Enter a domain such as acme.com or a website address.")) from exc
    host = host.strip().rstrip(".").lower()
    if not host:
        raise InvalidDomain(_("Enter a domain such as acme.com or a website address."))
    try:
        # Python's codec is IDNA 2003; each label is converted on its own so a bad label is named.
        return ".".join(
            label if label.isascii() else label.encode("idna").decode("ascii")
            for label in host.split(".")
        )
    except UnicodeError as exc:
        raise InvalidDomain(_("That international domain name cannot be encoded.")) from exc


def normalize_domain(value: str) -> str:
    """`https://WWW.Shop.Acme.co.uk/about` → `acme.co.uk`; `Bücher.de` → `xn--bcher-kva.de`;
    `nora@mail.acme.com` → `acme.com`. Idempotent: a registrable domain is its own.

    Raises InvalidDomain with a sentence a partner can act on.
    """
    text = (value or "").strip()
    if not text:
        raise InvalidDomain(_("Enter the customer's domain or website."))
    if len(text) > 2000:
        raise InvalidDomain(_("That is too long to be a domain or website."))
    if any(ch.isspace() for ch in text):
        raise InvalidDomain(_("A domain has no spaces, e.g. acme.com."))
    host = _host(text)
    labels = host.split(".")
    if len(labels) < 2:
        raise InvalidDomain(_("Enter the full domain including its ending, e.g. acme.com."))
    if len(host) > MAX_DOMAIN_LENGTH or not all(_LABEL.match(label) for label in labels):
        raise InvalidDomain(_("Enter a domain such as acme.com or a website address."))
    if labels[-1].isdigit():
        raise InvalidDomain(_("Enter the customer's domain name, not an IP address."))
    parts = _public_suffixes().extract_str(host)
    if not parts.suffix:
        # The list's default rule ("*"): an ending it does not know is one label long.
        return ".".join(labels[-2:])
    if not parts.domain:
        raise InvalidDomain(
            _(
                "That ending is shared by many sites; enter the customer's own domain, e.g. acme.co.uk."
            )
        )
    return f"{parts.domain}.{parts.suffix}"


def name_key(value: str) -> str:
    """`ACME, Inc.` and `Acme Incorporated` → `acme`."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    # "S.A." is one word; "&" joins words ("GmbH & Co. KG").
    text = text.replace(".", "").replace("&", " ")
    words = re.sub(r"[\W_]+", " ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)[:200]
