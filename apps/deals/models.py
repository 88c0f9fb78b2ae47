"""A partner's claim on a customer opportunity, its review and its protection window."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core import iso
from apps.core.access import WORKS_DEALS, partner_role_allows
from apps.core.ids import RandomIdModel
from apps.core.text import refuse_control_characters
from apps.core.transitions import condition, history_label
from apps.core.uploads import random_name
from apps.program.models import ProgramSettings

from .normalize import MAX_DOMAIN_LENGTH, name_key

MAX_VALUE = Decimal("999999999999.99")  # 14 digits: more than any single deal, less than absurd


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("Waiting on partner")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED)
# Claimed but not decided: the review is under way (the partner may be answering a question).
UNDECIDED_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED)
CLOSED_STATUSES = (Status.WON, Status.LOST, Status.EXPIRED)


def no_control_characters(value: str) -> None:
    """One-line texts: no NUL, no control, bidi-override or unassigned characters (named here
    for the migrations that use it)."""
    refuse_control_characters(value)


# django-fsm types a permission's first argument as any model: these take it unannotated.
def _staff(registration, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


def _registering_partner(registration, user) -> bool:
    return bool(
        getattr(user, "is_partner_user", False)
        and user.partner_id == registration.partner_id
        and partner_role_allows(user, WORKS_DEALS)
    )


def _system_only(registration, user) -> bool:
    return False  # run by the deal_expiry sweep (actor None), never by a person


@condition(_("Another partner's approved registration protects this customer domain."))
def domain_free(registration: DealRegistration) -> bool:
    return not registration.domain_holder().exists()


@condition(_("The maximum number of extensions has been used."))
def extensions_left(registration: DealRegistration) -> bool:
    return registration.extensions_used < ProgramSettings.get().max_extensions


# The conditions of the sweeps' partial indexes; the sweeps filter with these same objects so
# the planner matches them to the index.
SLA_REMIND = models.Q(status="submitted", sla_notified=0)
SLA_ESCALATE = models.Q(status="submitted", sla_notified=1)
EXPIRY_REMIND = models.Q(status="approved", expiry_reminded_for__isnull=True)
INFO_REMIND = models.Q(status="info_requested", info_reminded_at__isnull=True)


class DealRegistration(ConcurrentTransitionMixin, RandomIdModel):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="registrations"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="registrations_submitted",
    )
    status = FSMField(default=Status.SUBMITTED, choices=Status.choices, protected=True)
    customer_name = models.CharField(
        max_length=200, validators=[no_control_characters, ProhibitNullCharactersValidator()]
    )
    # Normalized (see normalize.normalize_domain): what conflicts and protection compare.
    customer_domain = models.CharField(max_length=MAX_DOMAIN_LENGTH)
    customer_country = models.CharField(
        max_length=2,
        choices=iso.country_choices,
        error_messages={"invalid_choice": iso.COUNTRY_ERROR},
    )
    contact_name = models.CharField(max_length=200, validators=[no_control_characters])
    contact_email = models.EmailField(max_length=254)
    product = models.CharField(
        "product or solution", max_length=200, validators=[no_control_characters]
    )
    estimated_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_VALUE)],
    )
    currency = models.CharField(
        max_length=3,
        choices=iso.currency_choices,
        error_messages={"invalid_choice": iso.CURRENCY_ERROR},
    )
    expected_close_date = models.DateField()
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(5000), ProhibitNullCharactersValidator()]
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations_reviewed",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    extensions_used = models.PositiveSmallIntegerField(default=0)
    rejection_reason = models.TextField(blank=True)
    actual_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_VALUE)],
    )
    lost_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Derived from customer_name on save (normalize.name_key): what name similarity is scored
    # on, with a trigram index on PostgreSQL. Not part of the contract; nobody else reads it.
    customer_name_key = models.CharField(max_length=200, editable=False, default="")
    # Set when this registration turned out to be a second claim on a customer another
    # registration already held (see ProtectionDispute); cleared when an admin decides.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What the sweeps already did, so their repeat passes read only what is newly due (each has
    # a partial index holding just the rows still owed something): the SLA notices sent while
    # it waited (0 none, 1 the reminder, 2 the escalation too), and the protection end its
    # expiry reminder was for (the database clears it whenever expires_at changes — an
    # extension, by any path — so the new end is reminded again: trigger of migration 0011).
    sla_notified = models.PositiveSmallIntegerField(default=0, editable=False)
    expiry_reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    # When what the tier figures count last changed (status, close time, value, currency,
    # partner): kept by the database itself (trigger deals_figures_changed, migration 0011) for
    # every write, ORM or not, so the tier evaluation re-reads only the partners touched since
    # its last run. Null on rows from before it existed (the first evaluation reads everyone).
    figures_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The review clock (the SLA and its sweep count from here): the submission, moved later by
    # each time the partner was asked a question (request_info → provide_info), so the review
    # SLA stops while the partner is asked. Filled from submitted_at by the database on insert
    # when not given (trigger deals_review_from, migration 0012), for every insert, ORM or not.
    review_from = models.DateTimeField(null=True, blank=True, editable=False)
    # While waiting on the partner: when the question was asked, and when the partner was
    # reminded of it (the deal_info_reminder sweep, once per question).
    info_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    info_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # The guarantee behind "domain_protected": one approved registration per customer.
            # A registration set aside as a duplicate (by the migration that made customers
            # registrable domains, until an admin decides) is outside it; every new approval
            # is inside it.
            models.UniqueConstraint(
                fields=["customer_domain"],
                condition=models.Q(status="approved", duplicate_of__isnull=True),
                name="deal_one_approved_per_domain",
            ),
            # The guarantee behind "duplicate_registration": a partner holds one open
            # registration per customer.
            models.UniqueConstraint(
                fields=["partner", "customer_domain"],
                condition=models.Q(
                    status__in=["submitted", "info_requested", "approved"],
                    duplicate_of__isnull=True,
                ),
                name="deal_one_open_per_partner_customer",
            ),
            models.CheckConstraint(
                name="deal_estimated_value_positive", condition=models.Q(estimated_value__gt=0)
            ),
            models.CheckConstraint(
                name="deal_status_valid",
                condition=models.Q(status__in=[s.value for s in Status]),
            ),
        ]
        indexes = [
            # Conflict detection by domain. Not partial: a partial index on the open statuses
            # tempts the planner to use it as a status filter for the name lookup.
            models.Index(fields=["customer_domain"], name="deal_domain_idx"),
            # The review queue (oldest waiting first, ties by id) and the SLA sweep; its count
            # is an index-only scan.
            models.Index(
                fields=["submitted_at", "id"],
                name="deal_waiting_idx",
                condition=models.Q(status="submitted"),
            ),
            # A partner's registrations, newest first (the portal list and the partner's API
            # list): the page is the first rows of this index, the count an index-only scan.
            models.Index(
                fields=["partner", "-submitted_at", "-id"],
                name="deal_partner_recent_idx",
            ),
            # The expiry sweep.
            models.Index(
                fields=["expires_at"],
                name="deal_protected_until_idx",
                condition=models.Q(status="approved"),
            ),
            # The sweeps' due work (apps/deals/sweeps.py): waiting registrations not yet
            # reminded / not yet escalated, and protections whose current end is not reminded.
            models.Index(
                fields=["review_from", "id"], name="deal_sla_remind_idx", condition=SLA_REMIND
            ),
            models.Index(
                fields=["review_from", "id"], name="deal_sla_escalate_idx", condition=SLA_ESCALATE
            ),
            # The questions the partner has not been reminded of (deal_info_reminder).
            models.Index(
                fields=["info_requested_at", "id"],
                name="deal_info_remind_idx",
                condition=INFO_REMIND,
            ),
            models.Index(
                fields=["expires_at", "id"], name="deal_expiry_remind_idx", condition=EXPIRY_REMIND
            ),
            models.Index(
                fields=["figures_changed_at"],
                include=["partner"],
                name="deal_figures_changed_idx",
                condition=models.Q(figures_changed_at__isnull=False),
            ),
            # Similar names: pg_trgm's `%` on the name key of open registrations. fastupdate off:
            # a search never reads an unmerged pending list (migration 0005 says why).
            GinIndex(
                OpClass("customer_name_key", name="gin_trgm_ops"),
                name="deal_name_trgm_idx",
                condition=models.Q(status__in=["submitted", "info_requested", "approved"]),
                fastupdate=False,
            ),
            # The dashboard's figures, each bounded to the period by a range on one timestamp
            # and covered by its INCLUDE columns: index-only scans of the period's rows at
            # 1,000,000 registrations (built CONCURRENTLY by dashboard migrations 0001-0002).
            models.Index(
                fields=["submitted_at"], include=["partner"], name="dash_deal_submitted_idx"
            ),
            models.Index(
                fields=["approved_at"],
                include=["partner"],
                name="dash_deal_approved_idx",
                condition=models.Q(approved_at__isnull=False),
            ),
            models.Index(
                fields=["reviewed_at"],
                include=["submitted_at", "status", "partner"],
                name="dash_deal_reviewed_idx",
                condition=models.Q(reviewed_at__isnull=False),
            ),
            models.Index(
                fields=["closed_at"],
                include=["status", "partner", "currency", "estimated_value", "actual_value"],
                name="dash_deal_closed_idx",
                condition=models.Q(status__in=["won", "lost"]),
            ),
            # The approved pipeline per partner and currency, summed in index order.
            models.Index(
                fields=["partner", "currency"],
                include=["estimated_value"],
                name="dash_deal_pipeline_cur_idx",
                condition=models.Q(status="approved"),
            ),
            # Ramp time: a partner's first approval after its onboarding started.
            models.Index(
                fields=["partner", "approved_at"],
                name="dash_deal_partner_approved_idx",
                condition=models.Q(approved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.customer_name_key = name_key(self.customer_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "customer_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "customer_name_key"}
        super().save(*args, **kwargs)

    # --- reads -------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def won_value(self) -> Decimal:
        return self.actual_value if self.actual_value is not None else self.estimated_value

    def domain_holder(self):
        """The other registration holding this customer's protection, as a queryset."""
        return DealRegistration.objects.filter(
            customer_domain=self.customer_domain, status=Status.APPROVED
        ).exclude(pk=self.pk)

    def waiting(self, now=None) -> timedelta:
        """How long the review has taken: the time the partner was asked does not count."""
        end = self.reviewed_at or self.info_requested_at or now or timezone.now()
        return max(end - (self.review_from or self.submitted_at), timedelta(0))

    def protection_left(self, now=None) -> timedelta | None:
        if self.status != Status.APPROVED or self.expires_at is None:
            return None
        return max(self.expires_at - (now or timezone.now()), timedelta(0))

    # --- the machine (state changes only; services.registration_transition runs them) ------
    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.APPROVED,
        conditions=[domain_free],
        permission=_staff,
        custom={"label": _("Approve")},
    )
    def approve(self, *, now, actor, protection_days: int):
        self.reviewed_at = self.approved_at = now
        self.reviewed_by = actor
        self.expires_at = now + timedelta(days=protection_days)

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.INFO_REQUESTED],
        target=Status.REJECTED,
        permission=_staff,
        custom={"label": _("Reject")},
    )
    def reject(self, *, now, actor, reason: str):
        self.reviewed_at, self.reviewed_by = now, actor
        self.rejection_reason = reason

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.INFO_REQUESTED],
        target=Status.WITHDRAWN,
        permission=_registering_partner,
        custom={"label": _("Withdraw")},
    )
    def withdraw(self, *, now, actor):
        self.info_requested_at = None

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.INFO_REQUESTED,
        permission=_staff,
        custom={"label": _("Ask the partner for information")},
    )
    def request_info(self, *, now, actor, question: str):
        """The review clock stops: waiting() ends at the question until the partner answers."""
        self.info_requested_at = now
        self.info_reminded_at = None

    @transition(
        field=status,
        source=Status.INFO_REQUESTED,
        target=Status.SUBMITTED,
        permission=_registering_partner,
        custom={"label": _("Provide the information")},
    )
    def provide_info(self, *, now, actor, answer: str):
        """The review clock restarts where it stopped: moved later by the time spent asking."""
        asked = self.info_requested_at or now
        start = self.review_from or self.submitted_at
        self.review_from = start + max(now - asked, timedelta(0))
        self.info_requested_at = self.info_reminded_at = None

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.APPROVED,
        conditions=[extensions_left],
        permission=_staff,
        custom={"label": _("Extend protection")},
    )
    def extend(self, *, now, actor, days: int):
        self.expires_at = (self.expires_at or now) + timedelta(days=days)
        self.extensions_used += 1

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.WON,
        permission=_staff,
        custom={"label": _("Mark won")},
    )
    def mark_won(self, *, now, actor, actual_value: Decimal | None = None):
        self.actual_value = actual_value
        self.closed_at = now

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.LOST,
        permission=_staff,
        custom={"label": _("Mark lost")},
    )
    def mark_lost(self, *, now, actor, reason: str = ""):
        self.lost_reason = reason
        self.closed_at = now

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.EXPIRED,
        permission=_system_only,
        custom={"label": _("Expire protection")},
    )
    def expire(self, *, now, actor):
        self.closed_at = now


