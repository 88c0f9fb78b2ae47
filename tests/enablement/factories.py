from __future__ import annotations

import factory
from django.utils import timezone

from apps.enablement.models import PartnerDocument, Resource


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published Markdown page for everyone, unless told otherwise."""

    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Resource {n:03d}")
    summary = "A short summary."
    kind = "template"
    phase = "onboarding"
    content = "markdown"
    body = "# Heading\n\nSome **useful** text."
    published = True
    published_at = factory.LazyFunction(timezone.now)


class PartnerDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerDocument

    title = factory.Sequence(lambda n: f"Document {n}")
    body = "Text of the document."
