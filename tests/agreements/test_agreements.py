from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.agreements.models import Agreement, Status
from apps.agreements.services import agreement_transition
from apps.core.errors import ConditionsUnmet, InvalidInput, NotPermitted, TransitionNotAllowed
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the status machine ----------------------------------------------------------------------


def test_it_sends_and_signs_an_agreement(bob, charlie):
    agreement = AgreementFactory(partner=charlie.partner)
    agreement_transition(agreement=agreement, name="send", actor=bob)
    assert agreement.status == Status.SENT and agreement.sent_at
    now = timezone.now()
    agreement_transition(
        agreement=agreement, name="sign", actor=charlie, signed_by_name="Charlie Chaplin", now=now
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE
    assert (agreement.signed_by, agreement.signed_by_name, agreement.signed_at) == (
        charlie,
        "Charlie Chaplin",
        now,
    )


def test_it_lets_a_manager_record_a_signature_obtained_elsewhere(bob):
    agreement = AgreementFactory(status="sent")
    agreement_transition(agreement=agreement, name="sign", actor=bob, signed_by_name="Pat Wet-Ink")
    assert agreement.status == Status.ACTIVE and agreement.signed_by == bob


def test_it_needs_the_typed_name_to_sign(charlie):
    agreement = AgreementFactory(partner=charlie.partner, status="sent")
    with pytest.raises(InvalidInput):
        agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name=" ")


def test_it_refuses_another_partners_user_to_sign(dave, charlie):
    agreement = AgreementFactory(partner=charlie.partner, status="sent")
    with pytest.raises(NotPermitted):
        agreement_transition(agreement=agreement, name="sign", actor=dave, signed_by_name="Dave")
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SENT


def test_it_never_lets_a_partner_user_send_or_terminate(charlie):
    draft = AgreementFactory(partner=charlie.partner)
    with pytest.raises(NotPermitted):
        agreement_transition(agreement=draft, name="send", actor=charlie)
    active = AgreementFactory(partner=charlie.partner, status="active")
    with pytest.raises(NotPermitted):
        agreement_transition(agreement=active, name="terminate", actor=charlie, reason="x")


def test_it_terminates_with_a_reason_and_records_the_notice_period(bob):
    agreement = AgreementFactory(status="active", notice_period_days=60)
    with pytest.raises(InvalidInput):
        agreement_transition(agreement=agreement, name="terminate", actor=bob, reason="")
    now = timezone.now()
    agreement_transition(agreement=agreement, name="terminate", actor=bob, reason="Breach", now=now)
    assert agreement.status == Status.TERMINATED
    assert agreement.notice_ends_on == timezone.localdate(now) + timedelta(days=60)


def test_it_renews_an_active_agreement_to_a_later_end(bob):
    agreement = AgreementFactory(status="active")
    later = agreement.end_date + timedelta(days=365)
    with pytest.raises(InvalidInput):
        agreement_transition(
            agreement=agreement, name="renew", actor=bob, end_date=agreement.end_date
        )
    agreement_transition(agreement=agreement, name="renew", actor=bob, end_date=later)
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE and agreement.end_date == later


def test_it_expires_only_after_the_end_date(bob):
    agreement = AgreementFactory(status="active")
    with pytest.raises(ConditionsUnmet):
        agreement_transition(agreement=agreement, name="expire", actor=None)
    Agreement.objects.filter(pk=agreement.pk).update(
        start_date=date(2020, 1, 1), end_date=date(2021, 1, 1)
    )
    agreement.refresh_from_db()
    agreement_transition(agreement=agreement, name="expire", actor=None)
    assert agreement.status == Status.EXPIRED


@pytest.mark.parametrize(
    ("status", "name"),
    [
        ("draft", "sign"),
        ("sent", "send"),
        ("draft", "terminate"),
        ("terminated", "renew"),
        ("expired", "sign"),
        ("active", "send"),
    ],
)
def test_it_refuses_transitions_from_the_wrong_status(status, name, bob):
    agreement = AgreementFactory(status=status)
    with pytest.raises(TransitionNotAllowed):
        agreement_transition(
            agreement=agreement,
            name=name,
            actor=bob,
            signed_by_name="x",
            reason="x",
            end_date=date(2099, 1, 1),
        )


# --- API ---------------------------------------------------------------------------------------


