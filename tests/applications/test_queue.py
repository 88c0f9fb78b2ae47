"""Managers: the applications queue (fit score, answers, duplicates by registrable domain),
accept (a partner in recruitment, its applicant invited as partner admin) and decline (the
reason e-mailed); the API's list and transitions; the admins' profile questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import PartnerRole
from apps.applications.models import Application, ProfileQuestion
from apps.applications.selectors import duplicates_for
from apps.applications.services import application_submit, application_transition
from apps.core.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from apps.partners.models import Partner, Stage
from apps.people.models import Invitation
from apps.program.models import PartnerType
from tests.factories import PartnerFactory

from .conftest import delivered

pytestmark = pytest.mark.django_db


def submit(company="Initech Partners", website="initech.co.uk", email="peter@initech.co.uk", **kw):
    return application_submit(
        fields={
            "company": company,
            "website": website,
            "country": "GB",
            "contact_name": "Peter Gibbons",
            "contact_email": email,
        },
        partner_type=PartnerType.objects.get(key="reseller"),
        answers={},
        **kw,
    )


def test_duplicates_are_found_by_registrable_domain(db):
    known = PartnerFactory(name="Initech UK", website="https://www.initech.co.uk/")
    PartnerFactory(name="Not Initech", website="https://notinitech.co.uk")
    earlier = submit(now=timezone.now() - timedelta(days=3))
    later = submit(company="Initech (sales)", website="https://sales.Initech.co.uk/x")
    other = submit(company="Hooli", website="hooli.xyz", email="gavin@hooli.xyz")
    found = duplicates_for([earlier, later, other])
    assert found[later.pk]["partners"] == [known]
    assert found[later.pk]["applications"] == [earlier]
    assert found[earlier.pk]["applications"] == []  # only earlier ones count
    assert found[earlier.pk]["partners"] == [known]
    assert found[other.pk] == {"partners": [], "applications": []}


def test_the_queue_shows_fit_answers_and_duplicates_to_managers_only(
    bob, charlie, client_for, form_input
):
    PartnerFactory(name="Initech UK", website="https://initech.co.uk")
    client_for(bob).logout()
    from django.test import Client

    assert Client().post(reverse("apply:form"), form_input).status_code == 302
    page = client_for(bob).get(reverse("applications:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Initech Partners" in html and "Partner: Initech UK" in html
    application = Application.objects.get()
    detail = client_for(bob).get(reverse("applications:detail", args=[application.pk]))
    assert detail.status_code == 200
    assert "How many sellers do you have?" in detail.content.decode()
    # A partner user is sent to the portal; nobody signed out sees it.
    assert client_for(charlie).get(reverse("applications:queue")).url == reverse("portal:home")
    assert Client().get(reverse("applications:queue")).status_code == 302


@pytest.mark.parametrize("rows", [2, 50])
def test_the_queue_costs_the_same_queries_at_2_and_50(bob, client_for, rows):
    for n in range(rows):
        submit(company=f"Company {n}", website=f"company{n}.example.com", email=f"a{n}@x.com")
    client = client_for(bob)
    with CaptureQueriesContext(connection) as queries:
        r = client.get(reverse("applications:queue"))
    assert (
        r.status_code == 200 and r.content.decode().count('data-testid="application-row"') == rows
    )
    # session, user, count, page of applications (with type, partner, decider), partners of
    # their domains, applications of their domains, and the nav's/notifications' own
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_accept_creates_the_partner_in_recruitment_and_invites_the_applicant(bob, alice):
    application = submit()
    delivered()  # the acknowledgement
    application_transition(application=application, name="accept", actor=bob, manager=alice)
    application.refresh_from_db()
    partner = application.partner
    assert application.status == "accepted" and application.decided_by == bob
    assert partner.stage == Stage.RECRUITMENT and partner.manager == alice
    assert partner.name == "Initech Partners" and partner.website == "https://initech.co.uk"
    invitation = Invitation.objects.get(partner=partner)
    assert invitation.email == "peter@initech.co.uk"
    assert invitation.partner_role == PartnerRole.ADMIN and invitation.invited_by == bob
    # The applicant is the partner's primary contact, and the invitation names them.
    contact = partner.contacts.get()
    assert (contact.name, contact.email, contact.roles) == (
        application.contact_name,
        "peter@initech.co.uk",
        ["primary"],
    )
    assert invitation.contact == contact
    sent = delivered()
    assert [m.to for m in sent] == [["peter@initech.co.uk"]]
    assert "/accounts/invitation/" in sent[0].body
    # Once decided, it is decided.
    with pytest.raises(TransitionNotAllowed):
        application_transition(application=application, name="accept", actor=bob)
    assert Partner.objects.count() == 1


def test_decline_needs_a_reason_and_emails_it(bob):
    application = submit()
    delivered()
    with pytest.raises(InvalidInput):
        application_transition(application=application, name="decline", actor=bob, reason=" ")
    application_transition(
        application=application, name="decline", actor=bob, reason="We cover the UK already."
    )
    application.refresh_from_db()
    assert application.status == "declined"
    assert application.decline_reason == "We cover the UK already."
    sent = delivered()
    assert [m.to for m in sent] == [["peter@initech.co.uk"]]
    assert "We cover the UK already." in sent[0].body
    assert not Partner.objects.exists()


def test_a_partner_user_cannot_decide(charlie):
    with pytest.raises(NotPermitted):
        application_transition(application=submit(), name="accept", actor=charlie)


def test_managers_decide_on_the_page(bob, client_for):
    application = submit()
    client = client_for(bob)
    url = reverse("applications:decide", args=[application.pk, "decline"])
    r = client.post(url, {"decline-reason": ""})
    assert r.status_code == 400 and "This field is required." in r.content.decode()
    r = client.post(reverse("applications:decide", args=[application.pk, "accept"]), {})
    application.refresh_from_db()
    assert r.status_code == 302 and r.url == reverse(
        "partners:detail", args=[application.partner_id]
    )
    page = client.get(r.url).content.decode()
    assert "Applied on" in page  # the application, its answers kept, on the partner page
    assert client.post(url, {"decline-reason": "Too late"}).status_code == 409
    assert (
        client.post(reverse("applications:decide", args=[application.pk, "nope"])).status_code
        == 404
    )


# --- the API ----------------------------------------------------------------------------------


def test_the_api_list_is_for_staff(api_for, bob, charlie):
    submit()
    assert api_for(None).get("/api/v1/applications/").status_code == 401
    assert api_for(charlie).get("/api/v1/applications/").status_code == 403
    r = api_for(bob).get("/api/v1/applications/")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert r.json()["results"][0]["partner_type"] == "reseller"


@pytest.mark.parametrize("rows", [2, 50])
def test_the_api_list_costs_the_same_queries_at_2_and_50(
    api_for, bob, rows, django_assert_max_num_queries
):
    for n in range(rows):
        submit(company=f"Company {n}", website=f"company{n}.example.com", email=f"a{n}@x.com")
    # count, page (with type, partner, decider joined)
    with django_assert_max_num_queries(2):
        r = api_for(bob).get("/api/v1/applications/?page_size=200")
    assert len(r.json()["results"]) == rows


def test_the_api_accepts_and_declines_through_the_transitions(api_for, bob):
    first, second = submit(), submit(company="Hooli", website="hooli.xyz", email="g@hooli.xyz")
    client = api_for(bob)
    rows = client.get(f"/api/v1/applications/{first.pk}/transitions/").json()
    assert {r["name"]: r["allowed"] for r in rows} == {"accept": True, "decline": True}
    r = client.post(f"/api/v1/applications/{first.pk}/transitions/accept/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["partner"]
    r = client.post(f"/api/v1/applications/{first.pk}/transitions/decline/", {"reason": "x"})
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = client.post(f"/api/v1/applications/{second.pk}/transitions/decline/", {}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = client.post(
        f"/api/v1/applications/{second.pk}/transitions/decline/", {"reason": "No"}, format="json"
    )
    assert r.status_code == 200 and r.json()["decline_reason"] == "No"


# --- admins: the questions --------------------------------------------------------------------


def test_admins_configure_the_questions_and_their_weights(alice, bob, client_for):
    client = client_for(alice)
    assert client.get(reverse("applications:questions")).status_code == 200
    data = {
        "text": "Do you have certified engineers?",
        "help_text": "",
        "order": "1",
        "active": "on",
        "choices-TOTAL_FORMS": "3",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "12",
        "choices-0-text": "Yes",
        "choices-0-weight": "8",
        "choices-0-order": "1",
        "choices-1-text": "No",
        "choices-1-weight": "0",
        "choices-1-order": "2",
        # the empty third row as a browser sends it: its fields' initial values
        "choices-2-text": "",
        "choices-2-weight": "0",
        "choices-2-order": "0",
    }
    r = client.post(reverse("applications:question_new"), data)
    assert r.status_code == 302
    question = ProfileQuestion.objects.get()
    assert [(c.text, c.weight) for c in question.choices.all()] == [("Yes", 8), ("No", 0)]
    bad = {**data, "choices-0-weight": "11"}
    assert client.post(reverse("applications:question_new"), bad).status_code == 400
    assert client_for(bob).get(reverse("applications:questions")).status_code == 403
    r = client.post(reverse("applications:question_delete", args=[question.pk]))
    assert r.status_code == 302 and not ProfileQuestion.objects.exists()


def test_the_dashboard_shows_the_recruitment_funnel(bob, client_for):
    application = submit()
    submit(company="Hooli", website="hooli.xyz", email="g@hooli.xyz")
    application_transition(application=application, name="accept", actor=bob)
    html = client_for(bob).get(reverse("home")).content.decode()
    assert "Recruitment funnel" in html
    assert 'data-testid="funnel-accepted"' in html


def test_the_funnel_times_qualification_from_the_4c_scores_reaching_the_threshold(bob):
    from apps.applications.funnel import recruitment_funnel
    from apps.partners.models import QUALIFICATION_FIELDS
    from apps.partners.services import partner_qualify

    application = submit()
    application_transition(application=application, name="accept", actor=bob)
    application.refresh_from_db()
    partner = application.partner
    assert partner.qualified_at is None
    steps = {s["key"]: s for s in recruitment_funnel()}
    assert steps["qualified"]["count"] == 0
    # Below the threshold: not qualified; at the top of every score: qualified, and stamped once.
    partner_qualify(partner=partner, actor=bob, scores=dict.fromkeys(QUALIFICATION_FIELDS, 1))
    partner.refresh_from_db()
    assert partner.qualified_at is None
    partner_qualify(partner=partner, actor=bob, scores=dict.fromkeys(QUALIFICATION_FIELDS, 5))
    partner.refresh_from_db()
    stamped = partner.qualified_at
    assert stamped is not None
    partner_qualify(partner=partner, actor=bob, scores=dict.fromkeys(QUALIFICATION_FIELDS, 4))
    partner.refresh_from_db()
    assert partner.qualified_at == stamped
    # Two days after the acceptance, as the funnel reads it.
    Partner.objects.filter(pk=partner.pk).update(
        qualified_at=application.decided_at + timedelta(days=2)
    )
    steps = {s["key"]: s for s in recruitment_funnel()}
    assert steps["qualified"]["count"] == 1
    assert steps["qualified"]["median_days"] == pytest.approx(2.0)
    # Falling below the threshold again clears it.
    partner.refresh_from_db()
    partner_qualify(partner=partner, actor=bob, scores=dict.fromkeys(QUALIFICATION_FIELDS, 1))
    partner.refresh_from_db()
    assert partner.qualified_at is None
