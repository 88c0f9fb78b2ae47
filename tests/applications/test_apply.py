"""The public application /apply/ and its API door: the same "received" whoever applies, the
honeypot and the throttle, the fit score from the weights, the acknowledgement e-mail."""

from __future__ import annotations

import re
import time
from statistics import median

import pytest
from django.test import Client
from django.urls import reverse

from apps.applications.models import Application, ProfileQuestion
from apps.applications.services import fit_score
from apps.notifications.models import Notification
from tests.factories import PartnerFactory

from .conftest import delivered

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_without_sign_in_with_the_admins_questions(questions):
    r = Client().get(reverse("apply:form"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "How many sellers do you have?" in html and "Do you sell to banks?" in html
    assert 'name="fax_number"' in html  # the honeypot, out of sight


def test_an_application_is_received_scored_and_acknowledged(form_input):
    r = Client().post(reverse("apply:form"), form_input)
    assert r.status_code == 302 and r["Location"] == reverse("apply:received")
    application = Application.objects.get()
    assert application.domain == "initech.co.uk"
    assert application.status == "received" and application.fit_score == 100
    assert [a["answer"] for a in application.answers] == ["50+", "Yes"]
    sent = delivered()
    assert [m.to for m in sent] == [["peter@initech.co.uk"]]
    assert "received your application" in sent[0].subject
    assert delivered() == []  # e-mailed once


@pytest.mark.parametrize(
    ("size", "vertical", "expected"),
    [("large", "yes", 100), ("large", "no", 67), ("small", "yes", 47), ("small", "no", 13)],
)
def test_the_fit_score_is_the_answers_weights_over_the_best(
    questions, form_input, size, vertical, expected
):
    form_input[f"q_{questions['size'].pk}"] = str(questions[size].pk)
    form_input[f"q_{questions['vertical'].pk}"] = str(questions[vertical].pk)
    assert Client().post(reverse("apply:form"), form_input).status_code == 302
    assert Application.objects.get().fit_score == expected


def test_fit_score_without_weights_is_zero():
    assert fit_score([]) == 0
    assert fit_score([{"weight": 0, "max": 0}]) == 0
    assert fit_score([{"weight": 3, "max": 10}, {"weight": 0, "max": 5}]) == 20


def test_an_inactive_question_is_not_asked(questions, form_input):
    ProfileQuestion.objects.filter(pk=questions["vertical"].pk).update(active=False)
    del form_input[f"q_{questions['vertical'].pk}"]
    assert Client().post(reverse("apply:form"), form_input).status_code == 302
    assert Application.objects.get().fit_score == 100  # 10 of the 10 still asked


def test_bad_input_is_named_next_to_its_field_and_nothing_is_kept(questions, form_input):
    form_input.update(website="not a website", country="XX", contact_email="nope")
    del form_input[f"q_{questions['size'].pk}"]
    r = Client().post(reverse("apply:form"), form_input)
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert {"website", "country", "contact_email", f"q_{questions['size'].pk}"} <= set(errors)
    assert not Application.objects.exists() and not Notification.objects.exists()


# The page's CSRF token is masked afresh on every response: it is the one part that differs.
CSRF = re.compile(rb'"X-CSRFToken": "[^"]+"')


def _post_timed(client: Client, data: dict) -> tuple[int, str, bytes, float]:
    start = time.perf_counter()
    r = client.post(reverse("apply:form"), data, follow=True)
    seconds = time.perf_counter() - start
    body = CSRF.sub(b"", r.content)
    return r.redirect_chain[0][1], r.redirect_chain[0][0], body, seconds


def test_a_known_company_gets_the_same_answer_as_an_unknown_one(form_input, rates):
    rates(public_form="1000/hour")
    PartnerFactory(name="Initech", website="https://initech.co.uk")
    known = {**form_input}
    unknown = {**form_input, "company": "Hooli", "website": "hooli.xyz"}
    client = Client()
    client.post(reverse("apply:form"), known)  # warm up, and an earlier application of it too
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    answers = {}
    for _round in range(6):
        for name, data in (("known", known), ("unknown", unknown)):
            status, location, body, seconds = _post_timed(client, data)
            answers[name] = (status, location, body)
            timings[name].append(seconds)
    assert answers["known"] == answers["unknown"]
    assert answers["known"][:2] == (302, reverse("apply:received"))
    # The same work either way: the medians differ by less than the noise of a shared machine.
    known_t, unknown_t = median(timings["known"]), median(timings["unknown"])
    assert abs(known_t - unknown_t) < max(0.05, 0.5 * min(known_t, unknown_t)), timings
    assert Application.objects.count() == 13


def test_the_honeypot_answers_received_and_keeps_nothing(form_input):
    r = Client().post(reverse("apply:form"), {**form_input, "fax_number": "+1 555 0100"})
    assert r.status_code == 302 and r["Location"] == reverse("apply:received")
    assert not Application.objects.exists() and not Notification.objects.exists()


def test_the_form_is_throttled_per_client(form_input, rates):
    rates(public_form="2/hour")
    client = Client()
    assert client.get(reverse("apply:form")).status_code == 200  # showing it counts nothing
    assert client.post(reverse("apply:form"), form_input).status_code == 302
    assert client.post(reverse("apply:form"), form_input).status_code == 302
    r = client.post(reverse("apply:form"), form_input)
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert Application.objects.count() == 2


def test_the_received_page_says_received():
    r = Client().get(reverse("apply:received"))
    assert r.status_code == 200 and b"we received your application" in r.content


# --- the API door -----------------------------------------------------------------------------


def test_the_api_takes_an_anonymous_application_with_202(api_for, api_input):
    r = api_for(None).post("/api/v1/applications/", api_input, format="json")
    assert r.status_code == 202 and r.json() == {"status": "received"}
    assert Application.objects.get().fit_score == 100


def test_the_api_answers_the_same_for_a_known_company(api_for, api_input):
    PartnerFactory(name="Initech", website="https://initech.co.uk")
    first = api_for(None).post("/api/v1/applications/", api_input, format="json")
    second = api_for(None).post("/api/v1/applications/", api_input, format="json")
    assert (first.status_code, first.content) == (second.status_code, second.content)


def test_the_api_names_bad_input(api_for, api_input, questions):
    api_input["answers"] = {str(questions["size"].pk): questions["yes"].pk}  # another's choice
    api_input["partner_type"] = "nope"
    r = api_for(None).post("/api/v1/applications/", api_input, format="json")
    assert r.status_code == 400 and "partner_type" in r.json()
    del api_input["partner_type"]
    api_input["partner_type"] = "reseller"
    r = api_for(None).post("/api/v1/applications/", api_input, format="json")
    assert r.status_code == 400
    # Each unanswered question named under `answers`, by its id (the API's input).
    assert set(r.json()) == {"answers"}
    assert set(r.json()["answers"]) == {str(questions["size"].pk), str(questions["vertical"].pk)}


def test_the_api_door_is_throttled_too(api_for, api_input, rates):
    rates(public_form="1/hour")
    assert api_for(None).post("/api/v1/applications/", api_input, format="json").status_code == 202
    assert api_for(None).post("/api/v1/applications/", api_input, format="json").status_code == 429
