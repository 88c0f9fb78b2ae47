"""The Program admins group: view permission on the audit trail's models, so users with the admin
role read the audit trail in the Django admin without being superusers; every such user joins it.

And the API tokens of rest_framework.authtoken go: they were stored as their keys, and knox keeps
only a digest of a key it made itself, so they cannot be carried over (their holders ask for a
new token at /api/v1/auth/token/)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Program admins"  # apps.accounts.models.PROGRAM_ADMINS_GROUP
APPS = ("audit",)  # apps.accounts.models.PROGRAM_ADMINS_APPS


def forward(apps, schema_editor):
    for label in APPS:
        config = apps.get_app_config(label)
        config.models_module = True  # the permissions of a fresh database do not exist yet
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("accounts", "User")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_")
    )
    admins = User.objects.filter(role="admin", is_superuser=False)
    admins.update(is_staff=True)
    group.user_set.add(*admins)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_sessions"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
