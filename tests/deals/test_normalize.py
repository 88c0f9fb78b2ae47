from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from apps.deals.normalize import InvalidDomain, name_key, normalize_domain
from apps.deals.selectors import NAME_SIMILARITY

# A customer is its registrable domain (the Public Suffix List): any host under it is that customer.
CUSTOMERS = [
    ("https://WWW.Acme.com/about", "acme.com"),
    ("acme.com", "acme.com"),
    ("ACME.COM", "acme.com"),
    ("www.acme.com", "acme.com"),
    ("www.www.acme.com", "acme.com"),
    ("www2.acme.com", "acme.com"),
    ("shop.eu.acme.com", "acme.com"),
    ("http://acme.com:8080/path?q=1#frag", "acme.com"),
    ("acme.com:443", "acme.com"),
    ("acme.com/", "acme.com"),
    ("  acme.com  ", "acme.com"),
    ("acme.com.", "acme.com"),
    ("Shop.Acme.Com.", "acme.com"),
    ("ftp://files.acme.com", "acme.com"),
    ("//acme.com/x", "acme.com"),
    ("https://user:pw@shop.acme.co.uk/x", "acme.co.uk"),
    ("nora@acme.com", "acme.com"),
    ("Nora.Smith@Mail.ACME.com", "acme.com"),
    ("mailto:nora@sales.acme.com", "acme.com"),
    # Multi-part public suffixes.
    ("acme.co.uk", "acme.co.uk"),
    ("www.acme.co.uk", "acme.co.uk"),
    ("a.b.c.acme.co.uk", "acme.co.uk"),
    ("acme.com.au", "acme.com.au"),
    ("shop.acme.com.br", "acme.com.br"),
    ("acme.co.jp", "acme.co.jp"),
    ("tokyo.acme.co.jp", "acme.co.jp"),
    ("www.acme.k12.ca.us", "acme.k12.ca.us"),
    ("acme.gov.uk", "acme.gov.uk"),
    ("acme.org.za", "acme.org.za"),
    ("www.acme.com.cn", "acme.com.cn"),
    # Wildcard and exception rules (*.kawasaki.jp, !city.kawasaki.jp).
    ("a.b.c.kawasaki.jp", "b.c.kawasaki.jp"),
    ("kawasaki.jp", "kawasaki.jp"),
    ("www.city.kawasaki.jp", "city.kawasaki.jp"),
    # Private suffixes: each site under a shared host is a customer of its own.
    ("acme.github.io", "acme.github.io"),
    ("docs.acme.github.io", "acme.github.io"),
    ("bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com"),
    # IDN and punycode, both ways.
    ("Bücher.de", "xn--bcher-kva.de"),
    ("https://www.müller.de/kontakt", "xn--mller-kva.de"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("shop.XN--BCHER-KVA.de", "xn--bcher-kva.de"),
    ("例え.jp", "xn--r8jz45g.jp"),
    ("www.例え.jp", "xn--r8jz45g.jp"),
    ("shop.acme.xn--fiqs8s", "acme.xn--fiqs8s"),
    ("shop.acme.中国", "acme.xn--fiqs8s"),
    # An ending the list does not know is one label long (its default rule).
    ("shop.acme.example", "acme.example"),
    ("acme.internal-tld", "acme.internal-tld"),
]


@pytest.mark.parametrize(("typed", "customer"), CUSTOMERS)
def test_it_finds_the_registrable_domain(typed, customer):
    assert normalize_domain(typed) == customer
    assert normalize_domain(customer) == customer  # cleaning a clean value changes nothing


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
        "co.uk",
        "github.io",
        "s3.amazonaws.com",
        "c.kawasaki.jp",
        "www.kawasaki.jp",
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


@given(
    st.lists(
        st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["com", "co.uk", "com.au", "de", "github.io", "kawasaki.jp", "example"]),
    st.sampled_from(["", "https://", "http://user@", "ftp://", "nora@"]),
    st.sampled_from(["", ":8443", "/path?q=1", ".", ":80/x#y"]),
    st.booleans(),
)
def test_cleaning_is_idempotent_and_every_host_under_a_customer_is_that_customer(
    labels, suffix, prefix, rest, upper
):
    host = ".".join([*labels, suffix])
    typed = f"{prefix}{host.upper() if upper else host}{rest}"
    try:
        customer = normalize_domain(typed)
    except InvalidDomain:
        return  # e.g. a wildcard suffix with nothing under it
    assert normalize_domain(customer) == customer
    assert host.endswith(customer)
    assert normalize_domain(f"deep.sub.{host}") == customer
