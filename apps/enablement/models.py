"""The resource library (DESIGN.md section 15): resources by lifecycle phase, their file history,
who opened what (adoption), the partner's own documents made from templates, and the templates
each playbook stage walks through.

A resource is a unit of content a course's lessons can point at later (a lesson is a resource
in an order), so nothing here is specific to the library page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from apps.core.ids import RandomIdModel
from apps.program.stages import Stage

# The text search configuration of the stored search column and of every query against it.
SEARCH_CONFIG = "english"


class Kind(models.TextChoices):
    TEMPLATE = "template", _("Template")
    PLAYBOOK = "playbook", _("Playbook")
    DECK = "deck", _("Deck")
    BATTLECARD = "battlecard", _("Battlecard")
    CASE_STUDY = "case_study", _("Case study")
    TRAINING = "training", _("Training")
    LEGAL = "legal", _("Legal")


class Phase(models.TextChoices):
    STRATEGY = "strategy", _("Strategy")
    RECRUITMENT = "recruitment", _("Recruitment")
    ONBOARDING = "onboarding", _("Onboarding")
    GROWTH = "growth", _("Growth")
    EVALUATION = "evaluation", _("Evaluation")
    EXPANSION = "expansion", _("Expansion")
    EXIT = "exit", _("Exit")


# The phase whose resources make a partner's starter kit, by the partner's stage.
PHASE_OF_STAGE = {
    Stage.RECRUITMENT: Phase.RECRUITMENT,
    Stage.ONBOARDING: Phase.ONBOARDING,
    Stage.GROWTH: Phase.GROWTH,
    Stage.EVALUATION: Phase.EVALUATION,
    Stage.EXPANSION: Phase.EXPANSION,
    Stage.EXITED: Phase.EXIT,
}


class Content(models.TextChoices):
    MARKDOWN = "markdown", _("Markdown page")
    FILE = "file", _("Uploaded file")
    LINK = "link", _("Link")


def resource_file_path(instance, filename: str) -> str:
    # Set by the service to a random name (apps.core.uploads.random_name); never the uploader's.
    return filename


class Resource(RandomIdModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    phase = models.CharField(_("lifecycle phase"), max_length=20, choices=Phase.choices)
    content = models.CharField(
        _("content"), max_length=10, choices=Content.choices, default=Content.MARKDOWN
    )
    body = models.TextField(_("body (Markdown)"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(upload_to=resource_file_path, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    is_template = models.BooleanField(
        _("template with merge fields"),
        default=False,
        help_text=_("Can be used for a partner: its merge fields are filled in."),
    )
    # Vendor-internal (strategy, qualification, scripts): never shown to any partner.
    internal = models.BooleanField(
        _("vendor only"), default=False, help_text=_("Never shown to partners.")
    )
    # Audience: empty means everyone. Partner types by key (PartnerType.key), stages by value.
    partner_types = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("for partner types"),
        default=list,
        blank=True,
    )
    min_tier = models.ForeignKey(
        "program.Tier",
        verbose_name=_("minimum tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any tier."),
    )
    stages = ArrayField(
        models.CharField(max_length=20, choices=Stage.choices), default=list, blank=True
    )
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The ranked full-text search: a stored generated column over title (A), summary (B) and
    # body (C), kept by PostgreSQL on every write whatever the door, with a GIN index.
    search = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["phase", "title", "id"]
        indexes = [
            GinIndex(fields=["search"], name="resource_search_gin"),
            GinIndex(fields=["tags"], name="resource_tags_gin"),
            models.Index(fields=["phase", "kind"], name="resource_phase_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                name="resource_link_has_url",
                condition=~models.Q(content="link") | ~models.Q(url=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ResourceVersion(models.Model):
    """A file a resource no longer serves: replaced by a newer upload, kept in its history."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=resource_file_path, max_length=200)
    file_name = models.CharField(max_length=200)
    file_type = models.CharField(max_length=120)
    replaced_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "version"], name="resource_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} (v{self.version})"


class ResourceOpen(models.Model):
    """A partner user opened a resource (page or API): one row per person, resource and day."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="opens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="resource_opens"
    )
    day = models.DateField()
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "user", "day"], name="resource_open_once_a_day"
            )
        ]
        indexes = [
            models.Index(fields=["partner", "opened_at"], name="resourceopen_partner_at"),
            models.Index(fields=["resource", "opened_at"], name="resourceopen_resource_at"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} by {self.user_id} on {self.day}"


class LibraryVisit(models.Model):
    """When a partner user last looked at the library: what is "new since your last visit"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_visit"
    )
    seen_at = models.DateTimeField()
    # The visit before the current one: resources published after it are new to this person.
    previous_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.seen_at}"


