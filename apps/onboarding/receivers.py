"""Playbook tasks that complete themselves: each completing event of the registry
(apps.program.models.CompletingEvent) is heard here and ticks off the partner's open tasks that
wait for it (apps.partners.services.tasks_complete_on_event). A new completing event is a new
choice there and one more line in COMPLETING_SIGNALS. A certification completes only the task
its course names (complete_on_certification)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal

from apps.agreements.events import agreement_signed
from apps.deals.events import registration_submitted
from apps.enablement.events import certification_earned
from apps.enablement.models import Course
from apps.partners.services import tasks_complete_on_event
from apps.program.models import CompletingEvent

# The domain events whose payload names the partner (partner_id=), and what each completes.
COMPLETING_SIGNALS: dict[CompletingEvent, Signal] = {
    CompletingEvent.REGISTRATION_SUBMITTED: registration_submitted,
    CompletingEvent.AGREEMENT_SIGNED: agreement_signed,
}


def _completer(event: CompletingEvent):
    def complete(sender, partner_id=None, **kwargs):
        if partner_id is not None:
            tasks_complete_on_event(partner_id=partner_id, event=event)

    complete.__name__ = f"complete_on_{event.value}"
    return complete


# Kept referenced: signals hold their receivers weakly.
_RECEIVERS = {event: _completer(event) for event in COMPLETING_SIGNALS}
for _event, _signal in COMPLETING_SIGNALS.items():
    _signal.connect(_RECEIVERS[_event], dispatch_uid=f"onboarding.complete_on.{_event.value}")


def complete_on_portal_sign_in(sender, request=None, user=None, **kwargs):
    """A partner's user signed in to the portal (any of its users, the first time counts)."""
    if user is not None and user.is_partner_user and user.partner_id is not None:
        tasks_complete_on_event(partner_id=user.partner_id, event=CompletingEvent.PORTAL_SIGN_IN)


user_logged_in.connect(complete_on_portal_sign_in, dispatch_uid="onboarding.complete_on_sign_in")


def complete_on_certification(sender, course_id=None, partner_id=None, **kwargs):
    """One of the partner's people earned a certification: the playbook task its course names
    (Course.task_template) is done."""
    if course_id is None or partner_id is None:
        return
    course = Course.objects.filter(pk=course_id).select_related("task_template").first()
    if course is None or course.task_template is None:
        return
    tasks_complete_on_event(
        partner_id=partner_id,
        event=CompletingEvent.CERTIFICATION_EARNED,
        title=course.task_template.title,
    )


certification_earned.connect(
    complete_on_certification, dispatch_uid="onboarding.complete_on_certification"
)
