"""Registrations through the API: public submission, staff list and actions."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from courses import selectors as course_selectors
from participants import services
from participants.forms import RegistrationForm
from participants.models import PERSON_FIELDS, Participant, Registration
from rtcm.core.permissions import IsCoordinator


class RegistrationSubmitSerializer(serializers.ModelSerializer):
    consent = serializers.BooleanField()

    class Meta:
        model = Participant
        fields = [*PERSON_FIELDS, "consent"]
        extra_kwargs = {"email": {"validators": []}}  # an existing person registers again

    def validate(self, attrs):
        # The same rules as the public form, field by field.
        form = RegistrationForm(data={**self.initial_data, "consent": attrs.get("consent")})
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        return form.cleaned_data


class RegistrationResultSerializer(serializers.ModelSerializer):
    training = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    manage_url = serializers.CharField(source="get_manage_url", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "training", "status", "submitted_at", "manage_url"]


class RegistrationSubmitView(APIView):
    """Register for a training: 201 with the status and the private manage link."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=RegistrationSubmitSerializer, responses={201: RegistrationResultSerializer}
    )
    def post(self, request, slug):
        training = course_selectors.training_get_public(slug=slug)
        if training is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        serializer = RegistrationSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.registration_submit(
            training=training,
            participant_data=serializer.validated_data,
            source=Registration.Source.API,
        )
        return Response(
            RegistrationResultSerializer(registration).data, status=status.HTTP_201_CREATED
        )


class RegistrationSerializer(serializers.ModelSerializer):
    training = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    participant = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "training",
            "participant",
            "status",
            "source",
            "submitted_at",
            "status_changed_at",
            "waitlisted_at",
            "decision_reason",
        ]

    def get_participant(self, registration) -> dict:
        person = registration.participant
        return {
            "id": person.pk,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "email": person.email,
            "nationality": person.nationality.code,
            "organisation": person.organisation,
            "gender": person.gender,
        }


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RegistrationFilter(filters.FilterSet):
    training = filters.CharFilter(field_name="training__slug")

    class Meta:
        model = Registration
        fields = ["training", "status"]


class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Registrations for coordinators; status changes through the actions only."""

    permission_classes = [IsCoordinator]
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter

    def get_queryset(self):
        return Registration.objects.select_related("participant", "training").order_by(
            "-submitted_at", "-pk"
        )

    def _act(self, service, **kwargs):
        registration = service(registration=self.get_object(), **kwargs)
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(services.registration_approve)

    @extend_schema(request=ReasonSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._act(
            services.registration_reject, reason=reason.validated_data.get("reason", "")
        )

    @extend_schema(request=ReasonSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._act(
            services.registration_cancel, reason=reason.validated_data.get("reason", "")
        )
