"""The seeded admin reads the audit trail in the Django admin through the Program admins group,
not as a superuser; nothing else there is theirs (no users, no passwords, no other models)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.models import PROGRAM_ADMINS_GROUP, User
from apps.audit.models import AuditEvent
from tests.factories import AdminFactory

from .admin_site import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_admin():
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(username="admin")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_group_may_only_view_the_audit_trail():
    group = Group.objects.get(name=PROGRAM_ADMINS_GROUP)
    perms = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    assert perms == {("audit", "view_auditevent")}


def test_the_demo_admin_is_staff_in_the_group_and_no_superuser(demo_admin):
    assert demo_admin.is_staff and not demo_admin.is_superuser
    assert demo_admin.groups.filter(name=PROGRAM_ADMINS_GROUP).exists()


def test_the_demo_admin_reads_the_audit_trail(demo_admin, acme):
    AuditEvent.objects.create(
        actor=demo_admin, action="zqx-audited", object_type="partners.partner", object_id="1"
    )
    client = _client(demo_admin)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/audit/auditevent/" in index.content
    assert b"/admin/accounts/user/" not in index.content
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert b"zqx-audited" in listing.content
    event = AuditEvent.objects.get(action="zqx-audited")
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_demo_admin_cannot_touch_users_or_other_models(demo_admin, charlie):
    client = _client(demo_admin)
    for url in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{charlie.pk}/change/",
        "/admin/partners/partner/",
        "/admin/auth/group/",
        "/admin/deals/dealregistration/",
    ):
        assert client.get(url).status_code == 403, url
    password = f"/admin/accounts/user/{charlie.pk}/password/"
    response = client.post(password, {"password1": "Zx9-taken-over", "password2": "Zx9-taken-over"})
    assert response.status_code == 403
    charlie.refresh_from_db()
    assert not charlie.check_password("Zx9-taken-over")


def test_an_admin_created_through_the_api_joins_the_group(alice):
    api = APIClient()
    api.force_authenticate(alice)
    response = api.post(
        "/api/v1/users/",
        {"username": "ada2", "password": "a-long-enough-pass", "role": "admin"},
        format="json",
    )
    assert response.status_code == 201, response.content
    ada = User.objects.get(username="ada2")
    assert ada.is_staff and not ada.is_superuser
    assert ada.groups.filter(name=PROGRAM_ADMINS_GROUP).exists()
    assert _client(ada).get("/admin/audit/auditevent/").status_code == 200
    manager = api.post(
        "/api/v1/users/",
        {"username": "mo", "password": "a-long-enough-pass", "role": "manager"},
        format="json",
    )
    assert manager.status_code == 201
    mo = User.objects.get(username="mo")
    assert not mo.is_staff and not mo.groups.exists()


def test_a_role_set_to_admin_in_the_django_admin_joins_the_group(bob):
    root = _client(AdminFactory(username="root", is_superuser=True))
    data = {**change_form_data(root, bob), "role": "admin"}
    response = root.post(f"/admin/accounts/user/{bob.pk}/change/", data)
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.is_staff and bob.groups.filter(name=PROGRAM_ADMINS_GROUP).exists()
    data = {**change_form_data(root, bob), "role": "manager"}
    assert root.post(f"/admin/accounts/user/{bob.pk}/change/", data).status_code == 302
    bob.refresh_from_db()
    assert not bob.is_staff and not bob.groups.exists()
