"""Editing a returned request and submitting it again (portal page and API PATCH), correcting a
returned claim, and the proofs uploaded through the API (type, size, name, isolation)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import PartnerRole
from apps.funds.models import FundRequest, Status

from .factories import PDF_BYTES, PNG_BYTES, allocation, member, pdf, period, request_in

pytestmark = pytest.mark.django_db

EDIT = {
    "activity_type": "webinar",
    "title": "Zero-trust webinar, one session",
    "starts_on": "2027-02-01",
    "ends_on": "2027-02-01",
    "requested_amount": "3000",
    "expected_leads": "25",
    "expected_pipeline": "90000",
    "description": "One session, as asked.",
}


def test_the_partner_edits_a_returned_request_and_submits_it_again(acme, bob, client_for):
    nina = member(acme)
    r = request_in("returned", allocation(acme), by=nina, manager=bob)
    portal = client_for(nina)
    detail = portal.get(f"/portal/funds/requests/{r.pk}/").content.decode()
    assert f"/portal/funds/requests/{r.pk}/edit/" in detail and "Add the agenda." in detail
    page = portal.get(f"/portal/funds/requests/{r.pk}/edit/")
    assert page.status_code == 200
    assert "Add the agenda." in page.content.decode()  # what the manager asked
    assert 'value="Cloud migration webinar"' in page.content.decode()  # prefilled
    bad = portal.post(f"/portal/funds/requests/{r.pk}/edit/", {**EDIT, "ends_on": "2027-01-01"})
    assert bad.status_code == 400 and "ends on or after" in bad.content.decode()
    saved = portal.post(f"/portal/funds/requests/{r.pk}/edit/", {**EDIT, "save": "submit"})
    assert saved.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.title, r.requested_amount) == (
        Status.SUBMITTED,
        "Zero-trust webinar, one session",
        Decimal("3000.00"),
    )
    assert [e.transition for e in r.events.all()][-2:] == ["edit", "submit"]
    # Once submitted it is no longer editable: the page sends the partner back.
    again = portal.get(f"/portal/funds/requests/{r.pk}/edit/")
    assert again.status_code == 302
    assert portal.post(f"/portal/funds/requests/{r.pk}/edit/", EDIT).status_code == 302
    r.refresh_from_db()
    assert r.title == "Zero-trust webinar, one session" and r.status == Status.SUBMITTED


def test_a_draft_saved_without_submitting_stays_a_draft(acme, client_for):
    nina = member(acme)
    r = request_in("draft", allocation(acme), by=nina)
    answer = client_for(nina).post(
        f"/portal/funds/requests/{r.pk}/edit/", {**EDIT, "save": "draft"}
    )
    assert answer.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.expected_leads) == (Status.DRAFT, 25)


def test_who_may_edit(acme, globex, bob, client_for):
    r = request_in("returned", allocation(acme), manager=bob)
    assert client_for(member(globex)).get(f"/portal/funds/requests/{r.pk}/edit/").status_code == 404
    finance = client_for(member(acme, PartnerRole.FINANCE))
    assert finance.get(f"/portal/funds/requests/{r.pk}/edit/").status_code == 403
    assert client_for(bob).get(f"/portal/funds/requests/{r.pk}/edit/").status_code in (302, 403)


def test_a_returned_claim_opens_with_what_was_claimed_and_is_claimed_again(acme, bob, client_for):
    nina = member(acme)
    r = request_in("claim_returned", allocation(acme), by=nina, manager=bob)
    portal = client_for(nina)
    page = portal.get(f"/portal/funds/requests/{r.pk}/").content.decode()
    assert "Submit a claim" in page and 'value="4000.00"' in page and 'value="31"' in page
    answer = portal.post(
        f"/portal/funds/requests/{r.pk}/claim/",
        {"actual_cost": "3500", "leads_created": "33", "registrations_created": "5"},
    )
    assert answer.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.actual_cost, r.leads_created) == (
        Status.CLAIMED,
        Decimal("3500.00"),
        33,
    )


def test_the_api_patches_a_returned_request_and_resubmits(acme, globex, bob, api_for):
    nina = member(acme)
    r = request_in("returned", allocation(acme), by=nina, manager=bob)
    url = f"/api/v1/fund-requests/{r.pk}/"
    api = api_for(nina)
    assert api.put(url, {"title": "x"}, format="json").status_code == 405
    bad = api.patch(url, {"requested_amount": "0"}, format="json")
    assert bad.status_code == 400 and "requested_amount" in bad.json()
    later = allocation(acme, of=period(name="2027-H2"))
    moved = api.patch(url, {"allocation": later.pk}, format="json")
    assert moved.status_code == 400 and "allocation" in moved.json()
    ok = api.patch(url, {"requested_amount": "2500.00", "submit": True}, format="json")
    assert ok.status_code == 200, ok.json()
    body = ok.json()
    assert (body["status"], body["requested_amount"], body["title"]) == (
        "submitted",
        "2500.00",
        "Cloud migration webinar",  # not sent: kept
    )
    late = api.patch(url, {"title": "Too late"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "transition_not_allowed"
    assert api_for(member(globex)).patch(url, {"title": "x"}, format="json").status_code == 404
    finance = api_for(member(acme, PartnerRole.FINANCE))
    assert finance.patch(url, {"title": "x"}, format="json").status_code == 403
    draft = request_in("draft", r.allocation, by=nina)
    assert (
        api_for(bob).patch(f"/api/v1/fund-requests/{draft.pk}/", {"title": "x"}, format="json")
    ).status_code == 403


def test_the_api_uploads_lists_and_downloads_proofs(acme, globex, bob, api_for):
    nina = member(acme)
    r = request_in("approved", allocation(acme), by=nina, manager=bob)
    url = f"/api/v1/fund-requests/{r.pk}/files/"
    api = api_for(nina)
    up = api.post(
        url, {"kind": "invoice", "file": pdf("../../Invoice 2027\x01.pdf")}, format="multipart"
    )
    assert up.status_code == 201, up.json()
    body = up.json()
    assert body["kind"] == "invoice" and body["content_type"] == "application/pdf"
    assert "/" not in body["name"] and "\x01" not in body["name"]
    png = SimpleUploadedFile("stage.png", PNG_BYTES, content_type="image/png")
    assert api.post(url, {"kind": "proof", "file": png}, format="multipart").status_code == 201
    listed = api.get(url).json()
    assert [f["kind"] for f in listed] == ["invoice", "proof"]
    download = api.get(body["download"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES
    # The claim goes through with the files sent by the API.
    claimed = api.post(
        f"/api/v1/fund-requests/{r.pk}/transitions/claim/", {"actual_cost": "3900"}, format="json"
    )
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    # Another partner: 404 on the list, the upload and the download.
    other = api_for(member(globex))
    assert other.get(url).status_code == 404
    assert other.get(body["download"]).status_code == 404
    assert other.post(url, {"kind": "proof", "file": pdf()}, format="multipart").status_code == 404
    # Staff read and download, and may not upload in the partner's name.
    staff = api_for(bob)
    assert len(staff.get(url).json()) == 2 and staff.get(body["download"]).status_code == 200


def test_an_upload_is_refused_by_type_size_kind_and_state(acme, bob, api_for, settings):
    nina = member(acme)
    r = request_in("approved", allocation(acme), by=nina, manager=bob)
    url = f"/api/v1/fund-requests/{r.pk}/files/"
    api = api_for(nina)
    script = SimpleUploadedFile("proof.pdf", b"<script>alert(1)</script>", "application/pdf")
    refused = api.post(url, {"kind": "proof", "file": script}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024), "application/pdf")
    too_big = api.post(url, {"kind": "proof", "file": big}, format="multipart")
    assert too_big.status_code == 400 and "file" in too_big.json()
    no_kind = api.post(url, {"kind": "receipt", "file": pdf()}, format="multipart")
    assert no_kind.status_code == 400 and "kind" in no_kind.json()
    no_file = api.post(url, {"kind": "proof"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()
    as_json = api.post(url, {"kind": "proof"}, format="json")
    assert as_json.status_code == 415
    finance = api_for(member(acme, PartnerRole.FINANCE))
    assert (
        finance.post(url, {"kind": "proof", "file": pdf()}, format="multipart").status_code == 403
    )
    assert (
        api_for(bob).post(url, {"kind": "proof", "file": pdf()}, format="multipart").status_code
        == 403
    )
    submitted = request_in("submitted", r.allocation, by=nina, manager=bob)
    wrong_state = api.post(
        f"/api/v1/fund-requests/{submitted.pk}/files/",
        {"kind": "proof", "file": pdf()},
        format="multipart",
    )
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "transition_not_allowed"
    assert not FundRequest.objects.get(pk=r.pk).files.exists()
