"""The session engine (SESSION_ENGINE): Django's database sessions, each row carrying the user it
signs in, so `services.user_sign_out_everywhere` deletes a user's sessions with one statement."""

from __future__ import annotations

from typing import cast

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

from .backends import BACKEND, DJANGO_BACKEND
from .models import UserSession


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        return UserSession

    def load(self):
        data = super().load()
        if data.get(BACKEND_SESSION_KEY) == DJANGO_BACKEND:  # signed in before the change
            data[BACKEND_SESSION_KEY] = BACKEND
        return data

    def create_model_instance(self, data):
        instance = cast(UserSession, super().create_model_instance(data))
        instance.user_id = data.get(SESSION_KEY)  # the signed-in user's pk, or None
        return instance