def test_it_creates_and_runs_an_agreement_through_the_api(api_for, bob, charlie):
    c = api_for(bob)
    response = c.post(
        "/api/v1/agreements/",
        {
            "partner": charlie.partner_id,
            "kind": "reseller",
            "title": "Reseller 2027",
            "start_date": "2026-01-01",  # started: signing activates it
            "end_date": "2027-12-31",
            "notice_period_days": 30,
            "status": "active",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert {
        "id",
        "partner",
        "kind",
        "title",
        "start_date",
        "end_date",
        "notice_period_days",
        "status",
        "signed_at",
        "signed_by_name",
    } <= set(body)
    pk = body["id"]
    assert c.post(f"/api/v1/agreements/{pk}/transitions/send/").json()["status"] == "sent"
    rows = api_for(charlie).get(f"/api/v1/agreements/{pk}/transitions/").json()
    assert next(r for r in rows if r["name"] == "sign")["allowed"] is True
    response = api_for(charlie).post(
        f"/api/v1/agreements/{pk}/transitions/sign/", {"signed_by_name": "Charlie"}, format="json"
    )
    assert response.status_code == 200 and response.json()["signed_by_name"] == "Charlie"
    response = c.post(f"/api/v1/agreements/{pk}/transitions/terminate/", {}, format="json")
    assert response.status_code == 400
    response = c.post(
        f"/api/v1/agreements/{pk}/transitions/renew/", {"end_date": "2028-12-31"}, format="json"
    )
    assert response.status_code == 200 and response.json()["end_date"] == "2028-12-31"
    response = c.post(f"/api/v1/agreements/{pk}/transitions/send/")
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "reseller", "title": "x", "start_date": "2027-01-01", "end_date": "2026-01-01"},
        {"kind": "lease", "title": "x", "start_date": "2027-01-01"},
        {"kind": "reseller", "title": "", "start_date": "2027-01-01"},
        {"kind": "reseller", "title": "x", "start_date": "yesterday"},
        {"kind": "reseller", "title": "x", "start_date": "2027-01-01", "notice_period_days": -1},
    ],
)
def test_it_rejects_bad_agreement_input(body, api_for, bob, acme):
    response = api_for(bob).post("/api/v1/agreements/", {"partner": acme.pk, **body}, format="json")
    assert response.status_code == 400


def test_it_hides_drafts_and_other_partners_agreements_from_partner_users(api_for, charlie, dave):
    draft = AgreementFactory(partner=charlie.partner)
    sent = AgreementFactory(partner=charlie.partner, status="sent")
    other = AgreementFactory(partner=dave.partner, status="sent")
    c = api_for(charlie)
    assert [r["id"] for r in c.get("/api/v1/agreements/").json()["results"]] == [sent.pk]
    assert c.get(f"/api/v1/agreements/{draft.pk}/").status_code == 404
    assert c.get(f"/api/v1/agreements/{other.pk}/").status_code == 404
    response = c.post(
        f"/api/v1/agreements/{other.pk}/transitions/sign/", {"signed_by_name": "C"}, format="json"
    )
    assert response.status_code == 404
    assert c.post("/api/v1/agreements/", {}, format="json").status_code == 403


@pytest.mark.parametrize("n", [2, 50])
def test_it_lists_agreements_in_constant_queries(n, api_for, bob, django_assert_num_queries):
    AgreementFactory.create_batch(n)
    # count, page (partner joined)
    with django_assert_num_queries(2):
        api_for(bob).get("/api/v1/agreements/?page_size=200")


# --- pages ------------------------------------------------------------------------------------


def _form(partner, **extra):
    return {
        "partner": partner.pk,
        "kind": "reseller",
        "title": "Reseller agreement",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "notice_period_days": "30",
        "exit_clauses": "Either side may end it with 30 days' notice.",
        **extra,
    }


def test_it_creates_an_agreement_with_a_pdf(client_for, bob, acme):
    pdf = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client_for(bob).post(reverse("agreements:create"), _form(acme, document=pdf))
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.status == Status.DRAFT and agreement.document.name.endswith(".pdf")
    assert "contract" not in agreement.document.name


@pytest.mark.parametrize(
    ("name", "content"),
    [("fake.pdf", b"<html>not a pdf</html>"), ("empty.pdf", b""), ("x.exe", b"MZ\x90\x00")],
)
def test_it_refuses_a_document_that_is_not_a_pdf(name, content, client_for, bob, acme):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_for(bob).post(reverse("agreements:create"), _form(acme, document=upload))
    assert response.status_code == 400
    assert not Agreement.objects.exists()


def test_it_refuses_a_pdf_over_10_mb(client_for, bob, acme):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = client_for(bob).post(reverse("agreements:create"), _form(acme, document=big))
    assert response.status_code == 400
    assert "at most 10 MB" in response.content.decode()
    assert not Agreement.objects.exists()


def test_it_edits_a_draft_and_sends_it_from_its_page(client_for, bob, acme, charlie):
    # charlie: the partner admin who will sign (send is refused without one)
    agreement = AgreementFactory(partner=acme)
    c = client_for(bob)
    response = c.post(reverse("agreements:edit", args=[agreement.pk]), _form(acme, title="New"))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "New"
    response = c.post(reverse("agreements:transition", args=[agreement.pk, "send"]))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.SENT
    response = c.post(reverse("agreements:transition", args=[agreement.pk, "send"]))
    assert response.status_code == 409


