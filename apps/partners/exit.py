"""What a partner's exit does to the partner's own people (apps/core/exits.py): its portal users
lose access. Nothing is written for it: every door (pages, API, invitations) reads the partner's
stage (`Partner.has_portal_access`), so the exit itself is what takes the access away."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exits import Effect, perform

ORDER = 90


def exit_effects(partner, *, now: datetime) -> list[Effect]:
    users = User.objects.filter(partner=partner, is_active=True).order_by("username", "id")
    return [
        Effect(
            app="partners",
            action="lose_access",
            object_id=u.pk,
            group=_("Users who lose access to the portal"),
            label=_("%(name)s (%(email)s)")
            % {"name": u.get_full_name() or u.username, "email": u.email or u.username},
        )
        for u in users
    ]


def carry_out(partner, *, now: datetime) -> list[Effect]:
    # The stage change already refuses them at every door: nothing more to write per user.
    return perform(exit_effects, lambda effect: None, partner, now=now)
