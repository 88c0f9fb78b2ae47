"""Issue 19, conversations: comments shared by the partner and the vendor, internal notes that
never reach a partner (page, API, CSV export, notification, e-mail — by role and by partner),
attachments, and the request_info / provide_info exchange with the review clock stopped."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import PartnerRole
from apps.core.errors import InvalidInput, NotPermitted
from apps.core.sweeps import run
from apps.deals.models import DealRegistration, RegistrationComment, Status
from apps.deals.selectors import review_clock
from apps.deals.services import (
    DuplicateRegistration,
    attachment_add,
    comment_create,
    registration_create,
    registration_transition,
)
from apps.notifications.models import Notification
from apps.notifications.services import deliver_outbox
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerUserFactory
from tests.sweep_plans import assert_reads_nothing_handled, scans_of

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)
SECRET = "Internal: their CFO told us they will buy direct"
SHARED = "Could you confirm the number of seats?"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reg(acme, charlie):
    return RegistrationFactory(partner=acme, submitted_by=charlie, submitted_at=T0)


@pytest.fixture
def talk(reg, bob, charlie):
    """A shared comment each way and an internal note."""
    comment_create(registration=reg, author=charlie, body="We meet their CIO on Monday.")
    comment_create(registration=reg, author=bob, body=SHARED)
    comment_create(registration=reg, author=bob, body=SECRET, internal=True)
    return reg


@pytest.fixture
def finn(acme):
    return PartnerUserFactory(username="finn", partner=acme, partner_role=PartnerRole.FINANCE)


def bodies(user) -> str:
    return " ".join(Notification.objects.filter(recipient=user).values_list("body", flat=True))


# --- who is told ------------------------------------------------------------------------------
def test_a_shared_comment_tells_the_other_side_only(talk, alice, bob, charlie, dave):
    assert list(Notification.objects.filter(recipient=bob).values_list("kind", flat=True)) == [
        "deal_comment"
    ]  # charlie's comment; bob's own comments tell bob nothing
    assert "CIO on Monday" in bodies(bob)
    assert SHARED in bodies(charlie)
    assert bodies(dave) == "" and bodies(alice) == ""  # another partner, admins: nothing


def test_an_internal_note_tells_nobody_and_is_in_no_notification_or_email(
    talk, alice, bob, charlie, dave, finn
):
    assert not Notification.objects.filter(body__contains=SECRET).exists()
    deliver_outbox(now=T0)
    assert mail.outbox, "the shared comments were e-mailed"
    assert all(SECRET not in m.body and SECRET not in m.subject for m in mail.outbox)
    to_charlie = [m for m in mail.outbox if charlie.email in m.to]
    assert to_charlie and any(SHARED in m.body for m in to_charlie)
    assert not [m for m in mail.outbox if dave.email in m.to]


def test_a_partner_user_may_not_write_an_internal_note(reg, charlie):
    with pytest.raises(InvalidInput) as exc:
        comment_create(registration=reg, author=charlie, body="psst", internal=True)
    assert "internal" in exc.value.errors
    assert not RegistrationComment.objects.exists()


def test_only_the_registering_partners_dealmakers_write(reg, dave, finn):
    for user in (dave, finn):
        with pytest.raises(NotPermitted):
            comment_create(registration=reg, author=user, body="hello")


# --- pages ------------------------------------------------------------------------------------
def test_the_manager_page_shows_notes_and_comments(talk, client_for, bob):
    html = client_for(bob).get(reverse("deals:detail", args=[talk.pk])).content.decode()
    assert SECRET in html and SHARED in html and "Internal note" in html


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.MEMBER, PartnerRole.FINANCE])
def test_the_portal_page_never_shows_an_internal_note(talk, acme, client_for, role):
    user = PartnerUserFactory(partner=acme, partner_role=role)
    r = client_for(user).get(reverse("portal:deal_detail", args=[talk.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert SHARED in html and "CIO on Monday" in html
    assert SECRET not in html


def test_another_partner_gets_404_for_the_page_the_comments_and_the_files(
    talk, client_for, dave, charlie
):
    att = attachment_add(
        registration=talk, uploader=charlie, upload=SimpleUploadedFile("q.pdf", PDF)
    )
    c = client_for(dave)
    assert c.get(reverse("portal:deal_detail", args=[talk.pk])).status_code == 404
    assert c.get(reverse("portal:deal_attachment", args=[talk.pk, att.pk])).status_code == 404
    r = c.post(reverse("portal:deal_comment", args=[talk.pk]), {"body": "hi"})
    assert r.status_code == 404
    assert talk.comments.count() == 3


def test_the_portal_comment_form_adds_a_shared_comment(reg, client_for, charlie, bob):
    c = client_for(charlie)
    r = c.post(
        reverse("portal:deal_comment", args=[reg.pk]), {"body": "Seats: 40", "internal": "on"}
    )
    assert r.status_code == 302
    comment = reg.comments.get()
    assert comment.body == "Seats: 40" and comment.internal is False  # the box is not theirs
    assert Notification.objects.filter(recipient=bob, kind="deal_comment").exists()


def test_the_manager_form_adds_an_internal_note(reg, client_for, bob, charlie):
    r = client_for(bob).post(
        reverse("deals:comment", args=[reg.pk]), {"body": SECRET, "internal": "on"}
    )
    assert r.status_code == 302
    assert reg.comments.get().internal is True
    assert not Notification.objects.filter(recipient=charlie).exists()


# --- API --------------------------------------------------------------------------------------
def comments_url(reg) -> str:
    return f"/api/v1/deal-registrations/{reg.pk}/comments/"


def att_url(reg) -> str:
    return f"/api/v1/deal-registrations/{reg.pk}/attachments/"


def test_the_api_leaves_internal_notes_out_for_partner_users(talk, api_for, bob, charlie, finn):
    staff = api_for(bob).get(comments_url(talk)).json()["results"]
    assert [c["internal"] for c in staff] == [False, False, True]
    for user in (charlie, finn):
        rows = api_for(user).get(comments_url(talk)).json()["results"]
        assert [c["body"] for c in rows] == ["We meet their CIO on Monday.", SHARED]
        assert SECRET not in str(rows)


def test_a_partner_user_sending_internal_true_is_refused_400(reg, api_for, charlie):
    r = api_for(charlie).post(comments_url(reg), {"body": "x", "internal": True}, format="json")
    assert r.status_code == 400 and "internal" in r.json()
    assert not reg.comments.exists()


def test_the_api_comments_both_ways(reg, api_for, bob, charlie, finn, dave):
    r = api_for(bob).post(comments_url(reg), {"body": SECRET, "internal": True}, format="json")
    assert r.status_code == 201 and r.json()["internal"] is True and r.json()["kind"] == "comment"
    r = api_for(charlie).post(comments_url(reg), {"body": "ok"}, format="json")
    assert r.status_code == 201 and r.json()["author_name"]
    assert api_for(finn).post(comments_url(reg), {"body": "x"}, format="json").status_code == 403
    assert api_for(dave).post(comments_url(reg), {"body": "x"}, format="json").status_code == 404
    assert api_for(dave).get(comments_url(reg)).status_code == 404
    assert api_for(bob).post(comments_url(reg), {"body": "  "}, format="json").status_code == 400


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_lists_and_pages_read_as_many_queries_at_2_and_at_50_rows(
    reg, api_for, client_for, bob, charlie
):
    """The comment and attachment lists (API) and both registration pages: the same number of
    queries whatever the conversation's length. The API lists: the registration (with partner
    and submitter), the count, the page with its authors / uploaders."""
    staff, manager, partner = api_for(bob), client_for(bob), client_for(charlie)
    calls = {
        "comments": lambda: staff.get(comments_url(reg)),
        "attachments": lambda: staff.get(att_url(reg)),
        "manager page": lambda: manager.get(reverse("deals:detail", args=[reg.pk])),
        "portal page": lambda: partner.get(reverse("portal:deal_detail", args=[reg.pk])),
    }
    counts = {}
    for total in (2, 50):
        while reg.comments.count() < total:
            n = reg.comments.count()
            comment_create(registration=reg, author=(bob, charlie)[n % 2], body=f"note {n}")
            attachment_add(
                registration=reg, uploader=charlie, upload=SimpleUploadedFile(f"{n}.pdf", PDF)
            )
        counts[total] = {name: _queries(call) for name, call in calls.items()}
    assert counts[2] == counts[50], counts
    assert counts[50]["comments"] <= 3 and counts[50]["attachments"] <= 3, counts


# --- CSV exports ------------------------------------------------------------------------------
def test_no_export_carries_the_conversation(talk, client_for, bob, charlie):
    mine = client_for(charlie).get(reverse("portal:registrations_csv"))
    text = b"".join(mine.streaming_content).decode()
    assert talk.customer_name in text
    assert SECRET not in text and SHARED not in text
    staff = client_for(bob).get(reverse("exchange:registrations_csv"))
    assert SECRET not in b"".join(staff.streaming_content).decode()


# --- attachments ------------------------------------------------------------------------------
def test_attachments_upload_list_and_download_for_those_who_see_the_registration(
    reg, api_for, client_for, bob, charlie, finn, dave
):
    r = api_for(charlie).post(
        att_url(reg), {"file": SimpleUploadedFile("../quote.pdf", PDF)}, format="multipart"
    )
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["name"] == "quote.pdf" and row["content_type"] == "application/pdf"
    assert [a["id"] for a in api_for(bob).get(att_url(reg)).json()["results"]] == [row["id"]]
    for user in (bob, charlie, finn):
        got = api_for(user).get(row["download"])
        assert got.status_code == 200
        assert got["X-Content-Type-Options"] == "nosniff"
        assert got["Content-Disposition"].startswith("attachment")
        assert b"".join(got.streaming_content) == PDF
    assert api_for(dave).get(row["download"]).status_code == 404
    assert api_for(dave).get(att_url(reg)).status_code == 404
    page = client_for(bob).get(reverse("deals:attachment", args=[reg.pk, row["id"]]))
    assert page.status_code == 200 and page["X-Content-Type-Options"] == "nosniff"
    portal = client_for(charlie).get(reverse("portal:deal_attachment", args=[reg.pk, row["id"]]))
    assert portal.status_code == 200
    other = RegistrationFactory(partner=reg.partner)
    wrong = client_for(charlie).get(reverse("portal:deal_attachment", args=[other.pk, row["id"]]))
    assert wrong.status_code == 404  # the file is found only under its own registration


def test_attachments_refuse_what_is_not_a_document_or_too_big(reg, api_for, bob, charlie, finn):
    c = api_for(charlie)
    script = SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>")
    r = c.post(att_url(reg), {"file": script}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    r = c.post(att_url(reg), {"file": big}, format="multipart")
    assert r.status_code == 400 and "10 MB" in str(r.json())
    assert c.post(att_url(reg), {}, format="multipart").status_code == 400
    ok = SimpleUploadedFile("q.pdf", PDF)
    assert api_for(finn).post(att_url(reg), {"file": ok}, format="multipart").status_code == 403
    assert not reg.attachments.exists()


def test_the_pages_list_and_upload_files(reg, client_for, bob, charlie):
    up = SimpleUploadedFile("plan.pdf", PDF)
    r = client_for(charlie).post(
        reverse("portal:deal_attachment_upload", args=[reg.pk]), {"file": up}
    )
    assert r.status_code == 302
    html = client_for(bob).get(reverse("deals:detail", args=[reg.pk])).content.decode()
    assert "plan.pdf" in html
    bad = SimpleUploadedFile("x.txt", io.BytesIO(b"hello").read())
    client_for(bob).post(reverse("deals:attachment_upload", args=[reg.pk]), {"file": bad})
    assert reg.attachments.count() == 1


# --- request_info / provide_info --------------------------------------------------------------
def test_the_question_and_answer_become_the_conversation(reg, bob, charlie):
    registration_transition(
        registration=reg, name="request_info", actor=bob, now=T0, question="Seats?"
    )
    assert reg.status == Status.INFO_REQUESTED
    note = Notification.objects.get(recipient=charlie)
    assert note.kind == "deal_request_info" and "Seats?" in note.body
    registration_transition(
        registration=reg, name="provide_info", actor=charlie, now=T0 + timedelta(hours=1),
        answer="40 seats",
    )  # fmt: skip
    assert reg.status == Status.SUBMITTED
    assert [(c.kind, c.body, c.internal) for c in reg.comments.all()] == [
        ("question", "Seats?", False),
        ("answer", "40 seats", False),
    ]
    assert Notification.objects.filter(recipient=bob, kind="deal_info_provided").count() == 1


def test_who_may_ask_and_answer(reg, bob, charlie, dave, finn):
    with pytest.raises(NotPermitted):
        registration_transition(registration=reg, name="request_info", actor=charlie, question="?")
    registration_transition(registration=reg, name="request_info", actor=bob, question="Seats?")
    for user in (bob, dave, finn):
        with pytest.raises(NotPermitted):
            registration_transition(registration=reg, name="provide_info", actor=user, answer="a")
    with pytest.raises(InvalidInput):
        registration_transition(registration=reg, name="provide_info", actor=charlie, answer=" ")


def test_the_review_clock_stops_while_the_partner_is_asked(reg, alice, bob, charlie):
    """Submitted at T0, asked at T0+10h, answered at T0+40h: 30 h do not count."""
    registration_transition(
        registration=reg, name="request_info", actor=bob, now=T0 + timedelta(hours=10),
        question="Which sites?",
    )  # fmt: skip
    reg.refresh_from_db()
    # the clock shows the 10 h it ran, however long the partner takes
    paused = review_clock(reg, T0 + timedelta(hours=35), 48)
    assert paused.state == "paused" and paused.waited == timedelta(hours=10)
    # no SLA reminder while waiting on the partner, even past the SLA
    assert run("deal_review_sla", T0 + timedelta(hours=39)) == {"reminded": 0, "escalated": 0}
    registration_transition(
        registration=reg, name="provide_info", actor=charlie, now=T0 + timedelta(hours=40),
        answer="London",
    )  # fmt: skip
    reg.refresh_from_db()
    assert reg.review_from == T0 + timedelta(hours=30)
    assert review_clock(reg, T0 + timedelta(hours=41), 48).waited == timedelta(hours=11)
    # the 48 h SLA now falls due at T0+78h, not T0+48h
    assert run("deal_review_sla", T0 + timedelta(hours=78, seconds=-1))["reminded"] == 0
    assert run("deal_review_sla", T0 + timedelta(hours=78)) == {"reminded": 1, "escalated": 0}
    assert run("deal_review_sla", T0 + timedelta(hours=126)) == {"reminded": 0, "escalated": 1}


def test_a_second_question_pauses_the_clock_again(reg, bob, charlie):
    for start in (10, 50):
        registration_transition(
            registration=reg, name="request_info", actor=bob,
            now=T0 + timedelta(hours=start), question="And?",
        )  # fmt: skip
        registration_transition(
            registration=reg, name="provide_info", actor=charlie,
            now=T0 + timedelta(hours=start + 5), answer="This.",
        )  # fmt: skip
    reg.refresh_from_db()
    assert reg.review_from == T0 + timedelta(hours=10)
    assert Notification.objects.filter(recipient=charlie, kind="deal_request_info").count() == 2


def test_the_partner_is_reminded_after_3_days_once(reg, bob, charlie, dave):
    registration_transition(registration=reg, name="request_info", actor=bob, now=T0, question="?")
    assert run("deal_info_reminder", T0 + timedelta(days=3, seconds=-1)) == {"reminded": 0}
    assert run("deal_info_reminder", T0 + timedelta(days=3)) == {"reminded": 1}
    assert run("deal_info_reminder", T0 + timedelta(days=9)) == {"reminded": 0}
    assert Notification.objects.filter(kind="deal_info_reminder").count() == 1
    assert Notification.objects.get(kind="deal_info_reminder").recipient == charlie
    # answered, then asked again: the new question is reminded in its turn
    later = T0 + timedelta(days=10)
    registration_transition(
        registration=reg, name="provide_info", actor=charlie, now=later, answer="a"
    )
    registration_transition(
        registration=reg, name="request_info", actor=bob, now=later, question="b"
    )
    assert run("deal_info_reminder", later + timedelta(days=3)) == {"reminded": 1}


def test_a_repeat_reminder_pass_reads_none_it_handled(acme, bob, charlie):
    regs = RegistrationFactory.create_batch(5, partner=acme)
    for r in regs:
        registration_transition(
            registration=r, name="request_info", actor=bob, now=T0, question="?"
        )
    assert run("deal_info_reminder", T0 + timedelta(days=4)) == {"reminded": 5}
    result, scans = scans_of(
        lambda: run("deal_info_reminder", T0 + timedelta(days=5)), ("deals_dealregistration",)
    )
    assert result == {"reminded": 0}
    assert_reads_nothing_handled(scans, {"deals_dealregistration": "deal_info_remind_idx"})


def test_the_api_runs_both_transitions(reg, api_for, bob, charlie):
    base = f"/api/v1/deal-registrations/{reg.pk}/transitions/"
    assert api_for(bob).post(base + "request_info/", {}, format="json").status_code == 400
    r = api_for(bob).post(base + "request_info/", {"question": "Seats?"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "info_requested"
    assert api_for(bob).post(base + "approve/", {}, format="json").status_code == 409
    r = api_for(charlie).post(base + "provide_info/", {"answer": "40"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert api_for(bob).post(base + "approve/", {}, format="json").status_code == 200


def test_the_queue_shows_waiting_on_partner_separately(reg, acme, bob, client_for, api_for):
    other = RegistrationFactory(partner=acme)
    registration_transition(registration=reg, name="request_info", actor=bob, question="?")
    c = client_for(bob)
    waiting = c.get(reverse("deals:queue")).content.decode()
    assert other.customer_name in waiting and reg.customer_name not in waiting
    asked = c.get(reverse("deals:queue"), {"status": "info_requested"}).content.decode()
    assert reg.customer_name in asked and other.customer_name not in asked
    assert "Waiting on partner" in asked
    rows = api_for(bob).get("/api/v1/deal-registrations/", {"status": "info_requested"}).json()
    assert [r["id"] for r in rows["results"]] == [reg.pk]


def test_the_portal_answers_the_question(reg, bob, charlie, client_for):
    registration_transition(registration=reg, name="request_info", actor=bob, question="Seats?")
    c = client_for(charlie)
    html = c.get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    assert "Seats?" in html and "Send answer" in html
    r = c.post(reverse("portal:deal_provide_info", args=[reg.pk]), {"answer": "40 seats"})
    assert r.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Status.SUBMITTED


def test_an_open_question_keeps_the_claim_open(reg, acme, bob, charlie, valid_input):
    """Waiting on the partner is still an open registration: no second one of the customer;
    the manager may still reject it."""
    registration_transition(registration=reg, name="request_info", actor=bob, question="?")
    assert reg.is_open
    with pytest.raises(DuplicateRegistration):
        registration_create(
            partner=acme,
            submitted_by=charlie,
            data={**valid_input, "customer_domain": reg.customer_domain},
        )
    assert DealRegistration.objects.filter(partner=acme).count() == 1
    registration_transition(registration=reg, name="reject", actor=bob, reason="No answer.")
    assert reg.status == Status.REJECTED


def test_a_partners_exit_withdraws_a_registration_waiting_on_its_answer(reg, acme, bob):
    from apps.deals.exit import carry_out, exit_effects

    registration_transition(registration=reg, name="request_info", actor=bob, question="?")
    [planned] = exit_effects(acme, now=T0)
    assert (planned.action, planned.object_id) == ("withdraw", reg.pk)
    assert "waiting on the partner's answer" in planned.label
    assert carry_out(acme, actor=bob, reason="", now=T0) == [planned]
    reg.refresh_from_db()
    assert reg.status == Status.WITHDRAWN
    assert run("deal_info_reminder", T0 + timedelta(days=30)) == {"reminded": 0}
