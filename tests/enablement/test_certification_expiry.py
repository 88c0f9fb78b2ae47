"""certification_expiry: the person and their partner's admins are reminded 30 days before a
certification ends (once), and it expires once ended; run twice at each threshold with an
explicit now, nothing is sent or expired twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core import sweeps
from apps.enablement import events
from apps.enablement.models import Certification
from apps.enablement.services import courses
from apps.notifications.models import Notification
from tests.factories import PartnerUserFactory

from .factories import CourseFactory, quiz, right_answers


@pytest.fixture
def certified(acme):
    person = PartnerUserFactory(partner=acme, username="erin")
    admin = PartnerUserFactory(partner=acme, username="frank", partner_role="admin")
    member = PartnerUserFactory(partner=acme, username="grace", partner_role="member")
    course = CourseFactory(title="Technical integration basics", validity_months=12)
    made = quiz(course, ("Q?", ["yes", "no"]))
    earned = timezone.now() - timedelta(days=300)
    courses.attempt_submit(course=course, user=person, answers=right_answers(made), now=earned)
    cert = Certification.objects.get()
    return {"cert": cert, "person": person, "admin": admin, "member": member}


def received(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="certification_expiring").values_list(
            "subject", flat=True
        )
    )


def test_it_is_registered():
    assert "certification_expiry" in sweeps.REGISTRY


def test_nothing_before_the_reminder_mark(certified):
    before = certified["cert"].expires_at - timedelta(days=31)
    assert sweeps.run("certification_expiry", before) == {
        "reminded": 0,
        "notifications": 0,
        "expired": 0,
    }


def test_it_reminds_the_person_and_the_partner_admin_once(certified):
    cert = certified["cert"]
    at = cert.expires_at - timedelta(days=30)
    first = sweeps.run("certification_expiry", at)
    assert first == {"reminded": 1, "notifications": 2, "expired": 0}
    again = sweeps.run("certification_expiry", at + timedelta(days=1))
    assert again == {"reminded": 0, "notifications": 0, "expired": 0}
    assert len(received(certified["person"])) == 1
    assert (
        "Your “Technical integration basics” certification expires on"
        in (received(certified["person"])[0])
    )
    assert len(received(certified["admin"])) == 1
    assert received(certified["member"]) == []
    assert Certification.objects.get(pk=cert.pk).reminded_at == at


def test_it_expires_once_ended_and_announces_it(certified, django_capture_on_commit_callbacks):
    cert = certified["cert"]
    heard = []

    def listener(sender, **payload):
        heard.append(payload)

    events.certification_expired.connect(listener)
    try:
        at = cert.expires_at + timedelta(minutes=1)
        # a missed run catches up: the reminder was never sent, the expiry is what is due now
        with django_capture_on_commit_callbacks(execute=True):
            assert sweeps.run("certification_expiry", at)["expired"] == 1
            assert sweeps.run("certification_expiry", at)["expired"] == 0
    finally:
        events.certification_expired.disconnect(listener)
    cert = Certification.objects.get(pk=cert.pk)
    assert cert.status == "expired" and cert.expired_at == at
    assert heard == [
        {
            "signal": events.certification_expired,
            "certification_id": cert.pk,
            "course_id": cert.course_id,
            "user_id": cert.user_id,
            "partner_id": cert.partner_id,
        }
    ]
    assert received(certified["person"]) == []  # an ended certification is not "expiring"


def test_an_expired_certification_may_be_earned_again(certified):
    cert = certified["cert"]
    sweeps.run("certification_expiry", cert.expires_at + timedelta(days=1))
    course = cert.course
    courses.attempt_submit(
        course=course,
        user=certified["person"],
        answers=right_answers([(q, list(q.choices.all())) for q in course.questions.all()]),
        now=cert.expires_at + timedelta(days=2),
    )
    assert Certification.objects.filter(status="active").count() == 1
    assert Certification.objects.count() == 2


def test_a_repeat_pass_reads_none_of_the_certifications_it_handled(acme):
    """Issue 24: with nothing new due, the repeat pass reads no certification it reminded or
    expired, nor the valid ones far from their end (two partial indexes: certification_remind_idx,
    certification_due_idx)."""
    from tests.sweep_plans import assert_reads_nothing_handled, scans_of

    now = timezone.now()
    course = CourseFactory(title="Plan", validity_months=12)
    for i in range(60):
        person = PartnerUserFactory(partner=acme, username=f"plan{i}")
        # a third far from their end, a third within the reminder window, a third ended
        ends = now + timedelta(days=(200, 10, -5)[i % 3])
        Certification.objects.create(
            user=person, partner=acme, course=course, earned_at=ends - timedelta(days=365),
            expires_at=ends,
        )  # fmt: skip
    first = sweeps.run("certification_expiry", now)
    assert (first["reminded"], first["expired"]) == (20, 20)
    table = Certification._meta.db_table
    result, scans = scans_of(lambda: sweeps.run("certification_expiry", now), (table,))
    assert (result["reminded"], result["expired"]) == (0, 0)
    assert_reads_nothing_handled(scans, {table: None})
