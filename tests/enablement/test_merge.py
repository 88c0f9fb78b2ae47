"""Templates that fill themselves in: every merge field for a real partner; a figure missing is
"—", never a template error; "Use for this partner", the document, its PDF and its sharing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.core.pdf import pdf_text
from apps.deals.models import DealRegistration
from apps.enablement import merge, services
from apps.enablement.models import PartnerDocument
from apps.partners.models import Stage
from apps.program.models import Tier
from apps.qbrs import quarters
from apps.qbrs.models import QBR, ActionItem
from tests.factories import ManagerFactory, PartnerFactory, PartnerUserFactory

from .factories import ResourceFactory

EVERY_FIELD = "\n".join(f"- {name}: {{{{ {name} }}}}" for name in merge.FIELDS)


def _last_quarter_moment(now):
    start, _ = quarters.bounds(quarters.shift(quarters.label_for(now), -1))
    return start + timedelta(days=10)


def test_every_merge_field_is_rendered_for_a_real_partner(bob):
    now = timezone.now()
    partner = PartnerFactory(
        name="Acme Resellers",
        stage=Stage.ONBOARDING,
        tier=Tier.objects.get(rank=2),
        manager=bob,
        onboarding_due_date=date(2027, 3, 31),
    )
    moment = _last_quarter_moment(now)
    for status, value in (("won", "1000"), ("won", "500"), ("lost", "300"), ("approved", "700")):
        DealRegistration.objects.create(
            partner=partner,
            status=status,
            customer_name=f"Customer {status} {value}",
            customer_domain=f"c{value}.example",
            contact_name="Pat",
            contact_email="pat@c.example",
            product="Suite",
            estimated_value=Decimal(value),
            currency="USD",
            expected_close_date=timezone.localdate(),
            submitted_at=moment,
            closed_at=moment if status in ("won", "lost") else None,
        )
    qbr = QBR.objects.create(partner=partner, quarter=quarters.label_for(now), scheduled_for=now)
    ActionItem.objects.create(qbr=qbr, title="Update the plan", due_date=timezone.localdate())
    values = merge.values_for(partner, now)
    text = merge.fill(EVERY_FIELD, values)
    assert "{{" not in text and "—" not in text, text
    assert "partner_name: Acme Resellers" in text
    assert "partner_type: Reseller" in text
    assert "tier: Silver" in text
    assert "stage: Onboarding" in text
    assert "manager: Bob" in text
    assert "2027" in values["onboarding_due_date"]
    assert values["quarter"] == quarters.shift(quarters.label_for(now), -1)
    assert values["registrations"] == "4"
    assert values["pipeline"] == "$700.00"
    assert values["won_value"] == "$1,500.00"
    assert values["win_rate"] == "67%"
    assert values["open_action_items"] == "1"


def test_a_missing_figure_renders_as_a_dash_never_an_error():
    partner = PartnerFactory(partner_type=None, tier=None, manager=None)
    text = merge.fill(EVERY_FIELD + "\n{{ no_such_field }} {{broken", merge.values_for(partner))
    for name in ("partner_type", "tier", "manager", "onboarding_due_date", "win_rate"):
        assert f"{name}: —" in text
    assert "— {{broken" in text  # an unknown name is a dash, an unclosed brace stays text
    assert "registrations: 0" in text


def test_use_for_this_partner_makes_an_editable_document_with_a_pdf(acme, bob, client_for, api_for):
    acme.manager = bob
    acme.save()
    template = ResourceFactory(
        title="Success metrics",
        is_template=True,
        body="# Metrics for {{ partner_name }}\n\nWin rate: {{ win_rate }}. Manager: {{ manager }}.",
    )
    client = client_for(bob)
    response = client.post(f"/library/{template.pk}/use/", {"partner": acme.pk})
    document = PartnerDocument.objects.get(partner=acme)
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    assert document.body.startswith("# Metrics for Acme Resellers")
    assert "Win rate: —. Manager: Bob." in document.body
    assert document.source == template and not document.shared_with_partner
    # on the partner page under Documents
    assert document.title in client.get(f"/partners/{acme.pk}/").content.decode()
    # editable
    client.post(
        f"/documents/{document.pk}/",
        {"title": "Acme metrics", "body": "Edited **text**", "shared_with_partner": "on"},
    )
    document.refresh_from_db()
    assert document.body == "Edited **text**" and document.shared_with_partner
    pdf = client.get(f"/documents/{document.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert "Edited text" in pdf_text(pdf.content)
    # shared: the partner's own users see it in their portal
    charlie = PartnerUserFactory(partner=acme)
    assert "Acme metrics" in client_for(charlie).get("/portal/library/").content.decode()
    assert client_for(charlie).get(f"/documents/{document.pk}/").status_code == 302


def test_only_a_markdown_template_can_be_used_for_a_partner(acme, bob, client_for):
    page = ResourceFactory(is_template=False)
    client_for(bob).post(f"/library/{page.pk}/use/", {"partner": acme.pk})
    assert not PartnerDocument.objects.exists()
    assert services is not None


def test_the_stage_s_templates_and_tasks_are_offered_on_the_partner_page(bob, client_for):
    from apps.enablement.models import PlaybookLink
    from apps.program.models import PlaybookTaskTemplate
    from tests.factories import TaskFactory

    partner = PartnerFactory(stage=Stage.ONBOARDING)
    checklist = ResourceFactory(title="Onboarding checklist", is_template=True)
    kickoff = PlaybookTaskTemplate.objects.get(stage="onboarding", title="Kickoff call")
    PlaybookLink.objects.create(
        stage="onboarding", order=1, resource=checklist, task_template=kickoff
    )
    TaskFactory(partner=partner, title="Kickoff call")
    page = client_for(bob).get(f"/partners/{partner.pk}/").content.decode()
    assert "This stage&#x27;s templates" in page or "This stage's templates" in page
    assert "Open the template “Onboarding checklist” for this partner" in page


def test_a_partner_user_opening_a_template_reads_its_own_company_in_it(acme, client_for, api_for):
    template = ResourceFactory(is_template=True, body="Plan for {{ partner_name }}: {{ tier }}")
    charlie = PartnerUserFactory(partner=acme)
    page = client_for(charlie).get(f"/portal/library/{template.pk}/").content.decode()
    assert "Plan for Acme Resellers: —" in page and "{{" not in page
    opened = api_for(charlie).post(f"/api/v1/resources/{template.pk}/open/").json()
    assert opened["html"] == "<p>Plan for Acme Resellers: —</p>\n"
    # Reading it (the list, the detail) shows the same, never the raw fields; staff see them.
    api = api_for(charlie)
    listed = api.get("/api/v1/resources/").json()["results"]
    assert [r["html"] for r in listed if r["id"] == template.pk] == [opened["html"]]
    assert api.get(f"/api/v1/resources/{template.pk}/").json()["html"] == opened["html"]
    staff = api_for(ManagerFactory()).get(f"/api/v1/resources/{template.pk}/")
    assert "{{ partner_name }}" in staff.json()["html"]


def test_the_library_list_fills_its_templates_with_constant_queries(acme, api_for):
    """The company's figures are read once per answer, however many templates it lists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    charlie = PartnerUserFactory(partner=acme)
    api = api_for(charlie)
    counts = []
    for _ in range(2):
        ResourceFactory(is_template=True, body="Plan for {{ partner_name }}")
        ResourceFactory(is_template=True, body="Tier {{ tier }}")
        with CaptureQueriesContext(connection) as ctx:
            listed = api.get("/api/v1/resources/").json()["results"]
        assert all("{{" not in r["html"] for r in listed)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
