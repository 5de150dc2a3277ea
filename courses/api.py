"""Public, read-only API of the catalogue."""

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import filters as drf_filters
from rest_framework import serializers, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from courses import selectors
from courses.filters import TrainingFilter
from courses.models import Curriculum, Module, Question, Session, Topic, Training
from rtcm.core import filters as core_filters
from rtcm.core.content import localized_fields


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description"]


class ModuleSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Module
        fields = ["code", "title", "topic", "hours"]


class ModuleDetailSerializer(ModuleSerializer):
    class Meta(ModuleSerializer.Meta):
        fields = [
            *ModuleSerializer.Meta.fields,
            "summary",
            "learning_outcomes",
            "delivery_methods",
            "audience",
        ]


class CurriculumSerializer(serializers.ModelSerializer):
    modules = ModuleDetailSerializer(many=True, read_only=True)

    class Meta:
        model = Curriculum
        fields = ["id", "title", "version", "description", "approved_on", "modules"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(source="choice_list", child=serializers.CharField())

    class Meta:
        model = Question
        fields = ["id", "label", "help_text", "kind", "required", "choices"]


class SessionSerializer(serializers.ModelSerializer):
    trainers = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["id", "title", "starts_at", "ends_at", "room", "trainers"]

    def get_trainers(self, session) -> list[str]:
        """Names of the trainers with a public profile (prefetched by the view)."""
        return [expert.full_name for expert in session.trainers.all()]


class TrainingSerializer(serializers.ModelSerializer):
    modules = ModuleSerializer(many=True, read_only=True)
    target_regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    venue_country = serializers.CharField(source="venue_country.code", read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    waitlist_length = serializers.IntegerField(read_only=True)
    registration_open = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "slug",
            "title",
            "description",
            "start_date",
            "end_date",
            "format",
            "venue_city",
            "venue_country",
            "languages",
            "capacity",
            "seats_left",
            "waitlist_length",
            "requires_approval",
            "registration_open",
            "registration_closes_at",
            "status",
            "target_regions",
            "modules",
        ]

    def get_registration_open(self, training) -> bool:
        return training.registration_is_open()


class TrainingDetailSerializer(TrainingSerializer):
    sessions = SessionSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "sessions", "questions"]


class SessionListSerializer(SessionSerializer):
    training = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "training"]


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    pagination_class = None


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class CatalogueContentNegotiation(DefaultContentNegotiation):
    """``?format=online`` filters by the training's format, as on the catalogue page:
    here it does not pick a renderer (DRF's ``URL_FORMAT_OVERRIDE``), which answered 404."""

    settings = _NoFormatOverride()


class TrainingViewSet(viewsets.ReadOnlyModelViewSet):
    """Public trainings (every status but draft), newest first. ``?search=`` in title
    and description; the catalogue page's filters too (``courses.filters``)."""

    permission_classes = [AllowAny]
    lookup_field = "slug"
    filterset_class = TrainingFilter
    content_negotiation_class = CatalogueContentNegotiation
    filter_backends = [filters.DjangoFilterBackend, drf_filters.SearchFilter]
    # The title or description in any language (title_en, title_ru …).
    search_fields = [*localized_fields("title"), *localized_fields("description")]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.training_detail_queryset().prefetch_related("questions")
        return selectors.training_queryset_public().order_by("-start_date", "title")

    def get_serializer_class(self):
        return TrainingDetailSerializer if self.action == "retrieve" else TrainingSerializer


class SessionFilter(filters.FilterSet):
    training = filters.CharFilter(field_name="training__slug")
    starts_after = core_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = core_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lte")

    class Meta:
        model = Session
        fields = ["training"]


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions of public trainings, in time order."""

    permission_classes = [AllowAny]
    serializer_class = SessionListSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return (
            Session.objects.filter(training__status__in=Training.PUBLIC_STATUSES)
            .select_related("training")
            .prefetch_related(selectors.public_trainers())
            .order_by("starts_at", "pk")
        )


class CurriculumViewSet(viewsets.ReadOnlyModelViewSet):
    """The approved curriculum (and archived ones, for history) with its modules."""

    permission_classes = [AllowAny]
    serializer_class = CurriculumSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            Curriculum.objects.filter(
                status__in=[Curriculum.Status.APPROVED, Curriculum.Status.ARCHIVED]
            )
            .prefetch_related(Prefetch("modules", queryset=Module.objects.select_related("topic")))
            .order_by("-approved_on", "-pk")
        )
