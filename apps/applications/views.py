"""Pages: the public `/apply/` (no sign-in), the managers' applications queue and decisions, and
the admins' ideal-partner-profile questions (a tab of the program settings)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core import transitions
from apps.core.access import admin_required, staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.nav import settings_tabs
from apps.core.throttles import throttle

from . import selectors, services
from .filters import ApplicationFilter
from .forms import AcceptForm, ApplicationForm, ChoiceFormSet, DeclineForm, QuestionForm
from .models import Application, ProfileQuestion, Status

# --- public -----------------------------------------------------------------------------------


@throttle("public_form", methods=("POST",))
def apply(request):
    questions = selectors.asked_questions()
    form = ApplicationForm(request.POST or None, questions=questions)
    if request.method != "POST":
        return render(request, "applications/apply.html", {"form": form})
    if form.is_bot:
        # The same "received" as for a person, and nothing kept: a bot learns nothing.
        return redirect("apply:received")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.application_submit(
                fields=data, partner_type=data["partner_type"], answers=form.answers()
            )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            return redirect("apply:received")
    return render(request, "applications/apply.html", {"form": form}, status=400)


@require_GET
def received(request):
    return render(request, "applications/received.html")


# --- managers ---------------------------------------------------------------------------------

STATUS_FILTERS = [("", _("All")), *Status.choices]


@staff_required
@require_GET
def queue(request):
    params = request.GET.copy()
    params.setdefault("status", Status.RECEIVED.value)  # the queue opens on what waits
    filters = ApplicationFilter(params, queryset=selectors.application_queue())
    found, http_status = for_page(filters)
    status = params["status"]
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    duplicates = selectors.duplicates_for(list(page.object_list))
    rows = [{"a": a, "dup": duplicates[a.pk]} for a in page.object_list]
    return render(
        request,
        "applications/queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "status_filters": STATUS_FILTERS,
            "filter_errors": filters.errors,
        },
        status=http_status,
    )


def _detail(request, application: Application, *, accept=None, decline=None, status=200):
    return render(
        request,
        "applications/detail.html",
        {
            "a": application,
            "dup": selectors.duplicates_for([application])[application.pk],
            "transitions": transitions.describe(application, "status", user=request.user),
            "accept_form": accept or AcceptForm(prefix="accept"),
            "decline_form": decline or DeclineForm(prefix="decline"),
        },
        status=status,
    )


@staff_required
@require_GET
def detail(request, pk: int):
    return _detail(request, get_object_or_404(selectors.application_queue(), pk=pk))


@staff_required
@require_POST
def decide(request, pk: int, name: str):
    application = get_object_or_404(selectors.application_queue(), pk=pk)
    accept = AcceptForm(request.POST, prefix="accept") if name == "accept" else None
    decline = DeclineForm(request.POST, prefix="decline") if name == "decline" else None
    form = accept or decline
    if form is None:
        raise Http404(_("There is no such decision."))
    if not form.is_valid():
        return _detail(request, application, accept=accept, decline=decline, status=400)
    try:
        application = services.application_transition(
            application=application, name=name, actor=request.user, **form.cleaned_data
        )
    except InvalidInput as exc:
        for field, errors in exc.errors.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
        return _detail(request, application, accept=accept, decline=decline, status=400)
    except (DomainError, NotPermitted) as exc:
        messages.error(request, str(getattr(exc, "detail", exc)))
        return _detail(request, application, status=409)
    if name == "accept":
        messages.success(
            request, _("Accepted: the partner is in recruitment, its applicant invited.")
        )
        return redirect("partners:detail", pk=application.partner_id)
    messages.success(request, _("Declined: the applicant was e-mailed the reason."))
    return redirect("applications:queue")


# --- admins: the ideal partner profile ---------------------------------------------------------


def _settings_page(request, template, context, status=200):
    tab = "applications:questions"
    return render(
        request, template, {"tabs": settings_tabs(), "tab": tab, **context}, status=status
    )


@admin_required
@require_GET
def questions(request):
    return _settings_page(
        request, "applications/questions.html", {"questions": selectors.all_questions()}
    )


@admin_required
def question_edit(request, pk: int | None = None):
    question = get_object_or_404(ProfileQuestion, pk=pk) if pk else None
    form = QuestionForm(request.POST or None, instance=question)
    choices = ChoiceFormSet(request.POST or None, instance=question, prefix="choices")
    if request.method == "POST":
        if form.is_valid() and choices.is_valid():
            with transaction.atomic():
                saved = form.save()
                choices.instance = saved
                choices.save()
            messages.success(request, _("Question saved. New applications are asked it."))
            return redirect("applications:questions")
        status = 400
    else:
        status = 200
    return _settings_page(
        request,
        "applications/question_edit.html",
        {"form": form, "choices": choices, "obj": question},
        status,
    )


@admin_required
@require_POST
def question_delete(request, pk: int):
    # Applications keep the questions and answers as they were asked: nothing else changes.
    get_object_or_404(ProfileQuestion, pk=pk).delete()
    messages.success(request, _("Question removed."))
    return redirect("applications:questions")
