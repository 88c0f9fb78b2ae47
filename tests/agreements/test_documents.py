"""Agreement documents: templates with merge fields, the generated PDF sent for signature, the
signature (who, when, from where, which bytes) with its certificate, countersigning, and a
future start date (`signed` until the sweep activates it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import PartnerRole
from apps.agreements import documents
from apps.agreements.models import Agreement, AgreementTemplate, Kind, Status
from apps.agreements.services import agreement_template_update, agreement_transition
from apps.core import sweeps
from apps.core.errors import (
    ConcurrentChange,
    ConditionsUnmet,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from apps.core.pdf import pdf_text, sha256
from apps.notifications.models import Notification
from apps.program.models import Tier
from tests.factories import AgreementFactory, PartnerFactory, PartnerUserFactory, sample_pdf

pytestmark = pytest.mark.django_db


def _read(fieldfile) -> bytes:
    with fieldfile.open("rb") as handle:
        return handle.read()


def _draft(partner, **over) -> Agreement:
    fields = {
        "partner": partner,
        "kind": "reseller",
        "title": "Acme reseller agreement 2027",
        "start_date": timezone.localdate() - timedelta(days=1),
        "end_date": timezone.localdate() + timedelta(days=365),
        "notice_period_days": 45,
        "exit_clauses": "Either side may end it with 45 days' notice.",
        "partner_address": "1 Harbour Street\nBristol BS1 4RN",
    }
    return AgreementFactory(**{**fields, **over})


# --- the templates ---------------------------------------------------------------------------


def test_a_fresh_installation_has_a_template_for_every_kind():
    templates = {t.kind: t for t in AgreementTemplate.objects.all()}
    assert set(templates) == set(Kind.values)
    for template in templates.values():
        assert documents.unknown_fields(template.body) == []
        assert "{{ partner_name }}" in template.body and len(template.body) > 1000


def test_it_fills_in_every_merge_field_escaped(acme):
    acme.name = "Acme <Resellers> & Co"
    acme.website = "https://acme.example"
    acme.tier = Tier.objects.create(
        name="Platinum Test", rank=9, discount_percent=27, protection_days=150, qbr_cadence_months=2
    )
    acme.save()
    agreement = _draft(
        acme,
        end_date=date(2029, 6, 30),
        auto_renew=True,
        exit_clauses="Clause one <b>bold?</b>\nClause two",
    )
    body = "\n\n".join(f"{name}: {{{{ {name} }}}}" for name in documents.MERGE_FIELDS)
    html = documents.render_body(body, documents.merge_values(agreement, today=date(2026, 3, 9)))
    assert "Acme &lt;Resellers&gt; &amp; Co" in html and "<Resellers>" not in html
    assert "1 Harbour Street<br>Bristol BS1 4RN" in html
    assert "https://acme.example" in html
    assert "Acme reseller agreement 2027" in html
    assert "Reseller agreement" in html
    assert "June 30, 2029" in html and "March 9, 2026" in html
    assert "renews automatically" in html
    assert "notice_period_days: 45" in html
    assert "Platinum Test" in html
    assert "Discount on list price: 27%" in html and "150 days" in html and "every 2 months" in html
    assert "Clause one &lt;b&gt;bold?&lt;/b&gt;<br>Clause two" in html
    assert "{{" not in html and "MERGEFIELD" not in html


def test_it_refuses_a_template_naming_an_unknown_field(alice):
    template = AgreementTemplate.objects.get(kind="nda")
    with pytest.raises(InvalidInput) as exc:
        agreement_template_update(
            template=template,
            actor=alice,
            title="NDA",
            body="Hello {{ partner_name }} of {{ partner_shoe_size }} {{ 7*7 }}",
            countersign=False,
        )
    message = exc.value.errors["body"][0]
    assert "{{ partner_shoe_size }}" in message and "{{ 7*7 }}" in message
    assert "partner_name" in message  # the fields that exist are listed
    template.refresh_from_db()
    assert "shoe" not in template.body


def test_only_admins_edit_templates(bob):
    template = AgreementTemplate.objects.get(kind="nda")
    with pytest.raises(NotPermitted):
        agreement_template_update(
            template=template, actor=bob, title="x", body="y", countersign=False
        )


def test_the_templates_api_is_for_admins(api_for, alice, bob, charlie):
    template = AgreementTemplate.objects.get(kind="referral")
    assert api_for(bob).get("/api/v1/agreement-templates/").status_code == 403
    assert api_for(charlie).get("/api/v1/agreement-templates/").status_code == 403
    c = api_for(alice)
    rows = c.get("/api/v1/agreement-templates/").json()["results"]
    assert {r["kind"] for r in rows} == set(Kind.values)
    assert set(rows[0]) == {"id", "kind", "title", "body", "countersign"}
    url = f"/api/v1/agreement-templates/{template.pk}/"
    bad = c.patch(url, {"body": "{{ nope }}"}, format="json")
    assert bad.status_code == 400 and "{{ nope }}" in bad.json()["body"][0]
    good = c.patch(url, {"body": "Dear {{ partner_name }}", "countersign": True}, format="json")
    assert good.status_code == 200 and good.json()["countersign"] is True
    template.refresh_from_db()
    assert (template.body, template.countersign, template.updated_by) == (
        "Dear {{ partner_name }}",
        True,
        alice,
    )


def test_the_template_page_previews_and_refuses_unknown_fields(client_for, alice, bob):
    template = AgreementTemplate.objects.get(kind="mou")
    url = reverse("agreements:template_edit", args=[template.pk])
    assert client_for(bob).get(url).status_code == 403
    c = client_for(alice)
    assert c.get(reverse("agreements:templates")).status_code == 200
    page = c.get(url)
    assert page.status_code == 200 and "Example Partner Ltd" in page.content.decode()
    preview = c.post(
        url, {"title": "MOU", "body": "## Hi\n\n{{ partner_name }} <script>", "preview": "1"}
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and "<h2>Hi</h2>" in html and "&lt;script&gt;" in html
    template.refresh_from_db()
    assert "## Hi" not in template.body  # a preview saves nothing
    refused = c.post(url, {"title": "MOU", "body": "{{ unknown_thing }}", "save": "1"})
    assert refused.status_code == 400 and "{{ unknown_thing }}" in refused.content.decode()
    saved = c.post(url, {"title": "MOU", "body": "{{ partner_name }}", "save": "1"})
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.body == "{{ partner_name }}"


def test_the_templates_list_reads_a_fixed_number_of_queries(
    client_for, alice, django_assert_max_num_queries
):
    c = client_for(alice)
    # session, user, the templates with their last editors (one join), the nav's unread count
    with django_assert_max_num_queries(6):
        assert c.get(reverse("agreements:templates")).status_code == 200


def test_the_templates_api_list_reads_a_fixed_number_of_queries(
    api_for, alice, django_assert_num_queries
):
    c = api_for(alice)
    # the count, the page of templates (one per kind: the list never grows past six)
    with django_assert_num_queries(2):
        assert len(c.get("/api/v1/agreement-templates/").json()["results"]) == len(Kind.values)


# --- send ------------------------------------------------------------------------------------


def test_send_generates_the_document_from_the_template(bob, charlie):
    agreement = _draft(charlie.partner, document=None, document_sha256="")
    agreement_transition(agreement=agreement, name="send", actor=bob)
    agreement.refresh_from_db()
    content = _read(agreement.document)
    assert content.startswith(b"%PDF-") and agreement.document_generated
    assert agreement.document_sha256 == sha256(content)
    text = pdf_text(content)
    assert "Acme reseller agreement 2027" in text and charlie.partner.name in text
    assert "Bristol BS1 4RN" in text and "45 days" in text
    assert agreement.countersign_required  # the reseller template asks for it


def test_send_keeps_an_uploaded_document_and_fingerprints_it(bob, charlie):
    agreement = _draft(charlie.partner, status="draft")
    agreement.document.save("x.pdf", ContentFile(sample_pdf()), save=True)
    agreement_transition(agreement=agreement, name="send", actor=bob)
    agreement.refresh_from_db()
    assert not agreement.document_generated
    assert _read(agreement.document) == sample_pdf()
    assert agreement.document_sha256 == sha256(sample_pdf())


def test_send_is_refused_without_a_document_or_template(api_for, bob, charlie):
    AgreementTemplate.objects.filter(kind="oem").delete()
    agreement = _draft(charlie.partner, kind="oem", document=None)
    with pytest.raises(ConditionsUnmet) as exc:
        agreement_transition(agreement=agreement, name="send", actor=bob)
    assert "no document to send" in exc.value.unmet[0]
    response = api_for(bob).post(f"/api/v1/agreements/{agreement.pk}/transitions/send/")
    body = response.json()
    assert response.status_code == 409 and body["code"] == "conditions_unmet"
    assert "upload a PDF or keep a template" in body["unmet"][0]
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT


@pytest.mark.parametrize("who", ["nobody", "member", "inactive admin", "another partner's admin"])
def test_send_is_refused_without_a_partner_admin_to_sign(who, api_for, bob, acme, globex):
    if who == "member":
        PartnerUserFactory(partner=acme, partner_role=PartnerRole.MEMBER)
    elif who == "inactive admin":
        PartnerUserFactory(partner=acme, is_active=False)
    elif who == "another partner's admin":
        PartnerUserFactory(partner=globex)
    agreement = _draft(acme, document=None)
    response = api_for(bob).post(f"/api/v1/agreements/{agreement.pk}/transitions/send/")
    body = response.json()
    assert response.status_code == 409 and body["code"] == "conditions_unmet"
    assert body["unmet"] == ["The partner has no active portal admin to sign it: invite one first."]
    agreement.refresh_from_db()
    assert agreement.status == Status.DRAFT and not agreement.document


# --- sign ------------------------------------------------------------------------------------


def _sent(bob, partner, **over) -> Agreement:
    agreement = _draft(partner, document=None, **over)
    agreement_transition(agreement=agreement, name="send", actor=bob)
    return agreement


def test_signing_in_the_portal_records_who_what_when_where(client_for, bob, charlie):
    agreement = _sent(bob, charlie.partner)
    sent_bytes = _read(agreement.document)
    c = client_for(charlie)
    page = c.get(reverse("portal:agreement_detail", args=[agreement.pk]))
    html = page.content.decode()
    assert reverse("agreements:document", args=[agreement.pk]) in html  # shown inline
    assert "?download=1" in html and agreement.document_sha256 in html
    inline = c.get(reverse("agreements:document", args=[agreement.pk]))
    assert inline["Content-Type"] == "application/pdf"
    assert b"".join(inline.streaming_content) == sent_bytes
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    response = c.post(
        reverse("portal:agreement_sign", args=[agreement.pk]),
        {"signed_by_name": "Charlie Chaplin", "document_sha256": agreement.document_sha256},
        HTTP_USER_AGENT="Mozilla/5.0 (Test) Signer",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE  # started yesterday
    assert (agreement.signed_by, agreement.signed_by_name) == (charlie, "Charlie Chaplin")
    assert agreement.signed_from_address == "203.0.113.9"
    assert agreement.signed_user_agent == "Mozilla/5.0 (Test) Signer"
    # the fingerprint of the exact bytes sent, which are still the document's
    assert agreement.signed_document_sha256 == sha256(sent_bytes) == agreement.document_sha256
    assert _read(agreement.document) == sent_bytes
    signed = _read(agreement.signed_document)
    text = pdf_text(signed)
    assert "Acme reseller agreement 2027" in text  # the contract's pages first
    assert "Signature certificate" in text
    for value in ("Charlie Chaplin", "203.0.113.9", "Mozilla/5.0 (Test) Signer"):
        assert value in text
    assert agreement.document_sha256 in text.replace("\n", "")
    served = c.get(reverse("agreements:document", args=[agreement.pk]) + "?download=1")
    assert b"".join(served.streaming_content) == signed
    assert served["Content-Disposition"].startswith("attachment")


def test_signing_another_document_than_the_one_read_is_refused(client_for, bob, charlie):
    agreement = _sent(bob, charlie.partner)
    response = client_for(charlie).post(
        reverse("portal:agreement_sign", args=[agreement.pk]),
        {"signed_by_name": "Charlie", "document_sha256": "0" * 64},
    )
    assert response.status_code == 400
    assert "read it again" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SENT


def test_a_document_changed_on_disk_after_sending_cannot_be_signed(bob, charlie):
    agreement = _sent(bob, charlie.partner)
    with agreement.document.open("wb") as handle:
        handle.write(b"%PDF-1.4 tampered")
    with pytest.raises(ConcurrentChange):
        agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SENT


def test_an_agreement_without_a_document_cannot_be_signed(bob):
    agreement = AgreementFactory(status="sent", document=None, document_sha256="")
    with pytest.raises(ConditionsUnmet):
        agreement_transition(agreement=agreement, name="sign", actor=bob, signed_by_name="P")


def test_the_document_api_serves_the_pdf_to_its_own_side_only(api_for, bob, charlie, dave, acme):
    agreement = _sent(bob, acme)
    finance = PartnerUserFactory(partner=acme, partner_role=PartnerRole.FINANCE)
    member = PartnerUserFactory(partner=acme, partner_role=PartnerRole.MEMBER)
    url = f"/api/v1/agreements/{agreement.pk}/document/"
    for user in (bob, charlie, finance):
        response = api_for(user).get(url, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == _read(agreement.document)
    assert api_for(dave).get(url).status_code == 404
    assert api_for(member).get(url).status_code == 403
    detail = api_for(charlie).get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert detail["document_sha256"] == agreement.document_sha256
    assert detail["document_url"] == url
    missing = AgreementFactory(partner=acme, status="sent", document=None)
    assert api_for(bob).get(f"/api/v1/agreements/{missing.pk}/document/").status_code == 404


def test_the_api_sign_checks_the_fingerprint_given(api_for, bob, charlie):
    agreement = _sent(bob, charlie.partner)
    url = f"/api/v1/agreements/{agreement.pk}/transitions/sign/"
    c = api_for(charlie)
    wrong = c.post(url, {"signed_by_name": "C", "document_sha256": "f" * 64}, format="json")
    assert wrong.status_code == 400 and "document_sha256" in wrong.json()
    ok = c.post(
        url,
        {"signed_by_name": "C", "document_sha256": agreement.document_sha256.upper()},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "active"


# --- countersign -----------------------------------------------------------------------------


def test_a_manager_countersigns_when_the_template_says_so(bob, charlie):
    agreement = _sent(bob, charlie.partner)  # reseller: countersigned
    with pytest.raises(TransitionNotAllowed):  # nothing to countersign before the partner signs
        agreement_transition(agreement=agreement, name="countersign", actor=bob)
    agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    with pytest.raises(NotPermitted):
        agreement_transition(agreement=agreement, name="countersign", actor=charlie)
    bob.first_name, bob.last_name = "Bob", "Builder"
    bob.save()
    agreement_transition(agreement=agreement, name="countersign", actor=bob)
    agreement.refresh_from_db()
    assert agreement.countersigned_by == bob and agreement.countersigned_by_name == "Bob Builder"
    assert agreement.status == Status.ACTIVE
    text = pdf_text(_read(agreement.signed_document))
    assert "Countersigned by" in text and "Bob Builder" in text
    with pytest.raises(ConditionsUnmet):  # once
        agreement_transition(agreement=agreement, name="countersign", actor=bob)


def test_no_countersignature_when_the_template_asks_for_none(bob, charlie):
    agreement = _sent(bob, charlie.partner, kind="nda")
    agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    assert not agreement.countersign_required
    with pytest.raises(ConditionsUnmet):
        agreement_transition(agreement=agreement, name="countersign", actor=bob)


# --- a future start date ---------------------------------------------------------------------


def at(day: date, hour: int = 6) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_a_future_start_is_signed_until_the_sweep_activates_it_once(bob, charlie):
    partner = charlie.partner
    partner.manager = bob
    partner.save()
    start = timezone.localdate() + timedelta(days=10)
    agreement = _sent(bob, partner, start_date=start, end_date=start + timedelta(days=365))
    agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED
    assert not partner.agreements.filter(status="active").exists()  # onboarding waits
    Notification.objects.all().delete()

    before = sweeps.run("agreement_renewals", at(start - timedelta(days=1), 23))
    assert before["activated"] == 0
    assert Agreement.objects.get(pk=agreement.pk).status == Status.SIGNED

    first = sweeps.run("agreement_renewals", at(start))
    second = sweeps.run("agreement_renewals", at(start, 12))
    assert (first["activated"], second["activated"]) == (1, 0)
    assert Agreement.objects.get(pk=agreement.pk).status == Status.ACTIVE
    told = sorted(
        Notification.objects.filter(kind="agreement_active").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == ["bob", "charlie"]  # both sides, once


def test_the_activation_sweep_reads_nothing_twice(bob, charlie, django_assert_num_queries):
    start = timezone.localdate() + timedelta(days=3)
    agreement = _sent(bob, charlie.partner, start_date=start, end_date=None)
    agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    sweeps.run("agreement_renewals", at(start))
    # program settings, signed agreements starting (none), active agreements not planned yet
    # (none) and due (none)
    with django_assert_num_queries(4):
        assert sweeps.run("agreement_renewals", at(start, 13))["activated"] == 0


def test_a_signed_agreement_ends_with_the_partners_exit(bob, charlie):
    from apps.agreements.exit import carry_out, exit_effects

    start = timezone.localdate() + timedelta(days=30)
    agreement = _sent(bob, charlie.partner, start_date=start, end_date=None)
    agreement_transition(agreement=agreement, name="sign", actor=charlie, signed_by_name="C")
    now = timezone.now()
    [planned] = exit_effects(charlie.partner, now=now)  # the exit's preview names it
    assert planned.object_id == agreement.pk
    assert carry_out(charlie.partner, reason="x", now=now) == [planned]
    assert Agreement.objects.get(pk=agreement.pk).status == Status.TERMINATED


def test_the_api_agreement_created_as_before_is_sent_with_a_generated_document(api_for, bob, acme):
    PartnerUserFactory(partner=acme)
    other = PartnerFactory()
    c = api_for(bob)
    created = c.post(
        "/api/v1/agreements/",
        {
            "partner": acme.pk,
            "kind": "technology",
            "title": "Tech 2027",
            "start_date": "2027-01-01",
        },
        format="json",
    ).json()
    sent = c.post(f"/api/v1/agreements/{created['id']}/transitions/send/").json()
    assert sent["status"] == "sent" and len(sent["document_sha256"]) == 64
    assert other.agreements.count() == 0


def test_send_refuses_an_uploaded_document_no_one_can_read(api_for, bob, charlie):
    agreement = _draft(charlie.partner, status="draft")
    agreement.document.save("x.pdf", ContentFile(b"%PDF-1.4 not really a pdf"), save=True)
    response = api_for(bob).post(f"/api/v1/agreements/{agreement.pk}/transitions/send/")
    assert response.status_code == 400
    assert "not a readable PDF" in response.json()["document"][0]
    assert Agreement.objects.get(pk=agreement.pk).status == Status.DRAFT


def test_an_unmet_condition_is_said_in_the_readers_language(api_for, bob, acme):
    agreement = _draft(acme, document=None)
    response = api_for(bob).post(
        f"/api/v1/agreements/{agreement.pk}/transitions/send/", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 409
    assert response.json()["unmet"][0].startswith("Der Partner hat keinen aktiven Portal-Admin")
