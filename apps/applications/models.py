"""The public application (recruitment's front door, DESIGN.md section 13): the questions of the
ideal partner profile an admin configures, and a company's application with its answers, its fit
score and its decision. The status machine only changes state; `services` runs it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core.ids import RandomIdModel
from apps.core.iso import country_choices

MAX_WEIGHT = 10


class ProfileQuestion(models.Model):
    """A question of the ideal partner profile; its choices carry the weights."""

    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("asked"), default=True, help_text=_("Only asked questions appear on the form.")
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("profile question")

    def __str__(self) -> str:
        return self.text


class ProfileChoice(models.Model):
    question = models.ForeignKey(ProfileQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=0,
        validators=[MaxValueValidator(MAX_WEIGHT)],
        help_text=_("0 (no fit) to 10 (ideal): how much this answer says the company fits."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                name="profile_choice_weight_0_10", condition=models.Q(weight__lte=MAX_WEIGHT)
            )
        ]

    def __str__(self) -> str:
        return self.text


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


def _staff(instance, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


class Application(ConcurrentTransitionMixin, RandomIdModel):
    company = models.CharField(_("company"), max_length=200)
    website = models.CharField(_("website"), max_length=300)
    # The website's registrable domain (apps.deals.normalize): how duplicates are found.
    domain = models.CharField(max_length=253, db_index=True)
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    partner_type = models.ForeignKey(
        "program.PartnerType", on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("your name"), max_length=200)
    contact_email = models.EmailField(_("your e-mail address"), max_length=254)
    # What was asked and answered, as it was asked: [{"question", "answer", "weight", "max"}].
    # Kept as written, so editing the questions later changes no application.
    answers = models.JSONField(default=list, blank=True)
    fit_score = models.PositiveSmallIntegerField(
        _("fit score"), validators=[MaxValueValidator(100), MinValueValidator(0)]
    )
    status = FSMField(
        max_length=16, choices=Status.choices, default=Status.RECEIVED, protected=True
    )
    decline_reason = models.TextField(blank=True)
    # The applicant has no account to choose a language on: the one they applied in writes
    # their e-mails (the decision, the invitation), whoever decides.
    language = models.CharField(_("language"), max_length=12, blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        help_text=_("The partner its acceptance created."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="application_fit_0_100", condition=models.Q(fit_score__lte=100)
            ),
            models.CheckConstraint(
                name="application_declined_has_reason",
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.company

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.ACCEPTED,
        permission=_staff,
        custom={"label": _("Accept")},
    )
    def accept(self, partner=None, actor=None, now=None):
        self.partner = partner
        self.decided_by, self.decided_at = actor, now

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.DECLINED,
        permission=_staff,
        custom={"label": _("Decline")},
    )
    def decline(self, reason: str = "", actor=None, now=None):
        self.decline_reason = reason
        self.decided_by, self.decided_at = actor, now
