"""The locator's API (DESIGN.md section 17), both anonymous:
`GET /api/v1/locator/partners/` — the directory, public fields only, paginated and searchable
like the page — and `POST /api/v1/locator/contact/` — a buyer asks to be put in touch: 202
{"status": "received"} whatever happens (a partner not listed, the rate passed)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.core.ids import MAX_ID
from apps.core.serializers import CountryCodeField, OneLineCharField, RoleFieldsModelSerializer
from apps.core.throttles import ScopeThrottle

from . import selectors, services
from .filters import DirectoryFilter
from .forms import MAX_NEED
from .models import Listing
from .views import DIRECTORY_MAX_AGE, THROTTLE_SCOPE

TAGS = ["locator"]


class LocatorPartnerSerializer(RoleFieldsModelSerializer):
    # Public: the same fields for anyone, and only those (tests/security/test_partner_fields).
    name = serializers.CharField(source="display_name", read_only=True)
    logo = serializers.SerializerMethodField(help_text=_("The logo's address, or null"))
    countries = serializers.ListField(
        source="partner.countries",
        child=CountryCodeField(),
        read_only=True,
        help_text=_("ISO 3166-1 codes of the countries served"),
    )
    specializations = serializers.ListField(
        source="partner.specializations", child=serializers.CharField(), read_only=True
    )
    tier = serializers.SerializerMethodField(help_text=_("The partner's tier, or null"))

    class Meta:
        model = Listing
        fields = ["id", "name", "description", "logo", "countries", "specializations", "tier"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_logo(self, listing: Listing) -> str | None:
        return reverse("find:logo", args=[listing.pk]) if listing.logo else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_tier(self, listing: Listing) -> str | None:
        tier = listing.partner.tier
        return tier.name if tier is not None else None


class ContactInput(serializers.Serializer):
    contact_name = OneLineCharField(max_length=200)
    company = OneLineCharField(max_length=200)
    contact_email = serializers.EmailField(max_length=254)
    country = CountryCodeField()
    need = OneLineCharField(max_length=MAX_NEED)
    partner = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,  # listings are numbered at random below 2**53 (apps.core.ids)
        help_text=_(
            "A listed partner's `id` from the directory: the request goes to that partner. "
            "Left out: a partner is chosen by the program's routing rules."
        ),
    )


Received = inline_serializer("LocatorContactReceived", {"status": serializers.CharField()})
CONTACT_EXAMPLE = {
    "contact_name": "Jana Weber",
    "company": "Acme Logistics GmbH",
    "contact_email": "jana.weber@acme-logistics.de",
    "country": "DE",
    "need": "Fleet Analytics for 12 depots, live by March.",
    "partner": 4815162342,
}


@extend_schema_view(
    list=extend_schema(
        summary=_("List the partner directory"),
        description=_(
            "Anyone, no sign-in: the partners listed in the public partner locator, highest "
            "tiers first, with their public fields only. `?q=` searches names, descriptions "
            "and specializations; `?country=` and `?specialization=` narrow the list."
        ),
        tags=TAGS,
        auth=[],
    ),
)
class LocatorPartnerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = LocatorPartnerSerializer
    filterset_class = DirectoryFilter
    permission_classes = [AllowAny]
    authentication_classes: list = []
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.directory()

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=DIRECTORY_MAX_AGE)
        return response


class LocatorContactViewSet(viewsets.GenericViewSet):
    serializer_class = ContactInput
    permission_classes = [AllowAny]
    authentication_classes: list = []
    # The API's anonymous rate still holds a flood back (429, like every anonymous call); the
    # contact forms' own rate (public_form) is passed silently below, answered alike.
    http_method_names = ["post", "options"]

    @extend_schema(
        summary=_("Ask to be put in touch with a partner"),
        description=_(
            'Anyone, no sign-in. Always 202 {"status": "received"} for valid input — whether '
            "or not the partner named is listed, and past the contact forms' rate too (then "
            "nothing is kept). The request becomes a lead for that partner, or for one the "
            "routing rules choose. 429 only past the API's rate for anonymous calls."
        ),
        tags=TAGS,
        request=ContactInput,
        responses={202: Received},
        examples=[OpenApiExample("A buyer asks a listed partner", value=CONTACT_EXAMPLE)],
        auth=[],
    )
    def create(self, request, *args, **kwargs):
        data = ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        listing_id = values.pop("partner", None)
        if ScopeThrottle(THROTTLE_SCOPE).allow(request):
            services.contact_request(fields=values, listing_id=listing_id)
        return Response({"status": "received"}, status=status.HTTP_202_ACCEPTED)


routes = [
    ("locator/partners", LocatorPartnerViewSet, "locator-partner"),
    ("locator/contact", LocatorContactViewSet, "locator-contact"),
]
