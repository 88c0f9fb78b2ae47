from __future__ import annotations

import factory

from apps.leads.models import Lead, RejectReason, RoutingRule, Source, Status


class LeadFactory(factory.django.DjangoModelFactory):
    """LeadFactory(): a new lead (status and partner settable only here)."""

    class Meta:
        model = Lead

    company = factory.Sequence(lambda n: f"Customer {n} GmbH")
    domain = factory.Sequence(lambda n: f"customer{n}.example")
    country = "DE"
    contact_name = "Kim Buyer"
    contact_email = factory.LazyAttribute(lambda lead: f"kim@{lead.domain}")
    product = "Analytics suite"
    source = Source.MANUAL
    status = Status.NEW


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Rule {n}")
    priority = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def partner_types(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.partner_types.set(extracted)


class RejectReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RejectReason
        django_get_or_create = ("label",)

    label = "No capacity"