class ProtectionDispute(models.Model):
    """Two open registrations of one customer that existed before customers were registrable
    domains (e.g. `acme.com` approved for one partner, `shop.acme.com` for another). Nothing was
    changed silently: the later one is set aside (`duplicate_of`) and admins decide which keeps
    the customer; the other one's protection or claim ends with the decision as its reason."""

    class Decision(models.TextChoices):
        KEEP_HOLDER = "keep_holder", _("Keep the earlier registration")
        KEEP_CHALLENGER = "keep_challenger", _("Keep the later registration")

    holder = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="+")
    challenger = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="+")
    customer_domain = models.CharField(max_length=MAX_DOMAIN_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenger"], name="deal_dispute_one_per_challenger")
        ]

    def __str__(self) -> str:
        return f"{self.customer_domain}: {self.holder_id} / {self.challenger_id}"


class RegistrationConflict(models.Model):
    """A conflict found when a registration was submitted, stored both ways (A→B and B→A).

    Written once by `services.registration_create` (conflict detection runs on submission): the
    other open registrations with the same normalized domain or a similar customer name. A pair
    conflicts while both registrations are open, so readers join the other side's status (and
    check their own): nothing has to be updated when a registration leaves the open states, and
    statuses never return to open. Lists and the queue read these rows; no similarity query."""

    registration = models.ForeignKey(
        DealRegistration,
        on_delete=models.CASCADE,
        related_name="conflict_links",
        db_index=False,  # deal_conflict_pair (registration, other) serves it
    )
    other = models.ForeignKey(DealRegistration, on_delete=models.CASCADE, related_name="+")
    same_domain = models.BooleanField(default=False)
    similarity = models.FloatField(null=True, blank=True)  # of the names, when they are similar

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "other"], name="deal_conflict_pair")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} ↔ {self.other_id}"