def test_it_records_a_signature_on_the_manager_page(client_for, bob):
    agreement = AgreementFactory(status="sent")
    c = client_for(bob)
    url = reverse("agreements:transition", args=[agreement.pk, "sign"])
    assert c.post(url, {"sign-signed_by_name": ""}).status_code == 400
    assert c.post(url, {"sign-signed_by_name": "Pat"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE and agreement.signed_by_name == "Pat"


def test_it_shows_the_agreement_pages(client_for, bob):
    agreement = AgreementFactory(status="active")
    c = client_for(bob)
    assert c.get(reverse("agreements:list")).status_code == 200
    response = c.get(reverse("agreements:detail", args=[agreement.pk]))
    assert response.status_code == 200
    assert b"Terminate" in response.content


def test_it_signs_in_the_portal(client_for, charlie):
    agreement = AgreementFactory(partner=charlie.partner, status="sent", title="Acme reseller")
    c = client_for(charlie)
    response = c.get(reverse("portal:agreements"))
    assert b"Acme reseller" in response.content and b"to sign" in response.content
    url = reverse("portal:agreement_sign", args=[agreement.pk])
    assert c.post(url, {"signed_by_name": ""}).status_code == 400
    response = c.post(url, {"signed_by_name": "Charlie Brown"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE and agreement.signed_by == charlie
    assert c.post(url, {"signed_by_name": "Again"}).status_code == 409


def test_it_keeps_other_partners_agreements_out_of_the_portal(client_for, charlie, dave):
    other = AgreementFactory(partner=dave.partner, status="sent", title="Globex secret")
    draft = AgreementFactory(partner=charlie.partner, title="Unsent draft")
    c = client_for(charlie)
    listing = c.get(reverse("portal:agreements")).content
    assert b"Globex secret" not in listing and b"Unsent draft" not in listing
    assert c.get(reverse("portal:agreement_detail", args=[other.pk])).status_code == 404
    assert c.get(reverse("portal:agreement_detail", args=[draft.pk])).status_code == 404
    url = reverse("portal:agreement_sign", args=[other.pk])
    assert c.post(url, {"signed_by_name": "Charlie"}).status_code == 404
    other.refresh_from_db()
    assert other.status == Status.SENT


def test_it_serves_the_document_to_staff_and_the_own_partner_only(client_for, bob, charlie, dave):
    agreement = AgreementFactory(partner=charlie.partner, status="sent")
    agreement.document.save("x.pdf", SimpleUploadedFile("x.pdf", PDF), save=False)
    Agreement.objects.filter(pk=agreement.pk).update(document=agreement.document.name)
    url = reverse("agreements:document", args=[agreement.pk])
    response = client_for(bob).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client_for(charlie).get(url).status_code == 200
    assert client_for(dave).get(url).status_code == 404


def test_it_hides_a_draft_document_from_the_partner(client_for, charlie):
    agreement = AgreementFactory(partner=charlie.partner)
    agreement.document.save("x.pdf", SimpleUploadedFile("x.pdf", PDF))
    url = reverse("agreements:document", args=[agreement.pk])
    assert client_for(charlie).get(url).status_code == 404


def test_it_keeps_partner_users_out_of_the_agreement_pages(client_for, charlie):
    agreement = AgreementFactory(partner=charlie.partner, status="sent")
    c = client_for(charlie)
    assert c.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 302
    response = c.post(
        reverse("agreements:transition", args=[agreement.pk, "sign"]), {"sign-signed_by_name": "C"}
    )
    assert response.status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SENT


def test_it_shows_agreements_to_sign_on_the_portal_home(client_for, charlie, dave):
    AgreementFactory(partner=charlie.partner, status="sent", title="Please sign me")
    AgreementFactory(partner=dave.partner, status="sent", title="Not yours")
    html = client_for(charlie).get(reverse("portal:home")).content.decode()
    assert "Please sign me" in html and "Not yours" not in html


def test_it_terminates_active_agreements_when_the_partner_exits(bob):
    from apps.partners.services import partner_transition

    partner = PartnerFactory(stage="growth")
    a = AgreementFactory(partner=partner, status="active")
    partner_transition(partner=partner, name="exit", actor=bob, reason="Merger")
    a.refresh_from_db()
    assert a.status == Status.TERMINATED and a.termination_reason == "Partner exited: Merger"


@pytest.mark.parametrize("n", [2, 50])
def test_it_lists_agreement_pages_in_constant_queries(
    n, client_for, bob, charlie, django_assert_num_queries
):
    AgreementFactory.create_batch(n, partner=charlie.partner, status="sent")
    manager = client_for(bob)
    # session, user, count, page (partner joined)
    with django_assert_num_queries(4):
        assert manager.get(reverse("agreements:list")).status_code == 200
    # session, user with its partner (the access check), agreements (partner joined)
    c = client_for(charlie)
    with django_assert_num_queries(3):
        assert c.get(reverse("portal:agreements")).status_code == 200


def test_it_edits_only_drafts(client_for, api_for, bob, acme):
    sent = AgreementFactory(partner=acme, status="sent", title="As sent")
    response = client_for(bob).post(reverse("agreements:edit", args=[sent.pk]), _form(acme))
    assert response.status_code == 400 and "Only a draft is edited" in response.content.decode()
    response = api_for(bob).patch(f"/api/v1/agreements/{sent.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.title == "As sent"
