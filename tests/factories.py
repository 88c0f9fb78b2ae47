from __future__ import annotations

import factory

from apps.accounts.models import Role, User
from apps.partners.models import Partner

PASSWORD = "correct-horse-battery-staple"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n:03d}")
    website = factory.LazyAttribute(lambda p: f"https://{p.name.lower().replace(' ', '-')}.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class PartnerUserFactory(UserFactory):
    role = Role.PARTNER
    partner = factory.SubFactory(PartnerFactory)
