"""Agreements with partners: drafted, sent, signed (active), then expired or terminated."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core.ids import RandomIdModel
from apps.core.transitions import condition


class Kind(models.TextChoices):
    MOU = "mou", "Memorandum of understanding"
    REFERRAL = "referral", "Referral agreement"
    RESELLER = "reseller", "Reseller agreement"
    TECHNOLOGY = "technology", "Technology partnership"
    OEM = "oem", "OEM agreement"
    NDA = "nda", "Non-disclosure agreement"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent for signature"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


def _staff(instance, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


def _staff_or_own_partner(instance, user) -> bool:
    if getattr(user, "is_staff_role", False):
        return True
    # Signing is a partner admin's act (DESIGN.md section 13).
    return bool(getattr(user, "is_partner_admin", False)) and user.partner_id == instance.partner_id


@condition("The end date has not passed yet.")
def has_ended(agreement: Agreement) -> bool:
    today = agreement.as_of or timezone.localdate()
    return agreement.end_date is not None and agreement.end_date < today


def document_path(instance: Agreement, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may say anything).
    return f"agreements/{instance.partner_id}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class Agreement(ConcurrentTransitionMixin, RandomIdModel):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=False)
    notice_period_days = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(730)]
    )
    exit_clauses = models.TextField("Exit clauses", blank=True)
    document = models.FileField(upload_to=document_path, blank=True, max_length=200)
    status = FSMField(default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by_name = models.CharField(max_length=200, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    notice_ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: the date a transition is judged on when a sweep passes its own `now`;
    # otherwise the real date decides.
    as_of: date | None = None

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "end_date"], name="agreement_status_end")]
        constraints = [
            models.CheckConstraint(
                name="agreement_ends_after_start",
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SENT,
        permission=_staff,
        custom={"label": "Send for signature"},
    )
    def send(self, now=None):
        self.sent_at = now or timezone.now()

    @transition(
        field=status,
        source=Status.SENT,
        target=Status.ACTIVE,
        permission=_staff_or_own_partner,
        custom={"label": "Record signature"},
    )
    def sign(self, signed_by_name: str = "", signed_by=None, now=None):
        self.signed_at = now or timezone.now()
        self.signed_by_name = signed_by_name
        self.signed_by = signed_by

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.ACTIVE,
        permission=_staff,
        custom={"label": "Renew"},
    )
    def renew(self, end_date=None, now=None):
        self.end_date = end_date

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.TERMINATED,
        permission=_staff,
        custom={"label": "Terminate"},
    )
    def terminate(self, reason: str = "", now=None):
        now = now or timezone.now()
        self.terminated_at = now
        self.termination_reason = reason
        self.notice_ends_on = timezone.localdate(now) + timedelta(days=self.notice_period_days)

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.EXPIRED,
        conditions=[has_ended],
        permission=_staff,
        custom={"label": "Mark expired"},
    )
    def expire(self, now=None):
        pass
