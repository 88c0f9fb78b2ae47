"""Demo library (run after people): the starter library the migration ships, a few opens by
Northwind's and Contoso's people over the last weeks, one new resource since their last visit,
a document made for Northwind from a template and shared with its portal; two courses and
their certifications, one expiring within 30 days."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import Role, User
from apps.enablement.models import Course, LibraryVisit, Resource
from apps.enablement.selectors import visible_resources
from apps.enablement.services import (
    courses,
    document_from_template,
    resource_create,
    resource_open,
)
from apps.program.models import CompletingEvent, PlaybookTaskTemplate


def seed(ctx: dict) -> None:
    now = timezone.now()
    manager = ctx["manager"]
    for partner in (ctx["northwind"], ctx["contoso"]):
        users = list(User.objects.filter(role=Role.PARTNER, partner=partner).order_by("id"))
        for i, user in enumerate(users):
            LibraryVisit.objects.update_or_create(
                user=user, defaults={"seen_at": now - timedelta(days=3)}
            )
            for j, resource in enumerate(visible_resources(user).order_by("title")[: 4 + i]):
                for days_ago in range(0, 21, 6 + j):
                    resource_open(
                        resource=resource, user=user, now=now - timedelta(days=days_ago + i)
                    )
    resource_create(
        actor=manager,
        title="Quarter-end deal desk: how to get a quote approved in 24 hours",
        summary="What to send, to whom, and by when in the last two weeks of a quarter.",
        kind="playbook",
        phase="growth",
        body=(
            "# Quarter-end deal desk\n\n"
            "1. **Register the deal first.** An approved registration protects the customer.\n"
            "2. **Send the quote request** with the customer, the products, the quantities and "
            "the discount you ask for.\n"
            "3. **Expect an answer within one working day.** Past day 80 of the quarter, send "
            "requests before 2 pm.\n"
        ),
        tags=["deal desk", "quotes"],
        published=True,
        now=now - timedelta(hours=6),
    )
    template = Resource.objects.filter(is_template=True, title="Partner strategy plan").first()
    if template is not None:
        document = document_from_template(
            resource=template, partner=ctx["northwind"], actor=manager, now=now
        )
        document.shared_with_partner = True
        document.save(update_fields=["shared_with_partner"])
    seed_courses(ctx)


# --- courses and certifications ----------------------------------------------------------------

COURSES = [
    {
        "title": "Selling the platform 101",
        "summary": "The program, the pitch and the deal process, in under an hour.",
        "phase": "onboarding",
        "pass_mark": 70,
        "lessons": ["Partner program one-pager", "Partner pitch", "Partner training deck"],
        "questions": [
            (
                "When do you register a deal?",
                [
                    "*As soon as the opportunity is qualified, before you quote",
                    "After the customer has signed",
                    "Only for deals above 100,000",
                ],
            ),
            (
                "What does an approved registration give you? Choose every right answer.",
                [
                    "*Protection of that customer for the protection window",
                    "*Your tier's discount on the deal",
                    "A guaranteed win",
                ],
            ),
            (
                "Whom do you ask for a quote in the last two weeks of a quarter?",
                [
                    "*The deal desk, with the registration",
                    "The customer's procurement team",
                    "Nobody: quotes are automatic",
                ],
            ),
        ],
    },
    {
        "title": "Technical integration basics",
        "summary": "How an integration project is run, from kickoff to go-live.",
        "phase": "onboarding",
        "pass_mark": 80,
        "lessons": ["Technical integration guide", "Onboarding checklist"],
        "questions": [
            (
                "What do you need before the technical kickoff?",
                [
                    "*A named technical contact on both sides",
                    "A signed renewal",
                    "A date for the first QBR",
                ],
            ),
            (
                "What belongs in the integration test plan? Choose every right answer.",
                [
                    "*The customer's critical workflows",
                    "*Error handling and retries",
                    "The partner's brand colours",
                ],
            ),
        ],
    },
]


def _course(spec: dict, manager) -> Course:
    course = courses.course_save(
        actor=manager,
        title=spec["title"],
        summary=spec["summary"],
        phase=spec["phase"],
        pass_mark=spec["pass_mark"],
        attempts_allowed=3,
        validity_months=12,
    )
    for title in spec["lessons"]:
        resource = Resource.objects.filter(title=title, internal=False).first()
        if resource is not None:
            courses.lesson_add(course=course, resource=resource, actor=manager)
    for text, answers in spec["questions"]:
        courses.question_save(
            course=course,
            actor=manager,
            text=text,
            choices=[(a.lstrip("*"), a.startswith("*")) for a in answers],
        )
    return courses.course_save(actor=manager, course=course, published=True)


def _take(course: Course, user, *, right: bool, now) -> None:
    for lesson in course.lessons.select_related("resource"):
        resource_open(resource=lesson.resource, user=user, now=now - timedelta(hours=1))
    answers = {
        str(q.pk): [c.pk for c in q.choices.all() if c.correct == right]
        for q in course.questions.all()
    }
    courses.attempt_submit(course=course, user=user, answers=answers, now=now)


def seed_courses(ctx: dict) -> None:
    """Two courses from the starter library; Nora (Northwind) certified eleven months ago, so
    her certification expires within 30 days; Nick (Northwind) and Carl (Contoso) certified
    lately; Fiona (Northwind) failed her first attempt. The onboarding task "Sales
    certification" completes itself when a seller is certified in the first course."""
    now = timezone.now()
    manager = ctx["manager"]
    selling, technical = (_course(spec, manager) for spec in COURSES)
    task = PlaybookTaskTemplate.objects.filter(title="Sales certification").first()
    if task is not None:
        task.completed_by = CompletingEvent.CERTIFICATION_EARNED
        task.save(update_fields=["completed_by"])
        courses.course_save(actor=manager, course=selling, task_template=task)
    _take(selling, ctx["nora"], right=True, now=now - timedelta(days=345))
    _take(technical, ctx["nick"], right=True, now=now - timedelta(days=20))
    _take(selling, ctx["carl"], right=True, now=now - timedelta(days=40))
    _take(selling, ctx["fiona"], right=False, now=now - timedelta(days=2))
