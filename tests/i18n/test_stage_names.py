"""A stage's name on screen is the admin's if they renamed it, else its label in the reader's
language — on the board and on the dashboard, whose snapshot readers of every language share."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from apps.partners.models import Stage
from apps.program.models import StageConfig
from apps.program.stages import stage_name
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_a_default_name_follows_the_reader_and_a_chosen_one_stays():
    with translation.override("de"):
        assert stage_name("growth", "Growth") == "Wachstum"
        assert stage_name("growth", "") == "Wachstum"
        assert stage_name("growth", "Scale") == "Scale"
    with translation.override("en"):
        assert stage_name("growth", "Growth") == "Growth"


@pytest.mark.parametrize("page", ["partners:board", "home"])
def test_german_and_english_managers_read_the_stages_in_their_own_language(
    client_for, bob, alice, page
):
    PartnerFactory(stage=Stage.GROWTH, manager=bob)
    PartnerFactory(stage=Stage.EVALUATION, manager=bob)
    StageConfig.objects.filter(stage=Stage.EVALUATION).update(display_name="Review")
    bob.language = "de"
    bob.save(update_fields=["language"])
    alice.language = "en"
    alice.save(update_fields=["language"])
    german = client_for(bob).get(reverse(page)).content.decode()
    english = client_for(alice).get(reverse(page)).content.decode()  # the same snapshot
    again = client_for(bob).get(reverse(page)).content.decode()
    assert "Wachstum" in german and ">Growth<" not in german
    assert "Growth" in english and "Wachstum" not in english
    assert "Wachstum" in again
    assert "Review" in german and "Review" in english  # renamed by the admin: as written
