from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url

# Where a partner user may be sent after logging in: the portal and their own notifications.
PARTNER_PATHS = ("/portal/", "/notifications/")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_authenticated and user.is_partner_user:
            return resolve_url("portal:home")
        return resolve_url("home")

    def get_success_url(self):
        # A partner user is never sent into the main app by a ?next= left over from before.
        url = super().get_success_url()
        user = self.request.user
        if user.is_authenticated and user.is_partner_user and not url.startswith(PARTNER_PATHS):
            return resolve_url("portal:home")
        return url
