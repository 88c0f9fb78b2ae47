"""A request reads the program settings once (apps/program/models.py: ProgramSettings.get());
outside a request every call reads the row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.program.models import ProgramSettings, settings_memo_end, settings_memo_start
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _settings_reads(queries) -> int:
    return sum('FROM "program_programsettings"' in q["sql"] for q in queries)


@pytest.fixture
def in_a_request():
    settings_memo_start()
    yield
    settings_memo_end()


def test_a_request_reads_the_row_once(in_a_request):
    with CaptureQueriesContext(connection) as ctx:
        first, second = ProgramSettings.get(), ProgramSettings.get()
    assert _settings_reads(ctx.captured_queries) == 1
    assert first.review_sla_hours == second.review_sla_hours
    # each caller its own copy: one caller's unsaved change never reaches another
    first.review_sla_hours = 1
    assert ProgramSettings.get().review_sla_hours == second.review_sla_hours != 1


def test_a_save_makes_the_rest_of_the_request_read_the_row(in_a_request):
    settings = ProgramSettings.get()
    settings.review_sla_hours = 12
    settings.save()
    with CaptureQueriesContext(connection) as ctx:
        assert ProgramSettings.get().review_sla_hours == 12
        ProgramSettings.objects.filter(pk=1).update(review_sla_hours=36)  # as a rollback would
        assert ProgramSettings.get().review_sla_hours == 36
    assert _settings_reads(ctx.captured_queries) == 2


def test_outside_a_request_every_call_reads_the_row():
    ProgramSettings.get()
    ProgramSettings.objects.filter(pk=1).update(review_sla_hours=30)
    assert ProgramSettings.get().review_sla_hours == 30
    settings_memo_start()
    settings_memo_end()  # a request that ended leaves nothing behind
    ProgramSettings.objects.filter(pk=1).update(review_sla_hours=31)
    assert ProgramSettings.get().review_sla_hours == 31


def test_the_managers_registration_page_reads_the_settings_once(client_for, bob, acme):
    acme.manager = bob
    acme.save()
    reg = RegistrationFactory(partner=acme)
    c = client_for(bob)
    with CaptureQueriesContext(connection) as ctx:
        page = c.get(f"/registrations/{reg.pk}/")
    assert page.status_code == 200
    assert _settings_reads(ctx.captured_queries) == 1
    # and the next request reads them again (a change between two requests shows at once)
    ProgramSettings.objects.filter(pk=1).update(review_sla_hours=7)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(f"/registrations/{reg.pk}/").status_code == 200
    assert _settings_reads(ctx.captured_queries) == 1
