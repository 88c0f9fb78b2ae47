"""Tasks made before steps completed themselves (issue 18): the open "Portal access" and "First
deal registration" of each partner's present onboarding wait for their events from now on, and
are ticked off at once where the event already happened — a partner whose user has signed in,
or which has submitted a registration, since that onboarding began."""

from django.db import migrations
from django.db.models import F

TITLES = {"Portal access": "portal_sign_in", "First deal registration": "registration_submitted"}


def forwards(apps, schema_editor):
    Task = apps.get_model("partners", "Task")
    User = apps.get_model("accounts", "User")
    Registration = apps.get_model("deals", "DealRegistration")
    current = Task.objects.filter(
        stage="onboarding",
        partner__stage="onboarding",
        stage_visit=F("partner__stage_entered_at"),
        done=False,
        completes_on="",
    )
    for task in current.filter(title__in=TITLES).select_related("partner"):
        event = TITLES[task.title]
        since = task.stage_visit
        if event == "portal_sign_in":
            happened = (
                User.objects.filter(partner_id=task.partner_id, last_login__gte=since)
                .order_by("last_login")
                .values_list("last_login", flat=True)
                .first()
            )
        else:
            happened = (
                Registration.objects.filter(partner_id=task.partner_id, submitted_at__gte=since)
                .order_by("submitted_at")
                .values_list("submitted_at", flat=True)
                .first()
            )
        task.completes_on = event
        if happened is not None:
            task.done, task.done_at, task.completed_by_event = True, happened, event
        task.save(update_fields=["completes_on", "done", "done_at", "completed_by_event"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_completing_events"),
        ("accounts", "0004_partner_role"),
        ("deals", "0009_random_ids"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
