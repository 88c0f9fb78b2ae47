"""API token authentication: django-rest-knox's tokens (only a digest is stored; each expires),
read with the user's company in one joined query, and refused to the users of an exited partner.

`Authorization: Token <key>`, as before knox (its AUTH_HEADER_PREFIX is set to "Token")."""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

PARTNERSHIP_ENDED = _(
    "Your company's partnership has ended: PartnerOS is closed to its users. "
    "Ask your partner manager if you think this is a mistake."
)


class PartnershipEnded(exceptions.PermissionDenied):
    default_detail = PARTNERSHIP_ENDED
    default_code = "partnership_ended"


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # knox looks the other tokens of the user up on every request to delete expired ones;
        # here an expired token is refused (and deleted) alone, and a new token's issue clears
        # the user's expired ones (services.token_create).
        try:
            key = token.decode()
            if "\x00" in key:  # PostgreSQL refuses NUL in text; no token holds one
                raise ValueError(key)
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        candidates = AuthToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user__partner")
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                auth_token.delete()
                break
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if user.partnership_ended:
            raise PartnershipEnded()
        return user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's description of the header: `Authorization: Token <key>`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
