from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language_from_request, gettext

from apps.core.clients import client_address
from apps.core.errors import InvalidInput
from apps.core.throttles import ScopeThrottle, throttle

from .forms import LanguageForm
from .services import user_preferences_set, user_sign_out_everywhere

log = logging.getLogger(__name__)

# Where a partner user may be sent after logging in: the portal and their own notifications.
PARTNER_PATHS = ("/portal/", "/notifications/")


# Sign-in attempts per client, across usernames (the lockout counts per username and client):
# the same "sign_in" counter as the token endpoint's (apps/accounts/api.py).
@method_decorator(throttle("sign_in", methods=("POST",)), name="dispatch")
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


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the e-mail within two rates — per address asked for (nobody floods one inbox) and
    per client (nobody sprays addresses) — and answers the same "sent" page either way, as it
    does for an address with no account: the page tells nobody anything."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        within = ScopeThrottle("password_reset_client").allow(self.request) and ScopeThrottle(
            "password_reset_email", key=email
        ).allow(self.request)
        if within:
            return super().form_valid(form)
        log.warning(
            "Password-reset e-mail withheld: over a rate (client %s).", client_address(self.request)
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed reset link's new-password form: a reset ends every session and token."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user_sign_out_everywhere(form.user)
        return response


@login_required
def language(request):
    """The user's own preferences: the language and the time zone of their pages (staff and
    partner users alike). The URL keeps its first name."""
    user = request.user
    form = LanguageForm(initial={"language": user.language, "time_zone": user.time_zone})
    status = 200
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            chosen = form.cleaned_data["language"]
            try:
                changed = user_preferences_set(
                    user=user, language=chosen, time_zone=form.cleaned_data["time_zone"]
                )
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    form.add_error(field, errors)
            else:
                # Said in the language the next page speaks.
                with translation.override(chosen or get_language_from_request(request)):
                    messages.success(request, _saved_message(changed))
                return redirect("language")
        status = 400
    return render(
        request, "accounts/language.html", {"form": form, "now": timezone.now()}, status=status
    )


def _saved_message(changed: set[str]) -> str:
    if changed == {"language", "time_zone"}:
        return gettext("Your language and time zone are saved.")
    if changed == {"time_zone"}:
        return gettext("Your time zone is saved.")
    if changed == {"language"}:
        return gettext("Your language is saved.")
    return gettext("Your preferences are saved.")
