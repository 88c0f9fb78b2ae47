"""How a customer is recognised across registrations: its normalized domain and its name key.

`normalize_domain` turns whatever a partner typed (a URL, `WWW.Acme.com:443/about`, an IDN) into
the registrable host name the database compares (lowercase, no scheme, `www.`, port or path, IDN
as punycode). `name_key` turns a customer name into what similarity is scored on (case, accents,
punctuation and legal suffixes ignored); PostgreSQL's pg_trgm scores the similarity of two keys.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

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


def normalize_domain(value: str) -> str:
    """`https://WWW.Acme.com/about` → `acme.com`; `Bücher.de` → `xn--bcher-kva.de`.

    Raises InvalidDomain with a sentence a partner can act on.
    """
    text = (value or "").strip()
    if not text:
        raise InvalidDomain("Enter the customer's domain or website.")
    if len(text) > 2000:
        raise InvalidDomain("That is too long to be a domain or website.")
    if any(ch.isspace() for ch in text):
        raise InvalidDomain("A domain has no spaces, e.g. acme.com.")
    if not _SCHEME.match(text):
        text = "//" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        host = parts.hostname or ""
    except ValueError as exc:
        raise InvalidDomain("Enter a domain such as acme.com or a website address.") from exc
    host = host.strip().rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if not host:
        raise InvalidDomain("Enter a domain such as acme.com or a website address.")
    try:
        # Python's codec is IDNA 2003; each label is converted on its own so a bad label is named.
        host = ".".join(
            label if label.isascii() else label.encode("idna").decode("ascii")
            for label in host.split(".")
        )
    except UnicodeError as exc:
        raise InvalidDomain("That international domain name cannot be encoded.") from exc
    labels = host.split(".")
    if len(labels) < 2:
        raise InvalidDomain("Enter the full domain including its ending, e.g. acme.com.")
    if len(host) > MAX_DOMAIN_LENGTH or not all(_LABEL.match(label) for label in labels):
        raise InvalidDomain("Enter a domain such as acme.com or a website address.")
    if labels[-1].isdigit():
        raise InvalidDomain("Enter the customer's domain name, not an IP address.")
    return host


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
