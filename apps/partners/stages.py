"""The lifecycle stages, apart from the models so the program app can name them too."""

from __future__ import annotations

from django.db import models


class Stage(models.TextChoices):
    RECRUITMENT = "recruitment", "Recruitment"
    ONBOARDING = "onboarding", "Onboarding"
    GROWTH = "growth", "Growth"
    EVALUATION = "evaluation", "Evaluation"
    EXPANSION = "expansion", "Expansion"
    EXITED = "exited", "Exited"


ACTIVE_STAGES = (Stage.ONBOARDING, Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
