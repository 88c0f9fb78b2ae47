from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from apps.deals.normalize import InvalidDomain, name_key, normalize_domain, trigram_similarity


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


def test_it_scores_similar_names_high_and_unrelated_names_low():
    assert trigram_similarity("acme", "acme") == 1.0
    assert trigram_similarity("northwind traders", "northwind trading") > 0.5
    assert trigram_similarity("acme", "globex") < 0.2
    assert trigram_similarity("", "acme") == 0.0


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="compares with pg_trgm: needs PostgreSQL")
@pytest.mark.postgres
@pytest.mark.django_db
def test_it_scores_names_exactly_like_pg_trgm():
    pairs = [
        ("northwind traders", "northwind trading"),
        ("acme", "acme widgets"),
        ("graphic design institute", "graphic design"),
        ("litware", "lightware"),
    ]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert trigram_similarity(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6)
