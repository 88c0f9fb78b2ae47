"""Partner roles (DESIGN.md section 13): the partner users that exist become their company's
admins (they could do everything before), staff keep a blank role."""

from django.db import migrations, models


def existing_partner_users_are_admins(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="partner").update(partner_role="admin")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_program_admins_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("partners", "0003_random_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="partner_role",
            field=models.CharField(
                blank=True,
                choices=[("admin", "Partner admin"), ("member", "Member"), ("finance", "Finance")],
                default="",
                max_length=16,
            ),
        ),
        migrations.RunPython(existing_partner_users_are_admins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("partner_role__in", ["admin", "member", "finance"]), ("role", "partner")
                    ),
                    models.Q(models.Q(("role", "partner"), _negated=True), ("partner_role", "")),
                    _connector="OR",
                ),
                name="partner_role_of_partner_users",
            ),
        ),
    ]
