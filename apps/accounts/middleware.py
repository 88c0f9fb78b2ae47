"""The signed-in user's language; the users of an exited partner refused at every door."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from .authentication import PARTNERSHIP_ENDED


class UserLanguageMiddleware:
    """The language the signed-in user chose (User.language) wins over the browser's, which
    LocaleMiddleware has activated before; with none chosen the browser's stays. API calls
    with a token are not signed in here: their browser (Accept-Language) decides."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        language = getattr(user, "language", "") if user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


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
