from __future__ import annotations

import factory
from django.utils import timezone

from apps.enablement.models import Choice, Course, PartnerDocument, Question, Resource


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


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course for everyone: pass mark 50 %, 2 attempts, valid 12 months."""

    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n:03d}")
    summary = "What every partner seller needs."
    phase = "onboarding"
    pass_mark = 50
    attempts_allowed = 2
    validity_months = 12
    published = True


def quiz(course, *questions):
    """quiz(course, ("Question?", ["right", "*also right", "wrong"]), …): a "*" marks a correct
    answer; the first is correct when none is marked. Answers {question: [choices]}."""
    made = []
    for order, (text, answers) in enumerate(questions, start=1):
        question = Question.objects.create(course=course, text=text, order=order)
        marked = any(a.startswith("*") for a in answers)
        choices = [
            Choice.objects.create(
                question=question,
                text=a.lstrip("*"),
                correct=a.startswith("*") if marked else i == 0,
                order=i,
            )
            for i, a in enumerate(answers)
        ]
        made.append((question, choices))
    return made


def right_answers(made) -> dict[str, list[int]]:
    return {str(q.pk): [c.pk for c in choices if c.correct] for q, choices in made}
