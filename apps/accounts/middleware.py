"""The users of an exited partner are refused at every door: here every signed-in request
(pages and the API through the browser session); API tokens in authentication.py."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from .authentication import PARTNERSHIP_ENDED


class PartnershipEndedMiddleware:
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
