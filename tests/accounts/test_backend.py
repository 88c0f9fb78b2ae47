"""The sign-in backend reads the user with their partner (apps/accounts/backends.py), and a session
signed in under Django's backend before it stays signed in."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.backends import BACKEND, DJANGO_BACKEND
from apps.accounts.models import UserSession
from apps.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _partner_reads(queries) -> list[str]:
    """Statements that read the partners table by itself (not joined to the user's row)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "partners_partner"."id"')
        and 'FROM "partners_partner" WHERE' in q["sql"]
    ]


def test_a_portal_page_reads_the_partner_with_the_user(client_for, charlie):
    c = client_for(charlie)
    c.get("/portal/")  # the first request may warm up what it likes
    with CaptureQueriesContext(connection) as ctx:
        page = c.get("/portal/")
    assert page.status_code == 200
    assert b"Acme Resellers" in page.content
    user_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(user_reads) == 1
    assert 'JOIN "partners_partner"' in user_reads[0]
    # The page's header and access checks (user.partner) do not read the partner again (the
    # library's audience reads it fresh, joined to its type and tier: enablement's partner_of).
    assert _partner_reads(ctx.captured_queries) == []


def test_a_session_signed_in_under_djangos_backend_stays_signed_in(charlie):
    c = Client()
    c.force_login(charlie, backend=DJANGO_BACKEND)
    row = UserSession.objects.get(session_key=c.cookies["sessionid"].value)
    stored = SessionStore().decode(row.session_data)
    assert stored[BACKEND_SESSION_KEY] == DJANGO_BACKEND  # as stored before the change
    page = c.get("/portal/")
    assert page.status_code == 200
    assert b"Acme Resellers" in page.content


def test_a_new_sign_in_records_this_backend(charlie):
    from tests.factories import PASSWORD

    c = Client()
    assert (
        c.post("/accounts/login/", {"username": "charlie", "password": PASSWORD}).status_code == 302
    )
    assert c.session[BACKEND_SESSION_KEY] == BACKEND
