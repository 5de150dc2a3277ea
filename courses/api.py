"""Public, read-only API of the catalogue."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from courses import selectors
from courses.models import Module, Session, Topic, Training


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description"]


class ModuleSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Module
        fields = ["code", "title", "topic", "hours"]


class SessionSerializer(serializers.ModelSerializer):
    trainers = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "room", "trainers"]

    def get_trainers(self, session) -> list[str]:
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

    class Meta(TrainingSerializer.Meta):
        fields = [*TrainingSerializer.Meta.fields, "sessions"]


class TrainingFilter(filters.FilterSet):
    topic = filters.CharFilter(method="filter_topic")
    region = filters.CharFilter(method="filter_region")
    format = filters.ChoiceFilter(choices=Training.Format.choices)
    starts_after = filters.DateFilter(field_name="start_date", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Training
        fields = ["topic", "region", "format", "status"]

    # Through subqueries, so that rows are not duplicated nor seat counts skewed.
    def filter_topic(self, queryset, name, value):
        return queryset.filter(
            pk__in=Training.objects.filter(modules__topic__slug=value).values("pk")
        )

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            pk__in=Training.objects.filter(target_regions__code=value).values("pk")
        )


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    pagination_class = None


class TrainingViewSet(viewsets.ReadOnlyModelViewSet):
    """Public trainings (every status but draft), newest first."""

    permission_classes = [AllowAny]
    lookup_field = "slug"
    filterset_class = TrainingFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.training_detail_queryset()
        return selectors.training_queryset_public().order_by("-start_date", "title")

    def get_serializer_class(self):
        return TrainingDetailSerializer if self.action == "retrieve" else TrainingSerializer
