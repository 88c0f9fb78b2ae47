"""The default onboarding playbook's steps that complete themselves (issue 18): portal access by
the first sign-in of any of the partner's users, the first deal registration by its submission.
Only templates an admin left as the default created them (same stage and title, still by hand)."""

from django.db import migrations

DEFAULTS = [
    ("onboarding", "Portal access", "portal_sign_in"),
    ("onboarding", "First deal registration", "registration_submitted"),
]


def forwards(apps, schema_editor):
    Template = apps.get_model("program", "PlaybookTaskTemplate")
    for stage, title, event in DEFAULTS:
        Template.objects.filter(stage=stage, title=title, completed_by="").update(completed_by=event)


def backwards(apps, schema_editor):
    Template = apps.get_model("program", "PlaybookTaskTemplate")
    for stage, title, event in DEFAULTS:
        Template.objects.filter(stage=stage, title=title, completed_by=event).update(completed_by="")


class Migration(migrations.Migration):
    dependencies = [("program", "0004_completing_events")]
    operations = [migrations.RunPython(forwards, backwards)]