class RegistrationEvent(models.Model):
    """The registration's history: its submission and every transition, by any door."""

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="events"
    )
    transition = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    via = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["registration", "at"], name="deal_event_reg_idx")]

    def __str__(self) -> str:
        return f"{self.transition} → {self.to_status}"

    # The entries that are not transitions of the registration's machine.
    OTHER_ENTRIES = {
        "submit": _("Submitted"),
        "request_extension": _("Extension requested"),
        "decline_extension": _("Extension declined"),
    }

    @property
    def transition_label(self) -> str:
        return history_label(DealRegistration, "status", self.transition, self.OTHER_ENTRIES)


class ExtensionRequest(RandomIdModel):
    """A partner asks for more protection time; the manager grants it (an `extend`) or not."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    reason = models.TextField(
        blank=True, validators=[MaxLengthValidator(2000), ProhibitNullCharactersValidator()]
    )
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The decision as the partner was told it: the days granted (fewer than asked needs a
    # reason) or the reason for declining.
    granted_days = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_reason = models.TextField(
        blank=True, validators=[MaxLengthValidator(2000), ProhibitNullCharactersValidator()]
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(status="pending"),
                name="deal_one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.days} days ({self.get_status_display()})"


MAX_COMMENT = 5000


class RegistrationComment(RandomIdModel):
    """The registration's conversation: comments the partner and the vendor share, and staff's
    internal notes (`internal`), which no page, answer, export, notification or e-mail of the
    partner ever shows. A question (`request_info`) and its answer (`provide_info`) are comments
    too, of their own kind."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        QUESTION = "question", _("Question")
        ANSWER = "answer", _("Answer")

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(
        validators=[MaxLengthValidator(MAX_COMMENT), ProhibitNullCharactersValidator()]
    )
    internal = models.BooleanField(default=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["registration", "created_at"], name="deal_comment_reg_idx")]
        constraints = [
            # A question or an answer is always shared with the partner.
            models.CheckConstraint(
                name="deal_comment_exchange_shared",
                condition=models.Q(kind="comment") | models.Q(internal=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.registration_id}"


def _attachment_path(instance: RegistrationAttachment, filename: str) -> str:
    return random_name(filename, "deal-attachments")


class RegistrationAttachment(RandomIdModel):
    """A file on a registration (PDF, image, office document), seen by whoever sees the
    registration and served only by the access-checked download views (apps.core.uploads)."""

    registration = models.ForeignKey(
        DealRegistration, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(max_length=200)  # the uploader's file name, cleaned
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["registration", "created_at"], name="deal_attachment_reg_idx")
        ]

    def __str__(self) -> str:
        return self.name
