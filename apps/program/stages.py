"""The lifecycle stages of a partnership: the program defines them (their playbooks and
configuration live here); the partners app moves a partner through them."""

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
