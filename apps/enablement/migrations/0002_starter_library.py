"""The starter library (issue 20): every template of the program's lifecycle phases, published,
and the chains the default playbooks walk through. Admins edit them afterwards; a rerun adds
nothing that is already there (matched by title)."""

from django.db import migrations
from django.utils import timezone

from apps.enablement.starter_library import CHAINS, starter_files


def seed(apps, schema_editor):
    Resource = apps.get_model("enablement", "Resource")
    PlaybookLink = apps.get_model("enablement", "PlaybookLink")
    Tier = apps.get_model("program", "Tier")
    TaskTemplate = apps.get_model("program", "PlaybookTaskTemplate")
    now = timezone.now()
    by_stem = {}
    for stem, data in starter_files().items():
        min_tier = None
        if data["min_tier_rank"] is not None:
            min_tier = Tier.objects.filter(rank=data["min_tier_rank"]).first()
        resource = Resource.objects.filter(title=data["title"]).first()
        if resource is None:
            resource = Resource.objects.create(
                title=data["title"],
                summary=data["summary"],
                kind=data["kind"],
                phase=data["phase"],
                content="markdown",
                body=data["body"],
                is_template=data["is_template"],
                internal=data["internal"],
                partner_types=data["partner_types"],
                stages=data["stages"],
                min_tier=min_tier,
                tags=data["tags"],
                published=True,
                published_at=now,
                created_at=now,
                updated_at=now,
            )
        by_stem[stem] = resource
    for stage, chain in CHAINS.items():
        for order, (stem, task_title) in enumerate(chain, start=1):
            task_template = None
            if task_title:
                task_template = TaskTemplate.objects.filter(stage=stage, title=task_title).first()
            PlaybookLink.objects.get_or_create(
                stage=stage,
                resource=by_stem[stem],
                defaults={"order": order, "task_template": task_template},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("enablement", "0001_resource_library"),
        ("program", "0005_default_completing_events"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
