"""Market development funds (DESIGN.md section 16): a period's budget, its allocations to
partners, the append-only ledger of every movement of money, and the partners' fund requests
with their claims.

The database holds the money rules, whichever door a write comes through:
- a period's `allocated_base` (the allocations converted to the base currency) never passes its
  budget (CHECK fund_period_within_budget, written under a row lock on the period);
- the ledger is append-only (a trigger refuses UPDATE and DELETE, migration 0002), and each
  movement moves its allocation's balance row in the same statement's transaction (a trigger
  too), where CHECK fund_allocation_committed_within_allocated refuses a commitment past the
  allocation, so two managers approving at the same instant never overspend.
The status machine only changes state; `services` runs it and writes the ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
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
from apps.core.access import WORKS_FUNDS, partner_role_allows
from apps.core.ids import RandomIdModel
from apps.core.transitions import condition, history_label

MAX_AMOUNT = Decimal("999999999999.99")
ZERO = Decimal("0.00")


def _money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class FundPeriod(RandomIdModel):
    name = models.CharField(
        _("name"), max_length=40, unique=True, help_text=_("For example 2027-H1.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = _money(_("budget"), validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)])
    # The base currency when the period was opened: the budget's and allocated_base's.
    currency = models.CharField(max_length=3, editable=False)
    # The allocations converted to the base currency, kept by `services.allocation_create`
    # under a row lock on the period; the CHECK below is the guarantee.
    allocated_base = _money(_("allocated"), default=ZERO, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("fund period")
        constraints = [
            models.CheckConstraint(
                name="fund_period_within_budget",
                condition=models.Q(allocated_base__lte=models.F("budget"), allocated_base__gte=0),
            ),
            models.CheckConstraint(
                name="fund_period_dates_ordered",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def unallocated(self) -> Decimal:
        return self.budget - self.allocated_base


class FundAllocation(RandomIdModel):
    """A partner's share of a period, and its balances.

    `allocated`, `committed`, `claimed` and `paid` are the sums of the ledger's movements, kept
    by the database (trigger fund_movement_apply of migration 0002) in the movement's own
    transaction; nothing else writes them."""

    period = models.ForeignKey(FundPeriod, on_delete=models.PROTECT, related_name="allocations")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="fund_allocations"
    )
    amount = _money(
        _("amount"), validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)]
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=iso.currency_choices,
        error_messages={"invalid_choice": iso.CURRENCY_ERROR},
    )
    # `amount` in the period's currency at the rate in force when allocated: what the budget counts.
    amount_base = _money(_("amount in the base currency"), editable=False)
    claim_deadline = models.DateField(
        _("claim deadline"), help_text=_("Claims for approved activities are due by this day.")
    )
    rule = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated = _money(_("allocated"), default=ZERO, editable=False)
    committed = _money(_("committed"), default=ZERO, editable=False)
    claimed = _money(_("claimed"), default=ZERO, editable=False)
    paid = _money(_("paid"), default=ZERO, editable=False)

    class Meta:
        ordering = ["period", "partner__name", "id"]
        verbose_name = _("fund allocation")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "partner"], name="fund_one_allocation_per_period"
            ),
            # The guarantee behind 409 insufficient_funds: approvals never commit more than
            # the allocation holds, whoever approves and however many at once.
            models.CheckConstraint(
                name="fund_allocation_committed_within_allocated",
                condition=models.Q(committed__lte=models.F("allocated"), committed__gte=0),
            ),
            models.CheckConstraint(
                name="fund_allocation_claimed_within_committed",
                condition=models.Q(claimed__lte=models.F("committed"), claimed__gte=0),
            ),
            models.CheckConstraint(
                name="fund_allocation_paid_within_claimed",
                condition=models.Q(paid__lte=models.F("claimed"), paid__gte=0),
            ),
            models.CheckConstraint(
                name="fund_allocation_positive", condition=models.Q(amount__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.partner_id}"

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.committed

    def deadline_passed(self, today: date) -> bool:
        return today > self.claim_deadline


class Movement(models.Model):
    """One line of the ledger: append-only (trigger fund_movement_append_only)."""

    class Kind(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated")
        COMMITTED = "committed", _("Committed")
        RELEASED = "released", _("Released")
        CLAIMED = "claimed", _("Claimed")
        PAID = "paid", _("Paid")

    allocation = models.ForeignKey(
        FundAllocation, on_delete=models.PROTECT, related_name="movements"
    )
    request = models.ForeignKey(
        "FundRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = _money(_("amount"))
    currency = models.CharField(max_length=3)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["allocation", "at"], name="fund_movement_alloc_idx")]
        constraints = [
            models.CheckConstraint(name="fund_movement_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(
                name="fund_movement_kind_valid",
                condition=models.Q(
                    kind__in=["allocated", "committed", "released", "claimed", "paid"]
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"


class ActivityType(models.TextChoices):
    EVENT = "event", _("Event")
    WEBINAR = "webinar", _("Webinar")
    DIGITAL = "digital_campaign", _("Digital campaign")
    SYNDICATION = "content_syndication", _("Content syndication")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLAIMED = "claimed", _("Claimed")
    CLAIM_RETURNED = "claim_returned", _("Claim returned for changes")
    CLAIM_APPROVED = "claim_approved", _("Claim approved")
    CLAIM_REJECTED = "claim_rejected", _("Claim rejected")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


# Statuses holding a commitment on the allocation (what `expire` and `cancel` release).
COMMITTED_STATUSES = (Status.APPROVED, Status.CLAIMED, Status.CLAIM_RETURNED)
# Waiting for the claim: what the deadline sweep reminds and expires.
CLAIM_DUE_STATUSES = (Status.APPROVED, Status.CLAIM_RETURNED)
# The sweeps' due work, each with a partial index holding only what is still owed something.
REVIEW_REMIND = models.Q(status__in=["submitted", "claimed"], sla_notified=0)
REVIEW_ESCALATE = models.Q(status__in=["submitted", "claimed"], sla_notified=1)
DEADLINE_OPEN = models.Q(status__in=["approved", "claim_returned"])
REMIND_FIRST = models.Q(DEADLINE_OPEN, deadline_reminded__isnull=True)
REMIND_LAST = models.Q(DEADLINE_OPEN, deadline_reminded=14)


def _staff(fund_request, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


def _requesting_partner(fund_request, user) -> bool:
    return bool(
        getattr(user, "is_partner_user", False)
        and user.partner_id == fund_request.partner_id
        and partner_role_allows(user, WORKS_FUNDS)
    )


def _partner_or_staff(fund_request, user) -> bool:
    return _staff(fund_request, user) or _requesting_partner(fund_request, user)


def _system_only(fund_request, user) -> bool:
    return False  # run by the fund_claim_deadlines sweep (actor None), never by a person


@condition(_("An invoice is attached to the claim."))
def has_invoice(fund_request: FundRequest) -> bool:
    return fund_request.files.filter(kind=FundFile.Kind.INVOICE).exists()


@condition(_("A proof of performance is attached to the claim."))
def has_proof(fund_request: FundRequest) -> bool:
    return fund_request.files.filter(kind=FundFile.Kind.PROOF).exists()


def _named(name: str):
    """A transition whose name is a Python keyword (`return`): django-fsm names a transition
    by its method's __name__."""

    def rename(func):
        func.__name__ = name
        return func

    return rename


