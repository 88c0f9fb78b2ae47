"""The portal's library: what the partner's audience allows (anything else is 404), search,
"new since your last visit", a resource opened (and counted once a day), and the documents the
partner manager shared; its courses (lessons, the quiz, the result) and certifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import portal_required
from apps.core.errors import ConditionsUnmet, InvalidInput
from apps.core.uploads import download

from . import selectors, services
from .filters import ResourceFilter
from .models import CertificationStatus, Content, Lesson
from .services import courses as courses_services
from .views import document_pdf_response


@portal_required
def library(request):
    visible = selectors.visible_resources(request.user)
    since = services.library_visit(user=request.user)
    filters = ResourceFilter(request.GET or None, queryset=visible.order_by("phase", "title", "id"))
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enablement/portal_library.html",
        {
            "page": page,
            "filter": filters,
            "filter_errors": filters.errors,
            "new": list(selectors.new_since(visible, since)[:10]),
            "since": since,
            "documents": list(selectors.visible_documents(request.user)[:20]),
        },
    )


@portal_required
def resource(request, pk: int):
    item = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    services.resource_open(resource=item, user=request.user)
    if item.content == Content.LINK:
        return redirect(item.url)
    return render(
        request,
        "enablement/portal_resource.html",
        {
            "resource": item,
            "html": mark_safe(services.resource_html(item, request.user)),  # noqa: S308 (nh3)
        },
    )


@portal_required
def resource_file(request, pk: int):
    item = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    if item.content != Content.FILE or not item.file:
        raise Http404(_("This resource has no file."))
    services.resource_open(resource=item, user=request.user)
    return download(item.file, filename=item.file_name, content_type=item.file_type)


@portal_required
def document_pdf(request, pk: int):
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    return document_pdf_response(document)


# --- courses -----------------------------------------------------------------------------------


@portal_required
def courses(request):
    visible = selectors.visible_courses(request.user).order_by("title", "id")
    certified = dict(
        selectors.visible_certifications(request.user)
        .filter(user=request.user, status=CertificationStatus.ACTIVE)
        .values_list("course_id", "expires_at")
    )
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    return render(request, "enablement/portal_courses.html", {"page": page, "certified": certified})


def _course(request, pk: int):
    return get_object_or_404(selectors.visible_courses(request.user), pk=pk)


@portal_required
def course(request, pk: int):
    """The course: its lessons (ticked once opened), the quiz, past attempts, the certificate."""
    item = get_object_or_404(
        selectors.with_contents(selectors.visible_courses(request.user)), pk=pk
    )
    opened = selectors.opened_lessons(request.user, item)
    lessons = list(item.lessons.all())
    attempts = list(selectors.attempts_of(request.user, item))
    finished = [a for a in attempts if a.finished_at is not None]
    return render(
        request,
        "enablement/portal_course.html",
        {
            "course": item,
            "lessons": [(lesson, lesson.resource_id in opened) for lesson in lessons],
            "lessons_done": all(lesson.resource_id in opened for lesson in lessons),
            "question_count": len(item.questions.all()),
            "attempts": finished,
            "attempts_left": max(item.attempts_allowed - len(finished), 0),
            "open_attempt": next((a for a in attempts if a.finished_at is None), None),
            "certification": selectors.visible_certifications(request.user)
            .filter(user=request.user, course=item, status=CertificationStatus.ACTIVE)
            .first(),
        },
    )


@portal_required
def lesson(request, pk: int, lesson_pk: int):
    """A lesson's resource, as the course shows it: opening it is what marks the lesson done."""
    item = _course(request, pk)
    step = get_object_or_404(Lesson.objects.select_related("resource"), course=item, pk=lesson_pk)
    resource = step.resource
    services.resource_open(resource=resource, user=request.user)
    if resource.content == Content.LINK:
        return redirect(resource.url)
    return render(
        request,
        "enablement/portal_lesson.html",
        {
            "course": item,
            "lesson": step,
            "resource": resource,
            "html": mark_safe(services.resource_html(resource, request.user)),  # noqa: S308 (nh3)
        },
    )


