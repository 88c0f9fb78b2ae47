"""The lifecycle stages of a partnership: the program defines them (their playbooks and
configuration live here); the partners app moves a partner through them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment")
    ONBOARDING = "onboarding", _("Onboarding")
    GROWTH = "growth", _("Growth")
    EVALUATION = "evaluation", _("Evaluation")
    EXPANSION = "expansion", _("Expansion")
    EXITED = "exited", _("Exited")


ACTIVE_STAGES = (Stage.ONBOARDING, Stage.GROWTH, Stage.EVALUATION, Stage.EXPANSION)
