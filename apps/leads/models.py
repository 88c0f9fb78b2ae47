"""Leads (DESIGN.md section 17): the vendor's opportunities handed to partners, the routing rules
that choose the partner, and each assignment with why that partner and how it ended."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core import iso
from apps.core.access import WORKS_LEADS, partner_role_allows
from apps.core.ids import RandomIdModel
from apps.deals.models import MAX_VALUE, no_control_characters
from apps.deals.normalize import MAX_DOMAIN_LENGTH
from apps.partners.models import MAX_REACH_ITEMS, MAX_SPECIALIZATION_LENGTH

DEFAULT_ACCEPTANCE_HOURS = 24
DEFAULT_OPEN_LEADS_CAP = 10


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    CONVERTED = "converted", _("Converted")
    REJECTED_BY_PARTNER = "rejected_by_partner", _("Rejected by partner")
    RECALLED = "recalled", _("Recalled")
    CLOSED = "closed", _("Closed")


# Waiting for a partner (routing or a manager): a lead in these has no partner.
UNASSIGNED_STATUSES = (Status.NEW, Status.REJECTED_BY_PARTNER, Status.RECALLED)
# Open for the partner it is with: what the cap of open leads per partner counts.
OPEN_WITH_PARTNER = (Status.ASSIGNED, Status.ACCEPTED)


class Source(models.TextChoices):
    WEB = "web", _("Web")
    LOCATOR = "locator", _("Partner locator")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Manual")


class Outcome(models.TextChoices):
    """How an assignment ended (PENDING: it has not)."""

    PENDING = "pending", _("Waiting for the partner")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    LAPSED = "lapsed", _("Lapsed (deadline passed)")
    RECALLED = "recalled", _("Recalled by a manager")
    ENDED = "ended", _("Ended (the lead closed)")


# A partner that rejected a lead or let it lapse is never given it again.
NEVER_AGAIN = (Outcome.REJECTED, Outcome.LAPSED)


class LeadSettings(models.Model):
    """One row: the lead program's rules. Read it with LeadSettings.get()."""

    acceptance_hours = models.PositiveSmallIntegerField(
        _("hours to accept"),
        default=DEFAULT_ACCEPTANCE_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("How long a partner has to accept or reject a lead assigned to it."),
    )
    open_leads_cap = models.PositiveSmallIntegerField(
        _("open leads per partner"),
        default=DEFAULT_OPEN_LEADS_CAP,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Routing passes over a partner holding this many assigned or accepted leads."),
    )
    reroute_on_lapse = models.BooleanField(
        _("route again at the deadline"),
        default=True,
        help_text=_(
            "At the deadline the lead is recalled and routed again (else left for a manager)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lead settings")
        verbose_name_plural = _("lead settings")

    def __str__(self) -> str:
        return str(_("Lead settings"))

    @classmethod
    def read(cls) -> LeadSettings:
        """The settings for reading: the stored row, or the defaults (unsaved) when none is."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def get(cls) -> LeadSettings:
        obj = cls.objects.filter(pk=1).first()
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RejectReason(models.Model):
    """The admin-kept list a partner picks from when it rejects a lead (plus its own words)."""

    label = models.CharField(_("reason"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class RoutingRule(models.Model):
    """Admins' rule: leads matching every condition (an empty one matches all) go to the
    matching partners by weighted round robin. Lower priority numbers are tried first."""

    name = models.CharField(_("name"), max_length=120, validators=[no_control_characters])
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    countries = ArrayField(
        models.CharField(max_length=2, validators=[iso.validate_country_code]),
        default=list,
        blank=True,
        size=MAX_REACH_ITEMS,
        help_text=_("The lead's country is one of these (empty: any)."),
    )
    partner_types = models.ManyToManyField(
        "program.PartnerType",
        verbose_name=_("for partner types"),
        blank=True,
        related_name="+",
        help_text=_("Empty: any type."),
    )
    specializations = ArrayField(
        models.CharField(max_length=MAX_SPECIALIZATION_LENGTH),
        default=list,
        blank=True,
        size=MAX_REACH_ITEMS,
        help_text=_("The partner has at least one of these (empty: any)."),
    )
    min_tier = models.ForeignKey(
        "program.Tier",
        verbose_name=_("minimum tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The partner's tier is this one or higher (empty: any, even none)."),
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


def _staff(lead, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


def _assigned_partner(lead, user) -> bool:
    return bool(
        getattr(user, "is_partner_user", False)
        and user.partner_id == lead.partner_id
        and partner_role_allows(user, WORKS_LEADS)
    )


def _staff_or_system(lead, user) -> bool:
    return user is None or _staff(lead, user)


# The acceptance sweep's due work (apps/leads/sweeps.py filters with this same object).
CLOCK_DUE = models.Q(clock_due_at__isnull=False)


class Lead(ConcurrentTransitionMixin, RandomIdModel):
    company = models.CharField(_("company"), max_length=200, validators=[no_control_characters])
    # The customer's registrable domain (apps.deals.normalize.normalize_domain): what ties a lead
    # to the registrations and other leads of the same customer.
    domain = models.CharField(_("domain"), max_length=MAX_DOMAIN_LENGTH, db_index=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=iso.country_choices,
        error_messages={"invalid_choice": iso.COUNTRY_ERROR},
    )
    contact_name = models.CharField(
        _("contact name"), max_length=200, validators=[no_control_characters]
    )
    contact_email = models.EmailField(_("contact e-mail"), max_length=254)
    product = models.CharField(
        _("product or need"), max_length=200, blank=True, validators=[no_control_characters]
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_VALUE)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        choices=iso.currency_choices,
        error_messages={"invalid_choice": iso.CURRENCY_ERROR},
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = FSMField(default=Status.NEW, choices=Status.choices, protected=True)
    # The partner it is with (assigned, accepted, converted); None while it waits for routing.
    partner = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    # A locator visitor's "contact this partner": routing offers it to that partner first.
    requested_partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    accept_by = models.DateTimeField(null=True, blank=True)
    # Half-way through the acceptance window: when the sweep reminds the partner, and whether it has.
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded = models.BooleanField(default=False)
    # The acceptance clock's next event for the sweep: remind_at until reminded, then accept_by;
    # None once the partner answered or the lead left it (out of the sweep's index).
    clock_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True, max_length=2000)
    registration = models.OneToOneField(
        "deals.DealRegistration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead",
    )
    # The registration's status as the deals events last told it (working, won, lost …).
    registration_status = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="lead_status_created"),
            models.Index(fields=["partner", "status"], name="lead_partner_status"),
            models.Index(fields=["clock_due_at"], name="lead_clock_due", condition=CLOCK_DUE),
        ]
        constraints = [
            models.CheckConstraint(
                name="lead_partner_when_with_one",
                condition=models.Q(status__in=UNASSIGNED_STATUSES, partner__isnull=True)
                | ~models.Q(status__in=UNASSIGNED_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.domain})"

    @property
    def contact_visible_to_partner(self) -> bool:
        """A partner sees the contact only once it has accepted the lead."""
        return self.status in (Status.ACCEPTED, Status.CONVERTED)

    def time_left(self, now=None) -> timedelta | None:
        if self.status != Status.ASSIGNED or self.accept_by is None:
            return None
        return max(self.accept_by - (now or timezone.now()), timedelta(0))

    # --- the machine (state changes only; services run them with their history) -------------
    @transition(
        field=status,
        source=list(UNASSIGNED_STATUSES),
        target=Status.ASSIGNED,
        permission=_staff_or_system,
        custom={"label": _("Assign")},
    )
    def assign(self, *, partner, now, accept_by):
        self.partner = partner
        self.assigned_at = now
        self.accept_by = accept_by
        self.remind_at = self.clock_due_at = now + (accept_by - now) / 2
        self.reminded = False
        self.accepted_at = None

    @transition(
        field=status,
        source=Status.ASSIGNED,
        target=Status.ACCEPTED,
        permission=_assigned_partner,
        custom={"label": _("Accept")},
    )
    def accept(self, *, now):
        self.accepted_at = now
        self.clock_due_at = None

    @transition(
        field=status,
        source=Status.ASSIGNED,
        target=Status.REJECTED_BY_PARTNER,
        permission=_assigned_partner,
        custom={"label": _("Reject")},
    )
    def reject(self, *, now):
        self._leave_partner()

    @transition(
        field=status,
        source=Status.ASSIGNED,
        target=Status.RECALLED,
        permission=_staff_or_system,
        custom={"label": _("Recall")},
    )
    def recall(self, *, now):
        self._leave_partner()

    @transition(
        field=status,
        source=Status.ACCEPTED,
        target=Status.CONVERTED,
        permission=_assigned_partner,
        custom={"label": _("Convert to a registration")},
    )
    def convert(self, *, now, registration):
        self.registration = registration
        self.converted_at = now
        self.registration_status = registration.status

    @transition(
        field=status,
        source=[*UNASSIGNED_STATUSES, Status.ASSIGNED, Status.ACCEPTED],
        target=Status.CLOSED,
        permission=_staff_or_system,
        custom={"label": _("Close")},
    )
    def close(self, *, now, reason: str = ""):
        self.partner = None
        self.closed_at = now
        self.close_reason = reason
        self.accept_by = self.remind_at = self.clock_due_at = None

    def _leave_partner(self) -> None:
        self.partner = None
        self.accept_by = self.remind_at = self.clock_due_at = None
        self.reminded = False


class Assignment(models.Model):
    """One time a lead went to a partner: by which rule or manager, why that partner, and how
    it ended. The lead's routing history; NEVER_AGAIN outcomes keep the partner off the lead."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="assignments")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="lead_assignments"
    )
    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = models.TextField(help_text=_("Why this partner."))
    assigned_at = models.DateTimeField()
    accept_by = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reject_reason = models.ForeignKey(
        RejectReason, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["assigned_at", "id"]
        indexes = [
            models.Index(fields=["lead", "partner"], name="assignment_lead_partner"),
            models.Index(fields=["partner", "assigned_at"], name="assignment_partner_at"),
            models.Index(fields=["rule", "partner"], name="assignment_rule_partner"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=models.Q(outcome="pending"),
                name="assignment_one_pending_per_lead",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} → {self.partner_id} ({self.outcome})"


class PartnerLeadLoad(models.Model):
    """How many leads a partner holds open (assigned or accepted), as of the last fold of the
    changes (loads.py): with the changes not yet folded, what routing compares with the cap."""

    partner = models.OneToOneField(
        "partners.Partner",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # loads.py: a cascade may count after the partner is gone
        related_name="lead_load",
    )
    open_leads = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.open_leads} open"


class RuleShare(models.Model):
    """How many leads a routing rule gave a partner (its assignments), as of the last fold of
    the changes (loads.py): with the changes not yet folded, the weighted round robin's count."""

    rule = models.ForeignKey(
        RoutingRule,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the unique key below leads with it
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="lead_rule_shares",
    )
    received = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Covering: routing reads a rule's counts from the index alone.
            models.UniqueConstraint(
                fields=["rule", "partner"], include=["received"], name="leads_ruleshare_key"
            ),
        ]

    def __str__(self) -> str:
        return f"rule {self.rule_id} → {self.partner_id}: {self.received}"


class LeadCountChange(models.Model):
    """One statement's change to a partner's counts, appended by the triggers on leads and
    assignments and folded into PartnerLeadLoad and RuleShare by the lead_counts sweep (loads.py).
    Appended, never updated: writers never wait on one another for a count."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # as PartnerLeadLoad's
        db_index=False,  # the index below leads with it
        related_name="lead_count_changes",
    )
    rule_id = models.BigIntegerField(null=True)  # None: its open leads; else what the rule gave
    n = models.IntegerField()

    class Meta:
        indexes = [
            # Covering: the fold and routing read the changes from the index alone.
            models.Index(fields=["partner", "rule_id"], include=["n"], name="leads_change_key")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}/{self.rule_id}: {self.n:+d}"
