"""Applications: two profile questions with weights, and a valid application's input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from apps.applications.models import ProfileChoice, ProfileQuestion
from apps.notifications.services import deliver_outbox


@pytest.fixture
def questions(db):
    """Q1 best weight 10, Q2 best weight 5: the best fit is 15."""
    size = ProfileQuestion.objects.create(text="How many sellers do you have?", order=1)
    small = ProfileChoice.objects.create(question=size, text="1–5", weight=2, order=1)
    large = ProfileChoice.objects.create(question=size, text="50+", weight=10, order=2)
    vertical = ProfileQuestion.objects.create(text="Do you sell to banks?", order=2)
    yes = ProfileChoice.objects.create(question=vertical, text="Yes", weight=5, order=1)
    no = ProfileChoice.objects.create(question=vertical, text="No", weight=0, order=2)
    return {
        "size": size,
        "vertical": vertical,
        "small": small,
        "large": large,
        "yes": yes,
        "no": no,
    }


@pytest.fixture
def form_input(questions):
    """What a person types on /apply/: the large reseller that sells to banks (fit 100)."""
    return {
        "company": "Initech Partners",
        "website": "https://www.initech.co.uk/about",
        "country": "GB",
        "partner_type": "reseller",
        "contact_name": "Peter Gibbons",
        "contact_email": "peter@initech.co.uk",
        f"q_{questions['size'].pk}": str(questions["large"].pk),
        f"q_{questions['vertical'].pk}": str(questions["yes"].pk),
    }


@pytest.fixture
def api_input(questions, form_input):
    data = {k: v for k, v in form_input.items() if not k.startswith("q_")}
    data["answers"] = {
        str(questions["size"].pk): questions["large"].pk,
        str(questions["vertical"].pk): questions["yes"].pk,
    }
    return data


def delivered() -> list:
    """Deliver the outbox; the e-mails this run sent."""
    before = len(mail.outbox)
    deliver_outbox(now=timezone.now())
    return mail.outbox[before:]
