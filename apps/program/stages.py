"""The lifecycle stages of a partnership: the program defines them (their playbooks and
configuration live here); the partners app moves a partner through them."""

from __future__ import annotations

import functools

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment")
    ONBOARDING = "onboarding", _("Onboarding")
    GROWTH = "growth", _("Growth")
    EVALUATION = "evaluation", _("Evaluation")
    EXPANSION = "expansion", _("Expansion")
    EXITED = "exited", _("Exited")


def stage_name(stage: str, configured: str) -> str:
    """A stage's name on screen: the name an admin gave it (`StageConfig.display_name`), or,
    while that is still the stage's own English label (as seeded), the label in the reader's
    language: "Growth" reads "Wachstum" on a German page, a stage renamed "Scale" stays so."""
    label = Stage(stage).label
    return configured if configured and configured != _english()[stage] else str(label)


@functools.cache
def _english() -> dict[str, str]:
    """Each stage's label in English, made once rather than by switching the language for
    every name shown."""
    with translation.override("en"):
        return {stage.value: str(stage.label) for stage in Stage}


ACTIVE_STAGES = (Stage.ONBOARDING, Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