class FundRequest(ConcurrentTransitionMixin, RandomIdModel):
    allocation = models.ForeignKey(
        FundAllocation, on_delete=models.PROTECT, related_name="requests"
    )
    # The allocation's partner, kept here so visibility and the partner's lists need no join.
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="fund_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = FSMField(default=Status.DRAFT, choices=Status.choices, protected=True)
    activity_type = models.CharField(_("activity"), max_length=30, choices=ActivityType.choices)
    title = models.CharField(
        _("title"), max_length=200, validators=[ProhibitNullCharactersValidator()]
    )
    description = models.TextField(
        _("description"),
        blank=True,
        validators=[MaxLengthValidator(5000), ProhibitNullCharactersValidator()],
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    requested_amount = _money(
        _("requested amount"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    expected_leads = models.PositiveIntegerField(
        _("expected leads"), default=0, validators=[MaxValueValidator(1_000_000)]
    )
    expected_pipeline = _money(
        _("expected pipeline"),
        default=ZERO,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    approved_amount = _money(_("approved amount"), null=True, blank=True)
    actual_cost = _money(_("actual cost"), null=True, blank=True)
    claim_amount = _money(_("claim approved"), null=True, blank=True)
    leads_created = models.PositiveIntegerField(_("leads created"), null=True, blank=True)
    registrations_created = models.PositiveIntegerField(
        _("registrations created"), null=True, blank=True
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # The last word the reviewer gave the partner: a rejection's reason or what to change.
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When it began waiting for the manager (a request's submission, a claim): the queue's clock.
    waiting_since = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # What the sweeps already did: the review-SLA notices sent for the current wait (0, 1 the
    # reminder, 2 the escalation), and the smallest claim-deadline reminder sent (days).
    sla_notified = models.PositiveSmallIntegerField(default=0, editable=False)
    deadline_reminded = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The allocation's claim deadline, copied on approval: the deadline sweep's index.
    claim_due = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fund request")
        constraints = [
            models.CheckConstraint(
                name="fund_request_status_valid",
                condition=models.Q(status__in=[s.value for s in Status]),
            ),
            models.CheckConstraint(
                name="fund_request_amount_positive", condition=models.Q(requested_amount__gt=0)
            ),
            models.CheckConstraint(
                name="fund_request_approved_within_requested",
                condition=models.Q(approved_amount__isnull=True)
                | models.Q(
                    approved_amount__gt=0, approved_amount__lte=models.F("requested_amount")
                ),
            ),
            models.CheckConstraint(
                name="fund_request_claim_within_approved",
                condition=models.Q(claim_amount__isnull=True)
                | models.Q(claim_amount__gte=0, claim_amount__lte=models.F("approved_amount")),
            ),
            models.CheckConstraint(
                name="fund_request_dates_ordered",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [
            # The request and claim queues, oldest wait first.
            models.Index(
                fields=["waiting_since", "id"],
                name="fund_request_waiting_idx",
                condition=models.Q(status__in=["submitted", "claimed"]),
            ),
            # The SLA sweep: by what was sent for the wait, then how long it has waited, so a
            # repeat pass finds the handled rows outside its index range and reads none.
            models.Index(
                fields=["sla_notified", "waiting_since"],
                name="fund_review_sla_idx",
                condition=models.Q(status__in=["submitted", "claimed"]),
            ),
            # The claim-deadline sweep: approved requests still owing a claim, by due day (the
            # expiry), and by the smallest reminder sent (none, 14, 3), then the due day.
            models.Index(
                fields=["claim_due", "id"], name="fund_claim_due_idx", condition=DEADLINE_OPEN
            ),
            models.Index(
                fields=["deadline_reminded", "claim_due"],
                name="fund_claim_remind_idx",
                condition=DEADLINE_OPEN,
            ),
            models.Index(fields=["partner", "-created_at", "-id"], name="fund_request_partner_idx"),
            models.Index(fields=["allocation", "status"], name="fund_request_alloc_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def currency(self) -> str:
        return self.allocation.currency

    @property
    def is_claim_stage(self) -> bool:
        return self.status in (
            Status.CLAIMED,
            Status.CLAIM_RETURNED,
            Status.CLAIM_APPROVED,
            Status.CLAIM_REJECTED,
            Status.PAID,
        )

    def waited(self, now: datetime) -> timedelta:
        if self.waiting_since is None or self.status not in (Status.SUBMITTED, Status.CLAIMED):
            return timedelta(0)
        return max(now - self.waiting_since, timedelta(0))

    # --- the machine (state changes only; services.fund_request_transition runs them) -------
    @transition(
        field=status,
        source=[Status.DRAFT, Status.RETURNED],
        target=Status.SUBMITTED,
        permission=_requesting_partner,
        custom={"label": _("Submit for review")},
    )
    def submit(self, *, now, actor):
        self.submitted_at = self.waiting_since = now
        self.sla_notified = 0

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.APPROVED,
        permission=_staff,
        custom={"label": _("Approve")},
    )
    def approve(self, *, now, actor, approved_amount: Decimal, claim_due: date):
        self.approved_amount = approved_amount
        self.approved_at = now
        self.claim_due = claim_due
        self.review_note = ""
        self.deadline_reminded = None

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.REJECTED,
        permission=_staff,
        custom={"label": _("Reject")},
    )
    def reject(self, *, now, actor, reason: str):
        self.review_note = reason

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.RETURNED,
        permission=_staff,
        custom={"label": _("Return for changes")},
    )
    @transition(
        field=status,
        source=Status.CLAIMED,
        target=Status.CLAIM_RETURNED,
        permission=_staff,
        custom={"label": _("Return for changes")},
    )
    @_named("return")
    def return_(self, *, now, actor, note: str):
        self.review_note = note

    @transition(
        field=status,
        source=[Status.APPROVED, Status.CLAIM_RETURNED],
        target=Status.CLAIMED,
        conditions=[has_invoice, has_proof],
        permission=_requesting_partner,
        custom={"label": _("Submit the claim")},
    )
    def claim(self, *, now, actor, actual_cost: Decimal, leads_created, registrations_created):
        self.actual_cost = actual_cost
        self.leads_created = leads_created
        self.registrations_created = registrations_created
        self.claimed_at = self.waiting_since = now
        self.sla_notified = 0

    @transition(
        field=status,
        source=Status.CLAIMED,
        target=Status.CLAIM_APPROVED,
        permission=_staff,
        custom={"label": _("Approve the claim")},
    )
    def approve_claim(self, *, now, actor, amount: Decimal):
        self.claim_amount = amount
        self.review_note = ""

    @transition(
        field=status,
        source=Status.CLAIMED,
        target=Status.CLAIM_REJECTED,
        permission=_staff,
        custom={"label": _("Reject the claim")},
    )
    def reject_claim(self, *, now, actor, reason: str):
        self.review_note = reason

    @transition(
        field=status,
        source=Status.CLAIM_APPROVED,
        target=Status.PAID,
        permission=_staff,
        custom={"label": _("Record the payment")},
    )
    def pay(self, *, now, actor, reference: str, paid_on: date):
        self.payment_reference = reference
        self.paid_on = paid_on
        self.paid_at = now

    @transition(
        field=status,
        source=[Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED],
        target=Status.CANCELLED,
        permission=_partner_or_staff,
        custom={"label": _("Cancel")},
    )
    def cancel(self, *, now, actor):
        pass

    @transition(
        field=status,
        source=list(CLAIM_DUE_STATUSES),
        target=Status.EXPIRED,
        permission=_system_only,
        custom={"label": _("Expire")},
    )
    def expire(self, *, now, actor):
        pass


# The keyword-named transition's attribute, for django-fsm and `transitions.apply` (getattr).
setattr(FundRequest, "return", FundRequest.return_)  # noqa: B010


class FundRequestEvent(models.Model):
    """The request's history: creation and every transition, by any door."""

    request = models.ForeignKey(FundRequest, on_delete=models.CASCADE, related_name="events")
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
        indexes = [models.Index(fields=["request", "at"], name="fund_event_request_idx")]

    def __str__(self) -> str:
        return f"{self.transition} → {self.to_status}"

    # The entries that are not transitions of the request's machine.
    OTHER_ENTRIES = {"create": _("Created"), "edit": _("Edited")}

    @property
    def transition_label(self) -> str:
        return history_label(FundRequest, "status", self.transition, self.OTHER_ENTRIES)


class FundFile(RandomIdModel):
    """A claim's proof of performance or invoice: PDF or image, served by an access-checked view."""

    class Kind(models.TextChoices):
        PROOF = "proof", _("Proof of performance")
        INVOICE = "invoice", _("Invoice")

    request = models.ForeignKey(FundRequest, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="funds/", max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("fund file")

    def __str__(self) -> str:
        return self.name


# A request whose activity ran or runs: what a registration or a lead may name as its source.
ATTRIBUTABLE_STATUSES = (
    Status.APPROVED,
    Status.CLAIMED,
    Status.CLAIM_RETURNED,
    Status.CLAIM_APPROVED,
    Status.PAID,
)


class Attribution(models.Model):
    """A registration or a lead naming the fund request that produced it: the return on funds.

    Funds owns the link because it sits above deals and beside leads, neither of which may import
    it; they offer the field through `apps.core.extra_fields` and this app fills it
    (`extra_fields.py`). The lead is referenced by the database only (no Python import)."""

    request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="attributions")
    registration = models.OneToOneField(
        "deals.DealRegistration",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fund_attribution",
    )
    lead = models.OneToOneField(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fund_attribution",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fund attribution")
        indexes = [models.Index(fields=["request"], name="fund_attribution_request_idx")]
        constraints = [
            models.CheckConstraint(
                name="fund_attribution_one_target",
                condition=models.Q(registration__isnull=False, lead__isnull=True)
                | models.Q(registration__isnull=True, lead__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} ← {self.registration_id or self.lead_id}"


# --- Earnings (issue 21): rebates accrued on won registrations, paid in payout batches --------


class EarningStatus(models.TextChoices):
    ACCRUED = "accrued", _("Accrued")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PayoutBatch(ConcurrentTransitionMixin, RandomIdModel):
    """The accruals of registrations won in a period (a month or a quarter), approved and paid
    together. Its status moves its accruals' status (services/earnings.py); an accrual belongs to
    at most one batch (its `batch` foreign key)."""

    name = models.CharField(
        _("period"), max_length=20, help_text=_("For example 2026-11 or 2026-Q4.")
    )
    starts_on = models.DateField(_("won from"))
    ends_on = models.DateField(_("won until"))
    status = FSMField(default=BatchStatus.DRAFT, choices=BatchStatus.choices, protected=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout batch")
        constraints = [
            models.CheckConstraint(
                name="payout_batch_status_valid",
                condition=models.Q(status__in=[s.value for s in BatchStatus]),
            ),
            models.CheckConstraint(
                name="payout_batch_dates_ordered",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="payout_batch_paid_has_reference",
                condition=~models.Q(status="paid") | ~models.Q(payment_reference=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # --- the machine (state changes only; services.payout_batch_transition runs them) ------
    @transition(
        field=status,
        source=BatchStatus.DRAFT,
        target=BatchStatus.APPROVED,
        permission=_staff,
        custom={"label": _("Approve the batch")},
    )
    def approve(self, *, now, actor):
        self.approved_at = now
        self.approved_by = actor

    @transition(
        field=status,
        source=BatchStatus.APPROVED,
        target=BatchStatus.PAID,
        permission=_staff,
        custom={"label": _("Mark paid")},
    )
    def pay(self, *, now, actor, reference: str, paid_on: date):
        self.payment_reference = reference
        self.paid_on = paid_on
        self.paid_at = now

    @transition(
        field=status,
        source=[BatchStatus.DRAFT, BatchStatus.APPROVED],
        target=BatchStatus.CANCELLED,
        permission=_staff,
        custom={"label": _("Cancel the batch")},
    )
    def cancel(self, *, now, actor):
        pass


class EarningAccrual(RandomIdModel):
    """A partner's rebate on one won registration: at most one per registration, whatever
    happens to the registration afterwards (the unique constraint is the guarantee)."""

    registration = models.ForeignKey(
        "deals.DealRegistration", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="earning_accruals"
    )
    tier = models.ForeignKey(
        "program.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier_name = models.CharField(_("tier"), max_length=60)
    percent = models.DecimalField(_("rebate %"), max_digits=5, decimal_places=2)
    won_value = _money(_("won value"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = _money(_("rebate"))
    base_currency = models.CharField(max_length=3)
    # `amount` in the base currency at the rate in force on the day it was won; null when no
    # rate was in force (shown as such, never counted as zero).
    amount_base = _money(_("rebate in the base currency"), null=True, blank=True)
    won_on = models.DateField(_("won on"))
    status = models.CharField(
        _("status"), max_length=10, choices=EarningStatus.choices, default=EarningStatus.ACCRUED
    )
    batch = models.ForeignKey(
        PayoutBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accruals",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-won_on", "-id"]
        verbose_name = _("earning accrual")
        constraints = [
            # A re-opened and re-won registration, or two won events at once, accrue once.
            models.UniqueConstraint(fields=["registration"], name="earning_one_per_registration"),
            models.CheckConstraint(
                name="earning_status_valid",
                condition=models.Q(status__in=[s.value for s in EarningStatus]),
            ),
            models.CheckConstraint(
                name="earning_amount_positive", condition=models.Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="earning_percent_range",
                condition=models.Q(percent__gt=0, percent__lte=100),
            ),
            # Approved and paid accruals are in a batch.
            models.CheckConstraint(
                name="earning_batched_when_approved",
                condition=models.Q(status="accrued") | models.Q(batch__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "-won_on", "-id"], name="earning_partner_idx"),
            # What a new batch takes: accrued, not in a batch, by the day won.
            models.Index(
                fields=["won_on", "id"],
                name="earning_unbatched_idx",
                condition=models.Q(status="accrued", batch__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} · {self.registration_id}"