@portal_required
def lesson_file(request, pk: int, lesson_pk: int):
    item = _course(request, pk)
    step = get_object_or_404(Lesson.objects.select_related("resource"), course=item, pk=lesson_pk)
    if step.resource.content != Content.FILE or not step.resource.file:
        raise Http404(_("This resource has no file."))
    services.resource_open(resource=step.resource, user=request.user)
    return download(
        step.resource.file, filename=step.resource.file_name, content_type=step.resource.file_type
    )


def _refused(request, item, exc: ConditionsUnmet):
    for reason in exc.unmet or [exc.detail]:
        messages.error(request, str(reason))
    return redirect("portal:course", pk=item.pk)


@portal_required
@require_POST
def quiz_start(request, pk: int):
    item = _course(request, pk)
    try:
        attempt = courses_services.attempt_start(course=item, user=request.user)
    except ConditionsUnmet as exc:
        return _refused(request, item, exc)
    return redirect("portal:quiz", pk=item.pk, attempt_pk=attempt.pk)


@portal_required
def quiz(request, pk: int, attempt_pk: int):
    """The attempt's questions in its own shuffled order; the page never says which answer is
    right (the choices carry their text and id only)."""
    item = get_object_or_404(
        selectors.with_contents(selectors.visible_courses(request.user)), pk=pk
    )
    attempt = get_object_or_404(selectors.attempts_of(request.user, item), pk=attempt_pk)
    if attempt.finished_at is not None:
        return redirect("portal:quiz_result", pk=item.pk, attempt_pk=attempt.pk)
    by_id = {q.pk: q for q in item.questions.all()}
    questions = [by_id[q] for q in attempt.question_order if q in by_id]
    error = None
    if request.method == "POST":
        posted = {str(q.pk): request.POST.getlist(f"q{q.pk}") for q in questions}
        try:
            if not all(v.isdigit() and len(v) < 20 for chosen in posted.values() for v in chosen):
                raise InvalidInput({"answers": [_("Each answer is a choice of its question.")]})
            answers = {key: [int(v) for v in chosen] for key, chosen in posted.items()}
            courses_services.attempt_submit(
                course=item, user=request.user, answers=answers, attempt=attempt
            )
        except InvalidInput:
            error = _("An answer did not belong to its question. Please answer again.")
        except ConditionsUnmet as exc:
            return _refused(request, item, exc)
        else:
            return redirect("portal:quiz_result", pk=item.pk, attempt_pk=attempt.pk)
    return render(
        request,
        "enablement/portal_quiz.html",
        {
            "course": item,
            "attempt": attempt,
            "questions": [(q, sum(1 for c in q.choices.all() if c.correct) > 1) for q in questions],
            "error": error,
        },
        status=400 if error else 200,
    )


@portal_required
def quiz_result(request, pk: int, attempt_pk: int):
    item = _course(request, pk)
    attempt = get_object_or_404(
        selectors.attempts_of(request.user, item).filter(finished_at__isnull=False), pk=attempt_pk
    )
    finished = selectors.attempts_of(request.user, item).filter(finished_at__isnull=False).count()
    return render(
        request,
        "enablement/portal_quiz_result.html",
        {
            "course": item,
            "attempt": attempt,
            "attempts_left": max(item.attempts_allowed - finished, 0),
            "certification": selectors.visible_certifications(request.user)
            .filter(user=request.user, course=item, status=CertificationStatus.ACTIVE)
            .first(),
        },
    )


@portal_required
def certifications(request):
    """The person's certifications, and their colleagues' (their company's, never another's)."""
    rows = selectors.visible_certifications(request.user).order_by(
        "status", "expires_at", "user__username", "id"
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "enablement/portal_certifications.html", {"page": page})
