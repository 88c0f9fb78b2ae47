from __future__ import annotations

import datetime
import functools
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts.models import PartnerRole, Role, User
from apps.agreements.models import Agreement
from apps.partners.models import Partner, Stage, Task
from apps.program.models import PartnerType, Tier

PASSWORD = "correct-horse-battery-staple"


class PartnerTypeFactory(factory.django.DjangoModelFactory):
    """PartnerTypeFactory(key="oem", onboarding_days=120): the seeded row when it exists."""

    class Meta:
        model = PartnerType
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"type-{n}")
    name = factory.LazyAttribute(lambda t: t.key.replace("-", " ").title())
    onboarding_days = 90


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: n + 100)


class PartnerFactory(factory.django.DjangoModelFactory):
    """PartnerFactory(stage=Stage.GROWTH, tier=..., manager=...): stage is settable only here."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n:03d}")
    website = factory.LazyAttribute(lambda p: f"https://{p.name.lower().replace(' ', '-')}.example")
    partner_type = factory.SubFactory(PartnerTypeFactory, key="reseller", name="Reseller")
    stage = Stage.RECRUITMENT
    tier = None
    manager = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class PartnerUserFactory(UserFactory):
    """A partner admin unless told otherwise (partner_role=PartnerRole.MEMBER / FINANCE)."""

    role = Role.PARTNER
    partner_role = PartnerRole.ADMIN
    partner = factory.SubFactory(PartnerFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    """AgreementFactory(status="active") for a signed one; status is settable only here."""

    class Meta:
        model = Agreement

    partner = factory.SubFactory(PartnerFactory)
    kind = "reseller"
    title = factory.Sequence(lambda n: f"Reseller agreement {n}")
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyAttribute(lambda a: a.start_date + datetime.timedelta(days=365))
    notice_period_days = 30
    status = "draft"
    signed_at = factory.LazyAttribute(
        lambda a: timezone.now() if a.status in ("active", "expired", "terminated") else None
    )
    signed_by_name = factory.LazyAttribute(lambda a: "Pat Signer" if a.signed_at else "")
    # Sent means sent with a document (the send transition attaches one).
    document = factory.LazyAttribute(
        lambda a: None if a.status == "draft" else ContentFile(sample_pdf(), name="agreement.pdf")
    )
    document_sha256 = factory.LazyAttribute(
        lambda a: "" if a.status == "draft" else hashlib.sha256(sample_pdf()).hexdigest()
    )


@functools.cache
def sample_pdf() -> bytes:
    """A real one-page PDF (made once per test run)."""
    from apps.core.pdf import render_pdf

    return render_pdf("<h1>Sample agreement</h1><p>The terms agreed.</p>", title="Sample")


class TaskFactory(factory.django.DjangoModelFactory):
    """A task of the partner's current visit of its current stage, unless told otherwise."""

    class Meta:
        model = Task

    partner = factory.SubFactory(PartnerFactory)
    stage = factory.LazyAttribute(lambda t: t.partner.stage)
    stage_visit = factory.LazyAttribute(lambda t: t.partner.stage_entered_at)
    title = factory.Sequence(lambda n: f"Task {n}")
    owner_side = "partner"
    required = True
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
