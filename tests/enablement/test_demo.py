from __future__ import annotations

from importlib import import_module

from django.apps import apps

from apps.enablement import selectors
from apps.enablement.models import PartnerDocument, Resource, ResourceOpen


def test_the_demo_has_the_starter_library_some_opens_and_a_shared_document(db):
    from apps.demo import accounts, library, partners, people

    import_module("apps.enablement.migrations.0002_starter_library").seed(apps, None)
    ctx: dict = {}
    accounts.seed(ctx)
    partners.seed(ctx)
    people.seed(ctx)
    library.seed(ctx)
    assert Resource.objects.count() >= 27
    assert ResourceOpen.objects.filter(partner=ctx["northwind"]).count() >= 5
    assert ResourceOpen.objects.filter(partner=ctx["contoso"]).exists()
    nora = ctx["nora"]
    since = selectors.last_library_visit(nora)
    assert selectors.new_since(selectors.visible_resources(nora), since).exists()
    document = PartnerDocument.objects.get(partner=ctx["northwind"])
    assert document.shared_with_partner and "{{" not in document.body


def test_the_demo_has_two_courses_and_a_certification_expiring_soon(db):
    from datetime import timedelta

    from django.utils import timezone

    from apps.demo import accounts, library, partners, people
    from apps.enablement.models import Certification, Course

    import_module("apps.enablement.migrations.0002_starter_library").seed(apps, None)
    ctx: dict = {}
    accounts.seed(ctx)
    partners.seed(ctx)
    people.seed(ctx)
    library.seed(ctx)
    courses = list(Course.objects.filter(published=True).order_by("title"))
    assert [c.title for c in courses] == [
        "Selling the platform 101",
        "Technical integration basics",
    ]
    assert all(c.lessons.exists() and c.questions.count() >= 2 for c in courses)
    active = Certification.objects.filter(status="active")
    assert active.count() == 3
    soon = timezone.now() + timedelta(days=30)
    assert active.filter(user=ctx["nora"], expires_at__lte=soon).exists()
    assert selectors.certified_people_by_partner() == {
        ctx["northwind"].pk: 2,
        ctx["contoso"].pk: 1,
    }
