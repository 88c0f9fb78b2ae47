"""The library's API (DESIGN.md section 15): /api/v1/resources/ with `open` and `adoption`;
/api/v1/courses/ with their quiz attempts; /api/v1/certifications/."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.access import StaffActionsOnVisibleObjects
from apps.core.markdown import render_markdown
from apps.core.serializers import LinkField, OneLineCharField, RoleFieldsModelSerializer
from apps.program.models import Tier
from apps.program.stages import Stage

from . import selectors, services
from .filters import CertificationFilter, CourseFilter, ResourceFilter
from .models import (
    Certification,
    CertificationStatus,
    Choice,
    Content,
    Course,
    Kind,
    Lesson,
    Phase,
    Question,
    Resource,
)
from .services import courses

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
    html = serializers.SerializerMethodField(
        help_text="The body rendered as sanitised HTML; a template's merge fields filled with a "
        "partner user's own company's facts and figures (staff see the fields)."
    )
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
        user = self.context["request"].user
        if resource.content != Content.MARKDOWN:
            return ""
        if not resource.is_template:
            return render_markdown(resource.body)
        # A partner user's templates filled with their company's figures, read once per answer
        # (the list's items share this serializer).
        if not hasattr(self, "_merge_values"):
            self._merge_values = services.merge_values_for(user)
        return services.resource_html(resource, user, values=self._merge_values)

    def get_file(self, resource) -> str | None:
        return file_link(resource, self.context["request"].user)

    def validate(self, attrs):
        if attrs.get("content") == Content.FILE:
            raise serializers.ValidationError({"content": [_("Upload files on the library page.")]})
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


# --- courses and certifications ----------------------------------------------------------------


class ChoiceSerializer(RoleFieldsModelSerializer):
    # Which answer is right: staff only, so a partner user never receives it (before or after
    # submitting: the attempt's answer says the score, not the key).
    staff_only_fields = ("correct",)

    class Meta:
        model = Choice
        fields = ["id", "text", "correct"]


class QuestionSerializer(RoleFieldsModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "text", "order", "choices"]


class LessonSerializer(RoleFieldsModelSerializer):
    title = serializers.CharField(source="resource.title", read_only=True)

    class Meta:
        model = Lesson
        fields = ["order", "resource", "title"]


class CourseSerializer(RoleFieldsModelSerializer):
    staff_only_fields = ("partner_types", "min_tier", "stages", "published")
    lessons = LessonSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "summary",
            "phase",
            "validity_months",
            "pass_mark",
            "attempts_allowed",
            "partner_types",
            "min_tier",
            "stages",
            "published",
            "lessons",
            "questions",
        ]
        read_only_fields = fields


class CertificationSerializer(RoleFieldsModelSerializer):
    person = serializers.SerializerMethodField(help_text="The certified person's name.")
    course_title = serializers.CharField(source="course.title", read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "user",
            "person",
            "partner",
            "course",
            "course_title",
            "earned_at",
            "expires_at",
            "status",
        ]
        read_only_fields = fields

    def get_person(self, certification) -> str:
        return certification.user.get_full_name() or certification.user.username


class AttemptInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), max_length=20),
        help_text="Question id → the ids of the choices picked (all correct ones for a pass).",
    )


class AttemptAnswer(serializers.Serializer):
    score = serializers.IntegerField(help_text="Percent of questions answered exactly.")
    passed = serializers.BooleanField()
    certification = serializers.SerializerMethodField(
        help_text="The certification the pass granted (or renewed); null when not passed."
    )

    # A nullable reference must say its type beside `nullable` (OpenAPI 3.0; Redocly's
    # nullable-type-sibling), which drf-spectacular's allow_null on a nested serializer omits.
    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "allOf": [{"$ref": "#/components/schemas/Certification"}],
        }
    )
    def get_certification(self, answer):
        return answer.get("certification")


@extend_schema_view(
    list=extend_schema(
        summary="List courses",
        description=(
            "Staff: every course, drafts too; a partner user: the published courses its "
            "partner's audience allows. Each with its lessons and quiz questions; each choice's "
            "`correct` is for staff only. `?phase=` narrows the list."
        ),
    ),
    retrieve=extend_schema(
        summary="Read a course",
        description="One course the caller may see; outside a partner's audience, 404.",
    ),
)
class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Course.objects.none()  # for the schema; get_queryset decides visibility
    serializer_class = CourseSerializer
    filterset_class = CourseFilter
    permission_classes = [StaffActionsOnVisibleObjects]
    staff_actions: set[str] = set()

    def get_queryset(self):
        return selectors.with_contents(selectors.visible_courses(self.request.user)).order_by(
            "title", "id"
        )

    @extend_schema(
        summary="Submit a quiz attempt",
        description=(
            'A partner user answers the course\'s quiz: `{"answers": {question_id: [choice_id, '
            "…]}}`. A question counts when exactly its correct choices are picked. Answers "
            "`score` (percent), `passed` (score ≥ the pass mark) and the `certification` a "
            "pass granted (null otherwise). 409 `conditions_unmet` when lessons are not all "
            "opened, the attempts are used up or the caller is certified already; 403 for staff."
        ),
        request=AttemptInput,
        responses={200: AttemptAnswer},
    )
    @action(detail=True, methods=["post"])
    def attempts(self, request, pk=None):
        course = self.get_object()
        data = AttemptInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = courses.attempt_submit(
            course=course, user=request.user, answers=data.validated_data["answers"]
        )
        certification = (
            selectors.visible_certifications(request.user)
            .filter(attempt=attempt, status=CertificationStatus.ACTIVE)
            .first()
            if attempt.passed
            else None
        )
        return Response(
            {
                "score": attempt.score,
                "passed": attempt.passed,
                "certification": CertificationSerializer(certification).data
                if certification
                else None,
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="List certifications",
        description=(
            "Staff: every partner's; a partner user: its own partner's people's only. "
            "`?status=`, `?course=`, `?partner=` (staff) narrow the list; `?expiring_before=` "
            "(a date) lists active ones ending by then."
        ),
    ),
    retrieve=extend_schema(
        summary="Read a certification",
        description="One certification the caller may see; another partner's answers 404.",
    ),
)
class CertificationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Certification.objects.none()  # for the schema; get_queryset decides visibility
    serializer_class = CertificationSerializer
    filterset_class = CertificationFilter
    permission_classes = [StaffActionsOnVisibleObjects]
    staff_actions: set[str] = set()

    def get_queryset(self):
        return selectors.visible_certifications(self.request.user).order_by("-earned_at", "id")


routes: list[tuple[str, type[viewsets.GenericViewSet], str]] = [
    ("resources", ResourceViewSet, "resource"),
    ("courses", CourseViewSet, "course"),
    ("certifications", CertificationViewSet, "certification"),
]
