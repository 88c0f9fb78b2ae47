"""The signed-in user's language and time zone; the users of an exited partner refused at every
door."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from .authentication import PARTNERSHIP_ENDED


class UserLanguageMiddleware:
    """The language the signed-in user chose (User.language) wins over the browser's, which
    LocaleMiddleware has activated before; with none chosen the browser's stays. Their time zone
    (User.time_zone) is activated for the request, so every moment a page, a form or the
    formatting layer writes is in their zone; blank keeps the program's (settings.TIME_ZONE).
    API calls with a token are not signed in here: their browser (Accept-Language) decides the
    language, and their moments are ISO 8601 with the offset, readable in any zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        signed_in = user.is_authenticated
        language = getattr(user, "language", "") if signed_in else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = _zone(getattr(user, "time_zone", "") if signed_in else "")
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the thread serves the next request in the program's zone


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # a zone a tz update retired
        return None


class PartnershipEndedMiddleware:
    """Every signed-in request (pages and the API through the browser session); API tokens are
    refused in authentication.py."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.partnership_ended and request.path != reverse("logout"):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": PARTNERSHIP_ENDED}, status=403)
            return render(
                request,
                "registration/partnership_ended.html",
                {"message": PARTNERSHIP_ENDED},
                status=403,
            )
        return self.get_response(request)
