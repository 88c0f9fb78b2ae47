from __future__ import annotations

import pytest
from django.db import connection

from apps.deals.normalize import InvalidDomain, name_key, normalize_domain
from apps.deals.selectors import NAME_SIMILARITY


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("https://WWW.Acme.com/about", "acme.com"),
        ("acme.com", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("http://acme.com:8080/path?q=1#frag", "acme.com"),
        ("acme.com:443", "acme.com"),
        ("acme.com/", "acme.com"),
        ("  acme.com  ", "acme.com"),
        ("acme.com.", "acme.com"),
        ("https://user:pw@shop.acme.co.uk/x", "shop.acme.co.uk"),
        ("ftp://files.acme.com", "files.acme.com"),
        ("Bücher.de", "xn--bcher-kva.de"),
        ("https://www.müller.de/kontakt", "xn--mller-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("例え.jp", "xn--r8jz45g.jp"),
        ("www2.acme.com", "www2.acme.com"),
    ],
)
def test_it_normalizes_domains(typed, normalized):
    assert normalize_domain(typed) == normalized


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "acme",
        "localhost",
        "acme .com",
        "http://",
        "-acme.com",
        "acme-.com",
        "acme..com",
        "192.168.0.1",
        "http://[::1]/",
        "<script>alert(1)</script>",
        "acme.com'; drop table x;--",
        "a" * 64 + ".com",
        ("a" * 60 + ".") * 5 + "com",
        "x" * 5000,
        "acme\x00.com",
        "http://acme.com:notaport/",
    ],
)
def test_it_refuses_what_is_not_a_domain(typed):
    with pytest.raises(InvalidDomain):
        normalize_domain(typed)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ACME, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme Corp", "acme"),
        ("acme", "acme"),
        ("Müller GmbH & Co. KG", "muller"),
        ("The Acme Group Ltd.", "acme"),
        ("Initech LLC", "initech"),
        ("Société Générale S.A.", "societe generale"),
        ("Inc", "inc"),
    ],
)
def test_it_ignores_legal_suffixes_case_accents_and_punctuation(name, key):
    assert name_key(name) == key


@pytest.mark.django_db
def test_it_keys_similar_names_close_enough_for_pg_trgm_and_unrelated_names_apart():
    def score(a: str, b: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity(%s, %s)", [name_key(a), name_key(b)])
            return cursor.fetchone()[0]

    assert score("Acme Inc.", "ACME Incorporated") == 1.0
    assert score("Northwind Traders Ltd", "Northwind Trading") >= NAME_SIMILARITY
    assert score("Acme", "Globex") < NAME_SIMILARITY
    assert score("", "Acme") == 0.0
