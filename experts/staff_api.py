"""The Regional Expert Network's staff endpoints.

Network officers keep the network under ``/staff/experts/`` (coordinators may
read it): profiles with the CV (multipart), vetting, consent. Coordinators book
trainers for the sessions of the trainings they coordinate and ask for
suggestions for them (network officers may read the suggestions of any
training); the scope is ``rtcm.core.access``'s. Every change goes through
``experts.services``; their errors reach the client through the one exception
handler (``rtcm.core.api``).
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.access import session_for_user_or_404, training_for_user_or_404
from courses.models import Session
from experts import selectors, services
from experts.api import (
    LANGUAGE_HELP,
    WORKING_LANGUAGE_HELP,
    CorrespondenceLanguageField,
    CountryChoiceField,
    ExpertPagination,
    ExpertSerializer,
    absolute_url,
)
from experts.filters import StaffExpertFilter
from experts.models import Expert
from rtcm.core.access import CHANGE, READ_EVERY_TRAINING_MATCHING, VIEW
from rtcm.core.permissions import IsCoordinator, IsCoordinatorOrNetworkOfficer, IsNetworkOfficer
from rtcm.core.viewsets import ServiceModelViewSet

# --- staff: the network's records ----------------------------------------------------


class StaffExpertSerializer(ExpertSerializer):
    """Everything the network office keeps about an expert (never the CV's storage path)."""

    consents = serializers.BooleanField(
        read_only=True, help_text="Whether the expert consents to a public profile now."
    )
    is_public = serializers.BooleanField(
        read_only=True, help_text="Active and consenting: shown in the public directory."
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text="The status changes open now (approve, decline, deactivate, reactivate)."
    )
    correspondence_language = serializers.CharField(read_only=True, help_text=LANGUAGE_HELP)
    cv = serializers.SerializerMethodField(help_text="The staff download of the CV, or null.")

    class Meta(ExpertSerializer.Meta):
        fields = [
            "id",
            *ExpertSerializer.Meta.fields,
            "email",
            "phone",
            "correspondence_language",
            "status",
            "status_changed_at",
            "allowed_actions",
            "consents",
            "is_public",
            "public_profile_consent_at",
            "public_profile_consent_withdrawn_at",
            "staff_notes",
            "cv",
            "cv_original_name",
            "cv_size",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, expert: Expert) -> str | None:
        # Staff see the public page's address only while there is one.
        return super().get_url(expert) if expert.is_public else None

    def get_allowed_actions(self, expert: Expert) -> list[str]:
        return services.allowed_actions(expert)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_cv(self, expert: Expert) -> str | None:
        if not expert.cv:
            return None
        path = reverse("experts_staff:cv", kwargs={"pk": expert.pk})
        return absolute_url(self.context.get("request"), path)


class StaffExpertWriteSerializer(serializers.Serializer):
    """What a network officer sends: multipart with ``cv``/``photo``, or JSON."""

    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    country = CountryChoiceField()
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bio = serializers.CharField(required=False, allow_blank=True)
    correspondence_language = CorrespondenceLanguageField(required=False)
    staff_notes = serializers.CharField(required=False, allow_blank=True)
    # Topics and language codes are checked by the service (one rule, one message).
    expertise = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        help_text="Topic slugs. Left out: unchanged on update.",
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        help_text=WORKING_LANGUAGE_HELP + " Left out: unchanged on update.",
    )
    # The upload's own checks (type, bytes, size) are the service's: even an empty
    # file reaches them.
    cv = serializers.FileField(
        required=False, allow_empty_file=True, use_url=False, help_text="PDF, DOCX or ODT."
    )
    photo = serializers.FileField(
        required=False, allow_empty_file=True, use_url=False, help_text="JPEG, PNG or WebP."
    )
    public_profile_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="On create: the expert consents to a public profile. Later changes: "
        "the consent action.",
    )
    clear_cv = serializers.BooleanField(
        required=False, default=False, help_text="On update: remove the CV."
    )
    clear_photo = serializers.BooleanField(
        required=False, default=False, help_text="On update: remove the photo."
    )

    def service_arguments(self) -> dict:
        values = dict(self.validated_data)
        return {
            "expertise": values.pop("expertise", None),
            "languages": values.pop("languages", None),
            "cv": values.pop("cv", None),
            "photo": values.pop("photo", None),
            "public_profile_consent": values.pop("public_profile_consent", False),
            "clear_cv": values.pop("clear_cv", False),
            "clear_photo": values.pop("clear_photo", False),
            "data": {name: values[name] for name in services.EDITABLE_FIELDS if name in values},
        }


class ExpertStatusNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="The message mailed to the expert (required to decline).",
    )


class ExpertConsentSerializer(serializers.Serializer):
    consent = serializers.BooleanField(
        help_text="The expert's own request: true gives consent to a public profile, "
        "false withdraws it (the profile leaves the directory at once)."
    )


@extend_schema_view(
    create=extend_schema(responses={201: StaffExpertSerializer}),
    update=extend_schema(responses=StaffExpertSerializer),
    partial_update=extend_schema(responses=StaffExpertSerializer),
)
class StaffExpertViewSet(ServiceModelViewSet):
    """The network's records: coordinators and network officers read, network officers write."""

    pagination_class = ExpertPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = StaffExpertFilter
    response_serializer_class = StaffExpertSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsCoordinatorOrNetworkOfficer()]
        return [IsNetworkOfficer()]

    def get_queryset(self):
        return selectors.expert_directory(staff=True)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return StaffExpertWriteSerializer
        return StaffExpertSerializer

    def perform_create(self, serializer) -> Expert:
        arguments = serializer.service_arguments()
        return services.expert_create(
            data=arguments["data"],
            expertise=arguments["expertise"] or (),
            languages=arguments["languages"] or (),
            cv=arguments["cv"],
            photo=arguments["photo"],
            public_profile_consent=arguments["public_profile_consent"],
            actor=self.request.user,
        )

    def perform_update(self, serializer) -> Expert:
        arguments = serializer.service_arguments()
        arguments.pop("public_profile_consent")  # consent changes through its own action
        return services.expert_update(expert=serializer.instance, **arguments)

    def perform_destroy(self, instance: Expert) -> None:
        services.expert_delete(expert=instance)

    def _change_status(self, request, change: str) -> Response:
        note = ExpertStatusNoteSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        expert = services.expert_change_status(
            expert=self.get_object(),
            action=change,
            actor=request.user,
            note=note.validated_data.get("note", ""),
        )
        return self.saved_response(expert)

    @extend_schema(request=ExpertStatusNoteSerializer, responses=StaffExpertSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Applicant → active; the expert is mailed a welcome with the note."""
        return self._change_status(request, "approve")

    @extend_schema(request=ExpertStatusNoteSerializer, responses=StaffExpertSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Applicant → declined; the note (required) is mailed to the applicant."""
        return self._change_status(request, "decline")

    @extend_schema(request=ExpertStatusNoteSerializer, responses=StaffExpertSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Active → inactive; refused (409) while booked for sessions still to come."""
        return self._change_status(request, "deactivate")

    @extend_schema(request=ExpertStatusNoteSerializer, responses=StaffExpertSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Inactive → active again."""
        return self._change_status(request, "reactivate")

    @extend_schema(request=ExpertConsentSerializer, responses=StaffExpertSerializer)
    @action(detail=True, methods=["post"])
    def consent(self, request, pk=None):
        """Record the expert's own request to give or withdraw consent to a public profile."""
        body = ExpertConsentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expert = services.expert_set_consent(
            expert=self.get_object(), consent=body.validated_data["consent"]
        )
        return self.saved_response(expert)


# --- coordinators: trainers of sessions ----------------------------------------------


class SessionTrainerSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    # A plain string: the expert status enum is the staff record's (one name in the schema).
    status = serializers.CharField(
        read_only=True, help_text="applicant, active, inactive or declined."
    )

    class Meta:
        model = Expert
        fields = ["id", "slug", "full_name", "status"]


class SessionTrainerAssignSerializer(serializers.Serializer):
    expert = serializers.CharField(max_length=200, help_text="The expert's id or slug.")

    def validate_expert(self, value: str) -> Expert:
        value = value.strip()
        lookup = Q(slug=value)
        if value.isdigit():
            lookup |= Q(pk=int(value))
        expert = Expert.objects.filter(lookup).order_by("pk").first()
        if expert is None:
            raise serializers.ValidationError(_("No expert has this id or slug."))
        return expert


class SessionTrainersView(APIView):
    """A session's trainers: GET the list, POST ``{"expert": id or slug}`` to book one.

    A booking the expert cannot take (inactive, or teaching elsewhere at that
    time) is a 409 that names the clash.
    """

    permission_classes = [IsCoordinator]

    def _trainers(self, session: Session, status_code: int = status.HTTP_200_OK) -> Response:
        trainers = session.trainers.order_by("family_name", "given_name", "pk")
        return Response(SessionTrainerSerializer(trainers, many=True).data, status=status_code)

    @extend_schema(responses=SessionTrainerSerializer(many=True))
    def get(self, request, pk):
        return self._trainers(session_for_user_or_404(request.user, pk, action=VIEW))

    @extend_schema(
        request=SessionTrainerAssignSerializer, responses={201: SessionTrainerSerializer(many=True)}
    )
    def post(self, request, pk):
        session = session_for_user_or_404(request.user, pk, action=CHANGE)
        body = SessionTrainerAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.session_assign_trainer(session=session, expert=body.validated_data["expert"])
        return self._trainers(session, status.HTTP_201_CREATED)


class SessionTrainerView(APIView):
    """DELETE: the expert no longer teaches the session."""

    permission_classes = [IsCoordinator]

    @extend_schema(responses={204: None})
    def delete(self, request, pk, expert_id):
        session = session_for_user_or_404(request.user, pk, action=CHANGE)
        expert = get_object_or_404(Expert, pk=expert_id)
        services.session_remove_trainer(session=session, expert=expert)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- matching -------------------------------------------------------------------------


class SuggestedExpertSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    # A plain code: the schema keeps the instance given to ``extend_schema`` below, so a
    # choice field here would keep the country names of the first schema's language
    # and show up as a second country enum in a schema asked for in another.
    country = serializers.CharField(
        source="country.code", read_only=True, help_text="A country code."
    )
    region = serializers.CharField(source="region_code", read_only=True)

    class Meta:
        model = Expert
        fields = ["id", "slug", "full_name", "country", "region"]
        read_only_fields = fields


class SuggestionClashSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "title", "starts_at"]


class ExpertSuggestionSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=1)
    expert = SuggestedExpertSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    topics_covered = serializers.ListField(child=serializers.SlugField(), help_text="Topic slugs.")
    topics_missing = serializers.ListField(child=serializers.SlugField(), help_text="Topic slugs.")
    languages_matched = serializers.ListField(child=serializers.CharField())
    region_matched = serializers.BooleanField()
    free = serializers.BooleanField(help_text="Free at every session of the training.")
    clashes = SuggestionClashSerializer(
        many=True, help_text="The training's sessions the expert teaches elsewhere during."
    )
    trainings_taught = serializers.IntegerField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    rating_count = serializers.IntegerField()


class ExpertSuggestionParamsSerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)


class TrainingExpertSuggestionsView(APIView):
    """Active experts ranked for a training, best first, each with the reasons
    (``experts.selectors.training_suggestions``)."""

    permission_classes = [IsCoordinatorOrNetworkOfficer]

    @extend_schema(
        parameters=[ExpertSuggestionParamsSerializer],
        responses=ExpertSuggestionSerializer(many=True),
    )
    def get(self, request, slug):
        params = ExpertSuggestionParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        training = training_for_user_or_404(
            request.user, slug, action=VIEW, readers=READ_EVERY_TRAINING_MATCHING
        )
        suggestions = selectors.training_suggestions(training, limit=params.validated_data["limit"])
        rows = [
            {
                **suggestion.__dict__,
                "rank": rank,
                "topics_covered": [topic.slug for topic in suggestion.topics_covered],
                "topics_missing": [topic.slug for topic in suggestion.topics_missing],
                "free": not suggestion.clashes,
            }
            for rank, suggestion in enumerate(suggestions, start=1)
        ]
        return Response(ExpertSuggestionSerializer(rows, many=True).data)
