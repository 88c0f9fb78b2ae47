"""The sign-in backend: Django's, loading the signed-in user with their partner in the one query
every request makes, instead of one more on the first `request.user.partner` of nearly every
portal page (the header, the access checks)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import User

# Sessions signed in before this backend name Django's; apps.accounts.sessions reads them as
# this one's, so nobody is signed out by the change.
DJANGO_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "apps.accounts.backends.UserBackend"


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("partner").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
