"""The library's API (DESIGN.md section 15): /api/v1/resources/ with `open` and `adoption`."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.access import StaffActionsOnVisibleObjects
from apps.core.markdown import render_markdown
from apps.core.serializers import LinkField, OneLineCharField, RoleFieldsModelSerializer
from apps.program.models import Tier
from apps.program.stages import Stage

from . import selectors, services
from .filters import ResourceFilter
from .models import Content, Kind, Phase, Resource

WRITABLE = (*services.RESOURCE_FIELDS, "published")


def file_link(resource: Resource, user) -> str | None:
    """The download's address for the caller's door (the portal's counts an open)."""
    if resource.content != Content.FILE or not resource.file:
        return None
    if user.is_partner_user:
        return reverse("portal:library_file", args=[resource.pk])
    return reverse("enablement:resource_file", args=[resource.pk])


class ResourceSerializer(RoleFieldsModelSerializer):
    # The vendor's own targeting and drafts: staff only (a partner sees what it may see, not
    # the rule that decided it).
    staff_only_fields = (
        "body",
        "internal",
        "partner_types",
        "min_tier",
        "stages",
        "published",
    )

    title = OneLineCharField(max_length=200)
    summary = OneLineCharField(max_length=500, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    phase = serializers.ChoiceField(choices=Phase.choices)
    content = serializers.ChoiceField(
        choices=Content.choices,
        required=False,
        help_text="`markdown` (the default) or `link`; a `file` is uploaded on the library page.",
    )
    body = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    url = LinkField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="A link's http(s) address (ASCII; an international name in its `xn--` form).",
    )
    partner_types = serializers.ListField(
        child=serializers.SlugField(max_length=40, trim_whitespace=False),
        required=False,
        max_length=50,
    )
    min_tier = serializers.PrimaryKeyRelatedField(
        queryset=Tier.objects.all(), required=False, allow_null=True
    )
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices), required=False, max_length=10
    )
    tags = serializers.ListField(
        child=OneLineCharField(max_length=40), required=False, max_length=20
    )
    html = serializers.SerializerMethodField(help_text="The body rendered as sanitised HTML.")
    file = serializers.SerializerMethodField(help_text="The file's download link, if any.")

    class Meta:
        model = Resource
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "phase",
            "content",
            "body",
            "html",
            "url",
            "file",
            "is_template",
            "internal",
            "partner_types",
            "min_tier",
            "stages",
            "tags",
            "published",
            "published_at",
            "version",
        ]
        read_only_fields = ["published_at", "version"]

    def get_html(self, resource) -> str:
        return render_markdown(resource.body) if resource.content == Content.MARKDOWN else ""

    def get_file(self, resource) -> str | None:
        return file_link(resource, self.context["request"].user)

    def validate(self, attrs):
        if attrs.get("content") == Content.FILE:
            raise serializers.ValidationError({"content": ["Upload files on the library page."]})
        return attrs

    def create(self, validated_data):
        fields = {k: v for k, v in validated_data.items() if k in WRITABLE}
        return services.resource_create(actor=self.context["request"].user, **fields)

    def update(self, instance, validated_data):
        fields = {k: v for k, v in validated_data.items() if k in WRITABLE}
        return services.resource_update(
            resource=instance, actor=self.context["request"].user, **fields
        )


OpenAnswer = inline_serializer(
    "ResourceOpened",
    {
        "id": serializers.IntegerField(),
        "content": serializers.ChoiceField(choices=Content.choices),
        "html": serializers.CharField(),
        "url": serializers.CharField(allow_blank=True),
        "file": serializers.CharField(allow_null=True),
    },
)
AdoptionAnswer = inline_serializer(
    "ResourceAdoption",
    {
        "opens": serializers.IntegerField(),
        "people": serializers.IntegerField(),
        "partners": serializers.IntegerField(),
        "last_opened": serializers.DateTimeField(allow_null=True),
    },
)


@extend_schema_view(
    list=extend_schema(
        summary="List the library",
        description=(
            "The resources the caller may see: staff the whole library (drafts too), a partner "
            "user what its partner's audience allows. `?q=` searches title, summary and text, "
            "best match first; `?phase=`, `?kind=`, `?tag=` narrow the list."
        ),
    ),
    retrieve=extend_schema(
        summary="Read a resource",
        description="One resource the caller may see; outside a partner's audience, 404. "
        "Reading is not an open: `POST …/open/` records one.",
    ),
    create=extend_schema(
        summary="Add a resource",
        description="Staff add a Markdown page or a link; files are uploaded on the library page.",
    ),
    update=extend_schema(
        summary="Replace a resource",
        description="Staff replace its fields; a change of content raises `version`.",
    ),
    partial_update=extend_schema(
        summary="Change a resource",
        description="Staff change the fields they send; a change of content raises `version`.",
    ),
)
class ResourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Resource.objects.none()  # for the schema; get_queryset decides visibility
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    permission_classes = [StaffActionsOnVisibleObjects]
    staff_actions = {"create", "update", "partial_update", "adoption"}

    def get_queryset(self):
        return selectors.visible_resources(self.request.user).order_by("phase", "title", "id")

    @extend_schema(
        summary="Open a resource",
        description=(
            "Records that the caller opened it (a partner user's open counts once per person "
            "and day, whether by the portal or the API) and answers its content: the sanitised "
            "`html` (a template's merge fields filled with the partner user's own company's "
            "facts and figures), the `url` of a link, or the `file`'s download link."
        ),
        request=None,
        responses=OpenAnswer,
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        resource = self.get_object()
        services.resource_open(resource=resource, user=request.user)
        return Response(
            {
                "id": resource.pk,
                "content": resource.content,
                "html": services.resource_html(resource, request.user),
                "url": resource.url,
                "file": file_link(resource, request.user),
            }
        )

    @extend_schema(
        summary="A resource's adoption",
        description="Staff: its opens (one per person per day), the people and partners who "
        "opened it, and the last open.",
        responses=AdoptionAnswer,
    )
    @action(detail=True, methods=["get"])
    def adoption(self, request, pk=None):
        return Response(selectors.adoption(self.get_object()))


routes = [("resources", ResourceViewSet, "resource")]
