"""agreement_renewals reads only what is due (issue 24): each active agreement carries the next
day it is owed something (renewal_due_on, planned by the sweep), so a repeat pass reads none of
the agreements it planned for later, however many there are."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from apps.agreements.models import Agreement
from apps.agreements.sweeps import next_due_day
from apps.core import sweeps
from apps.notifications.models import Notification
from apps.partners.models import Stage
from apps.program.models import ProgramSettings
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

pytestmark = pytest.mark.django_db
END = date(2027, 6, 30)
TABLE = "agreements_agreement"


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def run(day: date) -> dict:
    return sweeps.run("agreement_renewals", at(day))


@pytest.fixture
def partner(bob):
    p = PartnerFactory(name="Initech", stage=Stage.GROWTH, manager=bob)
    PartnerUserFactory(partner=p, username="ingrid")
    return p


def active(partner, end=END, **kw) -> Agreement:
    return AgreementFactory(
        partner=partner, status="active", start_date=end - timedelta(days=365), end_date=end, **kw
    )


def test_the_next_due_day_is_the_next_reminder_else_the_day_after_the_end():
    assert next_due_day(END, END - timedelta(days=90), [30, 60]) == END - timedelta(days=60)
    assert next_due_day(END, END - timedelta(days=60), [30, 60]) == END - timedelta(days=30)
    assert next_due_day(END, END - timedelta(days=45), [30, 60]) == END - timedelta(days=30)
    assert next_due_day(END, END - timedelta(days=30), [30, 60]) == END + timedelta(days=1)
    assert next_due_day(END, END, []) == END + timedelta(days=1)


def test_a_repeat_pass_reads_none_of_the_agreements_it_planned(partner):
    for i in range(40):  # handled earlier: planned for later days
        active(partner, end=END + timedelta(days=100 + i))
    soon = active(partner)
    today = END - timedelta(days=30)
    first = run(today)
    assert first["reminders"] == 1
    result, scans = scans_of(lambda: run(today), (TABLE,))
    assert result["reminders"] == 0
    # the signed ones starting: by their status (none); the active ones owed something: by
    # agreement_renewal_due_idx, none read
    assert_reads_nothing_handled(scans, {TABLE: None})
    assert any("agreement_renewal_due_idx" in (s.index or "") for s in scans), scans
    # the next thing owed is still found on its day: the end
    soon.refresh_from_db()
    assert soon.renewal_due_on == END + timedelta(days=1)
    assert run(END + timedelta(days=1))["expired"] == 1


def test_reminders_and_expiry_come_on_their_days_when_run_every_day(partner):
    a = active(partner)
    seen = []
    for n in range(75, -3, -1):
        result = run(END - timedelta(days=n))
        if result["reminders"] or result["expired"]:
            seen.append((n, result["reminders"], result["expired"]))
    assert seen == [(60, 1, 0), (30, 1, 0), (-1, 0, 1)]
    assert sorted(
        n.key.rsplit(":u", 1)[0] for n in Notification.objects.filter(recipient__username="bob")
    ) == [
        f"agreement-ends-30d:{a.pk}:{END}",
        f"agreement-ends-60d:{a.pk}:{END}",
        f"agreement_expired:{a.pk}:{END}",
    ]


def test_an_auto_renewed_agreement_is_planned_on_its_new_term(partner):
    a = active(partner, auto_renew=True)
    assert run(END + timedelta(days=1))["renewed"] == 1
    a.refresh_from_db()
    new_end = END + timedelta(days=365)
    assert a.end_date == new_end
    assert a.renewal_due_on == new_end - timedelta(days=60)
    assert run(new_end - timedelta(days=60))["reminders"] == 1


def test_an_edit_of_the_end_date_is_planned_again(partner):
    a = active(partner)
    run(END - timedelta(days=90))
    a.refresh_from_db()
    assert a.renewal_due_on == END - timedelta(days=60)
    a.end_date = END - timedelta(days=50)  # ends sooner: its 30-day mark comes earlier
    a.save(update_fields=["end_date"])
    assert Agreement.objects.get(pk=a.pk).renewal_due_on is None
    # 30 days before the new end: its 30-day reminder (the 60-day mark passed unsent, so only
    # the more urgent one goes), then nothing until the day after the new end
    assert run(END - timedelta(days=80))["reminders"] == 1
    a.refresh_from_db()
    assert a.renewal_due_on == END - timedelta(days=49)


def test_new_reminder_days_plan_every_agreement_again(partner):
    a = active(partner)
    run(END - timedelta(days=120))
    a.refresh_from_db()
    assert a.renewal_due_on == END - timedelta(days=60)
    settings = ProgramSettings.get()
    settings.agreement_reminder_days = [90, 30]
    settings.save()
    a.refresh_from_db()
    assert a.renewal_due_on is None
    assert run(END - timedelta(days=90))["reminders"] == 1