class PartnerDocument(RandomIdModel):
    """A partner's own document, made from a template with its merge fields filled in."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="documents"
    )
    source = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    shared_with_partner = models.BooleanField(_("shared with the partner's portal"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["partner", "updated_at"], name="partnerdoc_partner_at")]

    def __str__(self) -> str:
        return self.title


class PlaybookLink(models.Model):
    """A stage's chain of library templates, in order; a link may name the playbook task it
    serves, whose tasks then offer "open the template for this partner". Kept here because the
    program (floor 2) cannot know the library."""

    stage = models.CharField(max_length=20, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(default=0)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="playbook_links")
    task_template = models.ForeignKey(
        "program.PlaybookTaskTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["stage", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "resource"], name="playbook_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.stage} #{self.order}: {self.resource_id}"


# --- courses and certifications ----------------------------------------------------------------


class Course(RandomIdModel):
    """Ordered lessons (library resources) and a quiz; passing it certifies the person for
    `validity_months`. Its audience works like a resource's (empty = everyone)."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    phase = models.CharField(_("lifecycle phase"), max_length=20, choices=Phase.choices)
    partner_types = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("for partner types"),
        default=list,
        blank=True,
    )
    min_tier = models.ForeignKey(
        "program.Tier",
        verbose_name=_("minimum tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any tier."),
    )
    stages = ArrayField(
        models.CharField(max_length=20, choices=Stage.choices), default=list, blank=True
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("quiz attempts allowed"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    published = models.BooleanField(_("published"), default=False)
    # The playbook task a certification in this course ticks off by itself (onboarding hears
    # certification_earned). Kept here because the program (floor 2) cannot know courses.
    task_template = models.ForeignKey(
        "program.PlaybookTaskTemplate",
        verbose_name=_("completes the playbook task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                name="course_pass_mark_percent",
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
            ),
            models.CheckConstraint(
                name="course_attempts_at_least_one", condition=models.Q(attempts_allowed__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """A library resource as a step of a course; done once its person opened it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "resource"], name="lesson_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} #{self.order}: {self.resource_id}"


class Question(RandomIdModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(RandomIdModel):
    """One answer offered to a question; several may be correct (all must be chosen)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Attempt(RandomIdModel):
    """A person's go at a course's quiz: the questions in the order they were shown, the
    answers given, the score (percent) and whether it passed."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="course_attempts"
    )
    question_order = ArrayField(models.BigIntegerField(), default=list)
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["course", "user"], name="attempt_course_user")]
        constraints = [
            models.CheckConstraint(
                name="attempt_score_percent",
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} by {self.user_id} at {self.started_at}"


class CertificationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")


ACTIVE_CERTIFICATION = models.Q(status="active")
# What the certification_expiry sweep still owes a reminder (its partial index).
REMINDER_OWED = models.Q(status="active", reminded_at__isnull=True)


class Certification(RandomIdModel):
    """A person passed a course: certified until `expires_at`, then expired by the sweep."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certifications"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="certifications"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certifications")
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    earned_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = FSMField(
        max_length=10,
        choices=CertificationStatus.choices,
        default=CertificationStatus.ACTIVE,
        protected=True,
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-earned_at", "-id"]
        constraints = [
            # Passing twice at once (two tabs, two requests) grants one certification.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=ACTIVE_CERTIFICATION,
                name="certification_active_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=ACTIVE_CERTIFICATION, name="certification_due_idx"
            ),
            models.Index(
                fields=["expires_at"], condition=REMINDER_OWED, name="certification_remind_idx"
            ),
            models.Index(fields=["partner", "status"], name="certification_partner"),
            # what changed since the last tier evaluation (apps/tiers/services/due.py)
            models.Index(fields=["earned_at"], name="certification_earned_at"),
            models.Index(fields=["expired_at"], name="certification_expired_at"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} for {self.user_id} until {self.expires_at:%Y-%m-%d}"

    @transition(
        field=status,
        source=CertificationStatus.ACTIVE,
        target=CertificationStatus.EXPIRED,
        custom={"label": _("Expire")},
    )
    def expire(self, now) -> None:
        self.expired_at = now
