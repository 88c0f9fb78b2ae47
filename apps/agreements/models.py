"""Agreements with partners: drafted, sent with a document, signed (active, or `signed` until a
future start date), then expired or terminated; and the admin-kept templates their documents are
generated from."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from apps.core.ids import RandomIdModel
from apps.core.transitions import condition


class Kind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    REFERRAL = "referral", _("Referral agreement")
    RESELLER = "reseller", _("Reseller agreement")
    TECHNOLOGY = "technology", _("Technology partnership")
    OEM = "oem", _("OEM agreement")
    NDA = "nda", _("Non-disclosure agreement")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent for signature")
    SIGNED = "signed", _("Signed, starts later")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# The active agreements with an end: what agreement_renewals watches.
RENEWAL_DUE = models.Q(status="active", end_date__isnull=False)


def _staff(instance, user) -> bool:
    return bool(getattr(user, "is_staff_role", False))


def _staff_or_own_partner(instance, user) -> bool:
    if getattr(user, "is_staff_role", False):
        return True
    # Signing is a partner admin's act (DESIGN.md section 13).
    return bool(getattr(user, "is_partner_admin", False)) and user.partner_id == instance.partner_id


@condition(_("The end date has not passed yet."))
def has_ended(agreement: Agreement) -> bool:
    today = agreement.as_of or timezone.localdate()
    return agreement.end_date is not None and agreement.end_date < today


@condition(_("There is no document to send: upload a PDF or keep a template for this kind."))
def has_document_or_template(agreement: Agreement) -> bool:
    return (
        bool(agreement.document) or AgreementTemplate.objects.filter(kind=agreement.kind).exists()
    )


@condition(_("The partner has no active portal admin to sign it: invite one first."))
def has_partner_signer(agreement: Agreement) -> bool:
    return agreement.partner.users.filter(
        is_active=True, role="partner", partner_role="admin"
    ).exists()


@condition(_("There is no document to sign."))
def has_document(agreement: Agreement) -> bool:
    return bool(agreement.document)


@condition(_("The start date has not come yet."))
def has_started(agreement: Agreement) -> bool:
    today = agreement.as_of or timezone.localdate()
    return agreement.start_date <= today


@condition(_("Its template asks for no countersignature, or it is countersigned already."))
def awaits_countersignature(agreement: Agreement) -> bool:
    return agreement.countersign_required and agreement.countersigned_at is None


def document_path(instance: Agreement, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may say anything).
    return f"agreements/{instance.partner_id}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class Agreement(ConcurrentTransitionMixin, RandomIdModel):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Empty: the agreement runs until ended.")
    )
    auto_renew = models.BooleanField(
        _("renews by itself"),
        default=False,
        help_text=_("At its end date the agreement renews for the same term unless ended."),
    )
    notice_period_days = models.PositiveSmallIntegerField(
        _("notice period (days)"), default=30, validators=[MaxValueValidator(730)]
    )
    exit_clauses = models.TextField(_("terms on exit"), blank=True)
    partner_address = models.TextField(
        _("Partner's address"),
        blank=True,
        max_length=1000,
        help_text=_("The registered address the contract names."),
    )
    document = models.FileField(upload_to=document_path, blank=True, max_length=200)
    # The SHA-256 of `document`, the exact bytes the partner reads and signs.
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_generated = models.BooleanField(default=False)
    # The document with its signature certificate page(s) appended, written at signing.
    signed_document = models.FileField(upload_to=document_path, blank=True, max_length=200)
    countersign_required = models.BooleanField(default=False)
    status = FSMField(default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by_name = models.CharField(max_length=200, blank=True)
    signed_from_address = models.GenericIPAddressField(null=True, blank=True)
    signed_user_agent = models.CharField(max_length=500, blank=True)
    signed_document_sha256 = models.CharField(max_length=64, blank=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    countersigned_by_name = models.CharField(max_length=200, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    notice_ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The next day agreement_renewals owes this active agreement something (its next reminder
    # or the day after its end), planned by the sweep; None: not planned yet (any save clears
    # it, and so does a change of the reminder days). The sweep reads only the unplanned and
    # the due ones (agreement_renewal_due_idx).
    renewal_due_on = models.DateField(null=True, blank=True, editable=False)

    # Not a column: the date a transition is judged on when a sweep passes its own `now`;
    # otherwise the real date decides.
    as_of: date | None = None

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["status", "end_date"], name="agreement_status_end"),
            # the sweep's signed agreements whose start date has come
            models.Index(fields=["status", "start_date"], name="agreement_status_start"),
            # agreement_renewals: the unplanned active agreements with an end, and the planned
            # ones by the day they are due (apps/agreements/sweeps.py)
            models.Index(
                fields=["renewal_due_on"], name="agreement_renewal_due_idx", condition=RENEWAL_DUE
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="agreement_ends_after_start",
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A write may move the end or the state: the renewal sweep plans the agreement again.
        self.renewal_due_on = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "renewal_due_on"}
        super().save(*args, **kwargs)

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SENT,
        permission=_staff,
        conditions=[has_document_or_template, has_partner_signer],
        custom={"label": _("Send for signature")},
    )
    def send(self, now=None):
        self.sent_at = now or timezone.now()

    # Signed is signed; `activate` follows at once when the start date has come, else the
    # agreement_renewals sweep runs it on the start date.
    @transition(
        field=status,
        source=Status.SENT,
        target=Status.SIGNED,
        conditions=[has_document],
        permission=_staff_or_own_partner,
        custom={"label": _("Record signature")},
    )
    def sign(
        self,
        signed_by_name: str = "",
        signed_by=None,
        now=None,
        address: str | None = None,
        user_agent: str = "",
    ):
        self.signed_at = now or timezone.now()
        self.signed_by_name = signed_by_name
        self.signed_by = signed_by
        self.signed_from_address = address or None
        self.signed_user_agent = user_agent[:500]
        self.signed_document_sha256 = self.document_sha256

    @transition(
        field=status,
        source=Status.SIGNED,
        target=Status.ACTIVE,
        conditions=[has_started],
        permission=_staff,
        custom={"label": _("Activate")},
    )
    def activate(self, now=None):
        pass

    @transition(
        field=status,
        source=Status.SIGNED,
        target=Status.SIGNED,
        conditions=[awaits_countersignature],
        permission=_staff,
        custom={"label": _("Countersign")},
    )
    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.ACTIVE,
        conditions=[awaits_countersignature],
        permission=_staff,
        custom={"label": _("Countersign")},
    )
    def countersign(self, countersigned_by=None, now=None):
        self.countersigned_at = now or timezone.now()
        self.countersigned_by = countersigned_by
        self.countersigned_by_name = (
            countersigned_by.get_full_name() or countersigned_by.username
            if countersigned_by is not None
            else ""
        )

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.ACTIVE,
        permission=_staff,
        custom={"label": _("Renew")},
    )
    def renew(self, end_date=None, now=None):
        self.end_date = end_date

    @transition(
        field=status,
        source=[Status.SIGNED, Status.ACTIVE],
        target=Status.TERMINATED,
        permission=_staff,
        custom={"label": _("Terminate")},
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
        custom={"label": _("Mark expired")},
    )
    def expire(self, now=None):
        pass


class AgreementTemplate(RandomIdModel):
    """The text an agreement's document is generated from: one per kind, kept by admins.

    `body` is Markdown with merge fields such as `{{ partner_name }}` (apps/agreements/documents.py
    lists them); an unknown field is refused when the template is saved.
    """

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=50000)
    countersign = models.BooleanField(
        _("Countersigned by the vendor"),
        default=False,
        help_text=_("After the partner signs, a manager countersigns."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title
