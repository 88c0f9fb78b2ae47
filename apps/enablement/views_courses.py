"""The manager's course pages: the course list with completion and pass rates, the course editor
(its fields, lessons picked from the library, questions with their answers) and the
certifications of every partner (who, which, expiring soon)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import staff_required
from apps.core.errors import InvalidInput
from apps.core.filters import for_page

from . import selectors
from .filters import CertificationFilter
from .forms import CourseForm, LessonForm, QuestionForm
from .models import Lesson, Question
from .services import courses as services
from .services.courses import RENEWAL_WINDOW
from .views import errors_to_form


@staff_required
def course_list(request):
    qs = selectors.with_stats(selectors.visible_courses(request.user)).order_by("title", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enablement/courses.html", {"page": page})


@staff_required
def course_new(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Course created. Add its lessons and questions."))
            return redirect("enablement:course", pk=course.pk)
    return render(
        request,
        "enablement/course_form.html",
        {"form": form, "course": None},
        status=400 if form.errors else 200,
    )


def _editor(request, course, *, form=None, lesson_form=None, question_form=None, status=200):
    course = get_object_or_404(
        selectors.with_contents(selectors.with_stats(selectors.visible_courses(request.user))),
        pk=course.pk,
    )
    return render(
        request,
        "enablement/course.html",
        {
            "course": course,
            "form": form or CourseForm(instance=course),
            "lesson_form": lesson_form or LessonForm(course=course),
            "question_form": question_form or QuestionForm(),
            "certifications": list(
                selectors.visible_certifications(request.user)
                .filter(course=course)
                .order_by("status", "expires_at", "id")[:50]
            ),
        },
        status=status,
    )


@staff_required
def course_detail(request, pk: int):
    """The course editor: its fields (saved here), its lessons and its quiz."""
    course = get_object_or_404(selectors.visible_courses(request.user), pk=pk)
    if request.method != "POST":
        return _editor(request, course)
    form = CourseForm(request.POST, instance=course)
    if form.is_valid():
        try:
            services.course_save(actor=request.user, course=course, **form.cleaned_data)
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("enablement:course", pk=course.pk)
    course.refresh_from_db()
    return _editor(request, course, form=form, status=400)


@staff_required
@require_POST
def lesson_add(request, pk: int):
    course = get_object_or_404(selectors.visible_courses(request.user), pk=pk)
    form = LessonForm(request.POST, course=course)
    if form.is_valid():
        try:
            services.lesson_add(
                course=course, resource=form.cleaned_data["resource"], actor=request.user
            )
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Lesson added."))
            return redirect("enablement:course", pk=course.pk)
    return _editor(request, course, lesson_form=form, status=400)


def _lesson(request, pk: int, lesson_pk: int) -> Lesson:
    course = get_object_or_404(selectors.visible_courses(request.user), pk=pk)
    return get_object_or_404(Lesson, course=course, pk=lesson_pk)


@staff_required
@require_POST
def lesson_remove(request, pk: int, lesson_pk: int):
    services.lesson_remove(lesson=_lesson(request, pk, lesson_pk), actor=request.user)
    messages.success(request, _("Lesson removed."))
    return redirect("enablement:course", pk=pk)


@staff_required
@require_POST
def lesson_up(request, pk: int, lesson_pk: int):
    services.lesson_move_up(lesson=_lesson(request, pk, lesson_pk), actor=request.user)
    return redirect("enablement:course", pk=pk)


@staff_required
@require_POST
def question_add(request, pk: int):
    course = get_object_or_404(selectors.visible_courses(request.user), pk=pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_save(
                course=course,
                actor=request.user,
                text=form.cleaned_data["text"],
                choices=form.choices(),
            )
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("enablement:course", pk=course.pk)
    return _editor(request, course, question_form=form, status=400)


@staff_required
def question_edit(request, pk: int, question_pk: int):
    course = get_object_or_404(selectors.visible_courses(request.user), pk=pk)
    question = get_object_or_404(Question, course=course, pk=question_pk)
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_save(
                course=course,
                actor=request.user,
                question=question,
                text=form.cleaned_data["text"],
                choices=form.choices(),
            )
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("enablement:course", pk=course.pk)
    return render(
        request,
        "enablement/question_form.html",
        {"course": course, "question": question, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def question_delete(request, pk: int, question_pk: int):
    course = get_object_or_404(selectors.visible_courses(request.user), pk=pk)
    question = get_object_or_404(Question, course=course, pk=question_pk)
    services.question_delete(question=question, actor=request.user)
    messages.success(request, _("Question deleted."))
    return redirect("enablement:course", pk=course.pk)


@staff_required
def certifications(request):
    """Every partner's certifications, those expiring within 30 days first when asked."""
    now = timezone.now()
    filters = CertificationFilter(
        request.GET or None,
        queryset=selectors.visible_certifications(request.user).order_by(
            "partner__name", "user__username", "course__title", "id"
        ),
        request=request,
    )
    rows, http_status = for_page(filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enablement/certifications.html",
        {
            "page": page,
            "filter": filters,
            "filter_errors": filters.errors,
            "soon": (now + RENEWAL_WINDOW).date(),
            "soon_at": now + RENEWAL_WINDOW,
        },
        status=http_status,
    )
