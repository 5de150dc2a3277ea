"""Registrations through the API: public submission, staff list and actions."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from courses import selectors as course_selectors
from courses.models import Session
from participants import selectors, services
from participants.forms import RegistrationForm
from participants.models import PERSON_FIELDS, Participant, Registration
from rtcm.core.permissions import IsCoordinator


class RegistrationSubmitSerializer(serializers.ModelSerializer):
    consent = serializers.BooleanField()
    answers = serializers.DictField(
        required=False,
        help_text="Answers to the training's questions, by question id: text, a choice, "
        "a list of choices, or true/false.",
    )

    class Meta:
        model = Participant
        fields = [*PERSON_FIELDS, "consent", "answers"]
        extra_kwargs = {"email": {"validators": []}}  # an existing person registers again

    def validate(self, attrs):
        """The same rules as the public form, field by field, questions included.

        Errors name the field; an answer's error is under ``answers.<question id>``.
        """
        training = self.context["training"]
        data = {**self.initial_data, "consent": "on" if attrs.get("consent") else ""}
        data.pop("answers", None)
        for question_id, value in (attrs.get("answers") or {}).items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            data[f"question_{question_id}"] = value
        form = RegistrationForm(data=_as_querydict(data), training=training)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    _api_field_name(field): [str(e) for e in errors]
                    for field, errors in form.errors.items()
                }
            )
        return {"person": form.person_data(), "answers": form.answers()}


def _as_querydict(data: dict) -> QueryDict:
    """Form data as a browser would send it: lists become repeated keys."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list | tuple):
            query.setlist(key, [str(v) for v in value])
        elif value is not None:
            query[key] = str(value)
    return query


def _api_field_name(form_field: str) -> str:
    if form_field.startswith("question_"):
        return "answers." + form_field.removeprefix("question_")
    return form_field


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
        serializer = RegistrationSubmitSerializer(data=request.data, context={"training": training})
        serializer.is_valid(raise_exception=True)
        registration = services.registration_submit(
            training=training,
            participant_data=serializer.validated_data["person"],
            answers=serializer.validated_data["answers"],
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
            "region",
            "seat_region",
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
    region = filters.CharFilter(field_name="region_id")
    submitted_after = filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")

    class Meta:
        model = Registration
        fields = ["training", "status", "region", "source"]


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
        registration = service(registration=self.get_object(), actor=self.request.user, **kwargs)
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


class AttendanceSerializer(serializers.Serializer):
    registration = serializers.IntegerField()
    present = serializers.BooleanField()


class AttendanceRowSerializer(serializers.ModelSerializer):
    participant = serializers.CharField(source="participant.full_name")
    present = serializers.BooleanField(allow_null=True)

    class Meta:
        model = Registration
        fields = ["id", "participant", "present"]


class SessionAttendanceView(APIView):
    """A session's attendance sheet: GET the confirmed people with their mark, POST one
    mark (``{"registration": id, "present": true}``) or ``{"all_present": true}``."""

    permission_classes = [IsCoordinator]

    def _session(self, pk):
        return get_object_or_404(Session.objects.select_related("training"), pk=pk)

    @extend_schema(responses=AttendanceRowSerializer(many=True))
    def get(self, request, pk):
        sheet = selectors.session_attendance_sheet(session=self._session(pk))
        return Response(AttendanceRowSerializer(sheet, many=True).data)

    @extend_schema(request=AttendanceSerializer, responses=AttendanceRowSerializer(many=True))
    def post(self, request, pk):
        session = self._session(pk)
        if request.data.get("all_present") is True:
            services.attendance_mark_all_present(session=session, actor=request.user)
        else:
            mark = AttendanceSerializer(data=request.data)
            mark.is_valid(raise_exception=True)
            registration = get_object_or_404(
                Registration, pk=mark.validated_data["registration"], training=session.training
            )
            services.attendance_mark(
                session=session,
                registration=registration,
                present=mark.validated_data["present"],
                actor=request.user,
            )
        sheet = selectors.session_attendance_sheet(session=session)
        return Response(AttendanceRowSerializer(sheet, many=True).data)
