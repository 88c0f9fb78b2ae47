"""The default program a fresh installation starts with; admins edit it afterwards."""

from django.db import migrations

PARTNER_TYPES = [
    ("reseller", "Reseller", 90),
    ("referral", "Referral partner", 60),
    ("technology", "Technology / ISV partner", 90),
    ("integrator", "System integrator", 90),
    ("oem", "OEM", 120),
]
TIERS = [
    ("Bronze", 1, "0", 0, 90, "0", 3, "Entry tier: deal protection and the partner portal."),
    ("Silver", 2, "250000", 5, 120, "10", 3, "Longer deal protection and a 10% discount."),
    ("Gold", 3, "1000000", 15, 180, "20", 3, "Longest deal protection, 20% discount, joint plans."),
]
STAGES = [
    ("recruitment", "Recruitment", 60),
    ("onboarding", "Onboarding", 90),
    ("growth", "Growth", 180),
    ("evaluation", "Evaluation", 30),
    ("expansion", "Expansion", 120),
    ("exited", "Exited", None),
]
# stage, title, description, owner side, due offset days, required
PLAYBOOKS = [
    ("onboarding", "Kickoff call", "Meet the partner team, agree goals and the onboarding plan.", "vendor", 7, True),
    ("onboarding", "Product training", "The partner's sales and technical staff complete product training.", "partner", 30, True),
    ("onboarding", "Sales certification", "At least one seller passes the sales certification.", "partner", 45, True),
    ("onboarding", "Technical integration", "Set up demo environments and any integration the partnership needs.", "partner", 60, True),
    ("onboarding", "Portal access", "Give the partner's people their portal logins.", "vendor", 7, True),
    ("onboarding", "First deal registration", "The partner registers its first customer opportunity.", "partner", 75, True),
    ("onboarding", "Onboarding milestone celebration", "Celebrate the partner going live.", "vendor", 90, False),
    ("expansion", "Expansion plan", "Agree the new markets, products or integration depth and their goals.", "vendor", 14, True),
    ("expansion", "Joint business plan update", "Update the joint business plan with targets for the expansion.", "partner", 30, True),
    ("expansion", "Enablement for the new scope", "Train the partner on what the expansion adds.", "vendor", 45, True),
    ("expansion", "Launch announcement", "Announce the expanded partnership.", "partner", 60, False),
    ("exited", "Review the agreement's exit clauses", "Check notice periods and obligations in the agreement.", "vendor", 7, True),
    ("exited", "Customer transition plan", "Plan how the partner's customers are served from now on.", "vendor", 30, True),
    ("exited", "Knowledge transfer", "Collect what the partner knows about shared customers and deals.", "partner", 30, True),
    ("exited", "Lessons-learned review", "Record what worked and what did not.", "vendor", 45, False),
]


def seed(apps, schema_editor):
    PartnerType = apps.get_model("program", "PartnerType")
    Tier = apps.get_model("program", "Tier")
    ProgramSettings = apps.get_model("program", "ProgramSettings")
    StageConfig = apps.get_model("program", "StageConfig")
    Template = apps.get_model("program", "PlaybookTaskTemplate")
    for key, name, days in PARTNER_TYPES:
        PartnerType.objects.get_or_create(key=key, defaults={"name": name, "onboarding_days": days})
    for name, rank, value, deals, protection, discount, cadence, description in TIERS:
        Tier.objects.get_or_create(
            rank=rank,
            defaults=dict(
                name=name,
                min_won_value=value,
                min_won_deals=deals,
                protection_days=protection,
                discount_percent=discount,
                qbr_cadence_months=cadence,
                description=description,
            ),
        )
    ProgramSettings.objects.get_or_create(pk=1)
    for stage, name, target in STAGES:
        StageConfig.objects.get_or_create(
            stage=stage, defaults={"display_name": name, "target_days": target}
        )
    if not Template.objects.exists():
        position: dict[str, int] = {}
        rows = []
        for stage, title, description, side, offset, required in PLAYBOOKS:
            position[stage] = position.get(stage, 0) + 1
            rows.append(
                Template(
                    stage=stage,
                    title=title,
                    description=description,
                    owner_side=side,
                    due_offset_days=offset,
                    required=required,
                    order=position[stage],
                )
            )
        Template.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("program", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
