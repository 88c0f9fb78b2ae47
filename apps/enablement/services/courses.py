"""Writes of courses and certifications: the course editor (course, lessons, questions with
their choices), a person's quiz attempt (started with its questions shuffled, submitted and
scored), the certification it grants once, and its expiry.

The correct answers are only ever read here and in staff views: nothing a partner receives
before submitting says which choice is right.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import transitions
from apps.core.errors import ConditionsUnmet, InvalidInput, NotPermitted
from apps.core.events import send_after_commit
from apps.program.models import PartnerType
from apps.program.stages import Stage

from .. import events
from ..models import (
    Attempt,
    Certification,
    CertificationStatus,
    Choice,
    Course,
    Lesson,
    Question,
    Resource,
    ResourceOpen,
)

COURSE_FIELDS = (
    "title",
    "summary",
    "phase",
    "partner_types",
    "min_tier",
    "stages",
    "validity_months",
    "pass_mark",
    "attempts_allowed",
    "task_template",
)
# A certification may be renewed (the course taken again) this close to its expiry; the
# reminder goes out at the same mark.
RENEWAL_WINDOW = timedelta(days=30)
MIN_CHOICES = 2
MAX_CHOICES = 8


def _require_staff(actor) -> None:
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins edit courses."))


def _full_clean(obj, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc


# --- the editor --------------------------------------------------------------------------------


def _check_course(course: Course) -> None:
    errors: dict[str, list[str]] = {}
    known_types = set(PartnerType.objects.values_list("key", flat=True))
    unknown = [key for key in course.partner_types if key not in known_types]
    if unknown:
        errors["partner_types"] = [
            _("Unknown partner type: %(keys)s.") % {"keys": ", ".join(unknown)}
        ]
    bad_stages = [s for s in course.stages if s not in Stage.values]
    if bad_stages:
        errors["stages"] = [_("Unknown stage: %(s)s.") % {"s": ", ".join(bad_stages)}]
    try:
        course.full_clean(exclude=["id"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidInput(errors)


def _check_publishable(course: Course) -> None:
    if not course.pk or not course.questions.exists():
        raise InvalidInput({"published": [_("A course needs at least one question to publish.")]})


@transaction.atomic
def course_save(
    *, actor, course: Course | None = None, now: datetime | None = None, **fields: Any
) -> Course:
    """Create a course (course=None) or change the fields given."""
    _require_staff(actor)
    now = now or timezone.now()
    if course is None:
        course = Course(created_at=now)
    else:
        course = Course.objects.select_for_update().get(pk=course.pk)
    for key in COURSE_FIELDS:
        if key in fields:
            setattr(course, key, fields[key])
    published = fields.get("published")
    course.updated_at = now
    _check_course(course)
    if published:
        _check_publishable(course)
    if published is not None:
        course.published = bool(published)
    course.save()
    return course


@transaction.atomic
def lesson_add(*, course: Course, resource: Resource, actor) -> Lesson:
    _require_staff(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.lessons.filter(resource=resource).exists():
        raise InvalidInput({"resource": [_("This resource is already a lesson of the course.")]})
    last = course.lessons.aggregate(last=Max("order"))["last"]
    return Lesson.objects.create(course=course, resource=resource, order=(last or 0) + 1)


@transaction.atomic
def lesson_remove(*, lesson: Lesson, actor) -> None:
    _require_staff(actor)
    lesson.delete()


@transaction.atomic
def lesson_move_up(*, lesson: Lesson, actor) -> None:
    """Swap the lesson with the one before it (the editor's ▲)."""
    _require_staff(actor)
    lessons = list(Lesson.objects.select_for_update().filter(course_id=lesson.course_id))
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    if index > 0:
        lessons[index - 1], lessons[index] = lessons[index], lessons[index - 1]
    for order, item in enumerate(lessons, start=1):
        item.order = order
    Lesson.objects.bulk_update(lessons, ["order"])


def _clean_choices(choices: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    kept = [(" ".join(str(text).split()), bool(correct)) for text, correct in choices]
    kept = [(text, correct) for text, correct in kept if text]
    errors = []
    if len(kept) < MIN_CHOICES:
        errors.append(_("Give at least %(n)s answers.") % {"n": MIN_CHOICES})
    if len(kept) > MAX_CHOICES:
        errors.append(_("Give at most %(n)s answers.") % {"n": MAX_CHOICES})
    if not any(correct for _text, correct in kept):
        errors.append(_("Mark at least one answer as correct."))
    if len({text.lower() for text, _correct in kept}) != len(kept):
        errors.append(_("Each answer must differ from the others."))
    if errors:
        raise InvalidInput({"choices": errors})
    return kept


@transaction.atomic
def question_save(
    *,
    course: Course,
    actor,
    text: str,
    choices: list[tuple[str, bool]],
    question: Question | None = None,
) -> Question:
    """Add a question with its answers, or replace an existing question's text and answers."""
    _require_staff(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    kept = _clean_choices(choices)
    if question is None:
        last = course.questions.aggregate(last=Max("order"))["last"]
        question = Question(course=course, order=(last or 0) + 1)
    question.text = " ".join(text.split())
    _full_clean(question, exclude=["id", "course"])
    if not question.text:
        raise InvalidInput({"text": [_("Write the question.")]})
    question.save()
    question.choices.all().delete()
    for order, (choice_text, correct) in enumerate(kept, start=1):
        choice = Choice(question=question, text=choice_text, correct=correct, order=order)
        _full_clean(choice, exclude=["id", "question"])
        choice.save()
    return question


@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    _require_staff(actor)
    course = Course.objects.select_for_update().get(pk=question.course_id)
    question.delete()
    if course.published and not course.questions.exists():
        course.published = False
        course.save(update_fields=["published"])


# --- taking a course ---------------------------------------------------------------------------


def _lessons_left(course: Course, user) -> list[str]:
    opened = set(
        ResourceOpen.objects.filter(user=user, resource__lessons__course=course).values_list(
            "resource_id", flat=True
        )
    )
    return [
        lesson.resource.title
        for lesson in course.lessons.select_related("resource")
        if lesson.resource_id not in opened
    ]


def _may_attempt(course: Course, user, now: datetime) -> None:
    """The quiz is for partner users who opened every lesson, have attempts left and are not
    certified already (unless their certification ends within the renewal window)."""
    if not getattr(user, "is_partner_user", False) or user.partner_id is None:
        raise NotPermitted(_("Only partner users take courses."))
    unmet = []
    left = _lessons_left(course, user)
    if left:
        unmet.append(_("Open every lesson first: %(titles)s.") % {"titles": ", ".join(left)})
    used = Attempt.objects.filter(course=course, user=user, finished_at__isnull=False).count()
    if used >= course.attempts_allowed:
        unmet.append(
            _("You have used all %(n)s attempts of this course.") % {"n": course.attempts_allowed}
        )
    current = Certification.objects.filter(
        course=course, user=user, status=CertificationStatus.ACTIVE
    ).first()
    if current is not None and current.expires_at - now > RENEWAL_WINDOW:
        unmet.append(_("You are certified in this course already."))
    if unmet:
        raise ConditionsUnmet(_("You cannot take this quiz now."), unmet=unmet)


@transaction.atomic
def attempt_start(*, course: Course, user, now: datetime | None = None) -> Attempt:
    """The person's open attempt, or a new one with the questions in a fresh random order."""
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(
        course=course, user=user, finished_at__isnull=True
    ).first()
    if open_attempt is not None:
        return open_attempt
    _may_attempt(course, user, now)
    order = list(course.questions.values_list("pk", flat=True))
    random.SystemRandom().shuffle(order)
    return Attempt.objects.create(
        course=course, user=user, partner_id=user.partner_id, question_order=order, started_at=now
    )


def _parse_answers(course: Course, answers: Any) -> tuple[dict[str, list[int]], list[Question]]:
    """{question id: [choice ids]} checked against the course: unknown ids are refused (400)."""
    if not isinstance(answers, dict):
        raise InvalidInput({"answers": [_("Answers are an object: question id → choice ids.")]})
    questions = list(course.questions.prefetch_related("choices"))
    by_id = {str(q.pk): q for q in questions}
    clean: dict[str, list[int]] = {}
    for key, chosen in answers.items():
        question = by_id.get(str(key))
        if question is None:
            raise InvalidInput({"answers": [_("Unknown question: %(id)s.") % {"id": key}]})
        if not isinstance(chosen, list) or not all(
            isinstance(c, int) and not isinstance(c, bool) for c in chosen
        ):
            raise InvalidInput({"answers": [_("Each answer is a list of choice ids.")]})
        allowed = {c.pk for c in question.choices.all()}
        if not set(chosen) <= allowed:
            raise InvalidInput(
                {"answers": [_("A choice does not belong to question %(id)s.") % {"id": key}]}
            )
        clean[str(question.pk)] = sorted(set(chosen))
    return clean, questions


def score(questions: list[Question], answers: dict[str, list[int]]) -> int:
    """Percent of questions answered exactly: every correct choice chosen and no other (so a
    question with several correct answers counts only when all of them are chosen)."""
    if not questions:
        return 0
    right = sum(
        1
        for q in questions
        if set(answers.get(str(q.pk), [])) == {c.pk for c in q.choices.all() if c.correct}
    )
    return round(100 * right / len(questions))


@transaction.atomic
def attempt_submit(
    *,
    course: Course,
    user,
    answers: Any,
    attempt: Attempt | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Score the person's answers, keep them with the attempt, and certify on a pass. Without
    an attempt (the API), one is started and submitted at once."""
    now = now or timezone.now()
    if not getattr(user, "is_partner_user", False) or user.partner_id is None:
        raise NotPermitted(_("Only partner users take courses."))
    clean, questions = _parse_answers(course, answers)
    if attempt is None:
        attempt = attempt_start(course=course, user=user, now=now)
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.user_id != user.pk or attempt.course_id != course.pk:
        raise NotPermitted()
    if attempt.finished_at is not None:
        raise ConditionsUnmet(
            _("This attempt was submitted already."),
            unmet=[_("Start a new attempt to answer again.")],
        )
    attempt.answers = clean
    attempt.score = score(questions, clean)
    attempt.passed = attempt.score >= course.pass_mark
    attempt.finished_at = now
    attempt.save(update_fields=["answers", "score", "passed", "finished_at"])
    if attempt.passed:
        certification_grant(attempt=attempt, now=now)
    return attempt


def certification_grant(*, attempt: Attempt, now: datetime) -> Certification:
    """One active certification per person and course: a pass while certified inside the
    renewal window replaces the old one; two passes at once grant once (the partial unique
    constraint decides, and the loser reads the winner's)."""
    course = attempt.course
    active = Certification.objects.select_for_update().filter(
        user_id=attempt.user_id, course=course, status=CertificationStatus.ACTIVE
    )
    for old in active:
        if old.expires_at - now > RENEWAL_WINDOW:
            return old
        certification_expire(certification=old, now=now)
    try:
        with transaction.atomic():
            certification = Certification.objects.create(
                user_id=attempt.user_id,
                partner_id=attempt.partner_id,
                course=course,
                attempt=attempt,
                earned_at=now,
                expires_at=now + relativedelta(months=course.validity_months),
            )
    except IntegrityError:
        return Certification.objects.get(
            user_id=attempt.user_id, course=course, status=CertificationStatus.ACTIVE
        )
    send_after_commit(
        events.certification_earned,
        Certification,
        certification_id=certification.pk,
        course_id=course.pk,
        user_id=certification.user_id,
        partner_id=certification.partner_id,
    )
    return certification


def certification_expire(*, certification: Certification, now: datetime) -> Certification:
    """The certification's validity ended (or it was renewed): expired, once."""
    with transaction.atomic():
        transitions.apply(certification, "status", "expire", now=now)
    send_after_commit(
        events.certification_expired,
        Certification,
        certification_id=certification.pk,
        course_id=certification.course_id,
        user_id=certification.user_id,
        partner_id=certification.partner_id,
    )
    return certification
