"""Registrations through the API: public submission, staff list and actions;
certificates: issuing jobs for coordinators, public verification."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import selectors as course_selectors
from courses.access import session_for_user_or_404, training_for_user_or_404
from courses.models import Training
from participants import selectors, services
from participants.certificates import (
    certificate_statement_text,
    training_facts,
    training_hours,
)
from participants.forms import OPTIONAL_CONSENT_FIELDS, RegistrationForm
from participants.models import PERSON_FIELDS, Certificate, Participant, Registration
from participants.names import CERTIFICATE_NAME_FIELDS, certificate_name_lines
from rtcm.core import filters as core_filters
from rtcm.core.access import CHANGE, VIEW, object_for_user_or_404, scope_to_trainings
from rtcm.core.models import Job
from rtcm.core.permissions import IsTrainingStaff
from rtcm.core.ratelimit import AnonRateThrottle, ScopedRateThrottle


class RegistrationSubmitSerializer(serializers.ModelSerializer):
    consent = serializers.BooleanField(
        help_text="Required, true: the person agrees to the registration consent text "
        "(its current version and words: the privacy notice, /privacy/). Recorded with "
        "the version and the text in the request's language."
    )
    photo_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Optional: the person agrees to be photographed and filmed at trainings "
        "(recorded for a new person; an address already known changes its choices from "
        "its manage page).",
    )
    newsletter_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Optional: the person wants the center's newsletter by e-mail (recorded "
        "like photo_consent).",
    )
    answers = serializers.DictField(
        required=False,
        help_text="Answers to the training's questions, by question id: text, a choice, "
        "a list of choices, or true/false.",
    )

    class Meta:
        model = Participant
        fields = [
            *PERSON_FIELDS,
            *CERTIFICATE_NAME_FIELDS,
            "consent",
            *OPTIONAL_CONSENT_FIELDS,
            "answers",
        ]
        extra_kwargs = {"email": {"validators": []}}  # an existing person registers again

    def validate(self, attrs):
        """The same rules as the public form, field by field, questions included.

        Errors name the field; an answer's error is under ``answers.<question id>``.
        """
        training = self.context["training"]
        data = {**self.initial_data}
        for name in ("consent", *OPTIONAL_CONSENT_FIELDS):
            data[name] = "on" if attrs.get(name) else ""
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
        return {
            "person": form.person_data(),
            "answers": form.answers(),
            "consents": form.consents(),
        }


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


class RegistrationReceivedSerializer(serializers.Serializer):
    """The answer for an address already known: nothing of the person, no link."""

    training = serializers.CharField()
    detail = serializers.CharField()


class RegistrationSubmitView(APIView):
    """Register for a training: 201 with the status and the private manage link for a
    new person; 202 with no link and nothing of the person for an address already
    known, whose manage link goes to that inbox only."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "register"  # the public form's limit, RTCM_REGISTER_RATE_PER_HOUR

    @extend_schema(
        request=RegistrationSubmitSerializer,
        responses={201: RegistrationResultSerializer, 202: RegistrationReceivedSerializer},
    )
    def post(self, request, slug):
        training = course_selectors.training_get_public(slug=slug)
        if training is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        serializer = RegistrationSubmitSerializer(data=request.data, context={"training": training})
        serializer.is_valid(raise_exception=True)
        registration = services.registration_submit_public(
            training=training,
            participant_data=serializer.validated_data["person"],
            answers=serializer.validated_data["answers"],
            source=Registration.Source.API,
            consents=serializer.validated_data["consents"],
        )
        if registration is None or registration.manage_token is None:
            detail = _("This e-mail address is already known: the link goes to it only.")
            body = {"training": training.slug, "detail": detail}
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(
            RegistrationResultSerializer(registration).data, status=status.HTTP_201_CREATED
        )


def certificate_status(certificate: Certificate) -> str:
    return "revoked" if certificate.is_revoked else "valid"


class RegistrationCertificateSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    rendered = serializers.SerializerMethodField(help_text="Whether its PDF is stored yet.")

    class Meta:
        model = Certificate
        fields = ["serial", "status", "issued_at", "rendered"]

    def get_status(self, certificate) -> str:
        return certificate_status(certificate)

    def get_rendered(self, certificate) -> bool:
        return bool(certificate.pdf)


class RegistrationSerializer(serializers.ModelSerializer):
    training = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    participant = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()

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
            "certificate",
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

    @extend_schema_field(RegistrationCertificateSerializer(allow_null=True))
    def get_certificate(self, registration) -> dict | None:
        # A reverse one-to-one: loaded by the list's select_related, None when absent.
        certificate = getattr(registration, "certificate", None)
        return RegistrationCertificateSerializer(certificate).data if certificate else None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RegistrationFilter(filters.FilterSet):
    training = filters.CharFilter(field_name="training__slug")
    region = filters.CharFilter(field_name="region_id")
    submitted_after = core_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")

    class Meta:
        model = Registration
        fields = ["training", "status", "region", "source"]


class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Registrations of the trainings the caller may see (``rtcm.core.access``: a
    coordinator's own, every one for managers); status changes through the actions
    only, by the training's coordinators."""

    permission_classes = [IsTrainingStaff]
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    training_path = "training__coordinators"

    def _all(self):
        return Registration.objects.select_related(
            "participant", "training", "certificate"
        ).order_by("-submitted_at", "-pk")

    def get_queryset(self):
        return scope_to_trainings(
            self.request.user, self._all(), action=VIEW, path=self.training_path
        )

    def _act(self, service, **kwargs):
        registration = object_for_user_or_404(
            self.request.user,
            self._all(),
            action=CHANGE,
            path=self.training_path,
            pk=self.kwargs["pk"],
        )
        registration = service(registration=registration, actor=self.request.user, **kwargs)
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
    """One mark, or every confirmed person present at once."""

    registration = serializers.IntegerField(required=False)
    present = serializers.BooleanField(required=False)
    all_present = serializers.BooleanField(
        required=False, help_text="Mark every confirmed person present (no other field needed)."
    )

    def validate(self, data):
        if data.get("all_present"):
            return data
        missing = {
            name: self.fields[name].error_messages["required"]
            for name in ("registration", "present")
            if name not in data
        }
        if missing:
            raise serializers.ValidationError(missing)
        return data


class AttendanceRowSerializer(serializers.ModelSerializer):
    participant = serializers.CharField(source="participant.full_name")
    present = serializers.BooleanField(allow_null=True)

    class Meta:
        model = Registration
        fields = ["id", "participant", "present"]


class SessionAttendanceView(APIView):
    """A session's attendance sheet: GET the confirmed people with their mark, POST one
    mark (``{"registration": id, "present": true}``) or ``{"all_present": true}``."""

    permission_classes = [IsTrainingStaff]

    @extend_schema(responses=AttendanceRowSerializer(many=True))
    def get(self, request, pk):
        session = session_for_user_or_404(request.user, pk, action=VIEW)
        sheet = selectors.session_attendance_sheet(session=session)
        return Response(AttendanceRowSerializer(sheet, many=True).data)

    @extend_schema(request=AttendanceSerializer, responses=AttendanceRowSerializer(many=True))
    def post(self, request, pk):
        session = session_for_user_or_404(request.user, pk, action=CHANGE)
        # Validated first, whatever the body: a list or a bare value is a 400, not a 500.
        mark = AttendanceSerializer(data=request.data)
        mark.is_valid(raise_exception=True)
        if mark.validated_data.get("all_present"):
            services.attendance_mark_all_present(session=session, actor=request.user)
        else:
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


# --- certificates ---------------------------------------------------------------------


class JobStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="The job's id.")
    url = serializers.CharField(help_text="Where to follow its progress.")


class EarlyReasonSerializer(serializers.Serializer):
    early_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Before the training's end: why issue now (kept on each certificate).",
    )


class TrainingCertificatesView(APIView):
    """Issue every eligible certificate of a training: starts a job, answers 202 with
    the job and the URL to follow it (``GET /api/v1/jobs/<id>/``). Safe to repeat:
    nobody gets a second certificate. The training's coordinators only. Before the
    training's end only with ``early_reason`` (else 409 naming it)."""

    permission_classes = [IsTrainingStaff]

    def start_job(self, *, training: Training, actor, early_reason: str = "") -> Job:
        return services.certificates_issue_for_training(
            training=training, actor=actor, early_reason=early_reason
        )

    @extend_schema(request=EarlyReasonSerializer, responses={202: JobStartedSerializer})
    def post(self, request, slug):
        training = training_for_user_or_404(request.user, slug, action=CHANGE)
        body = EarlyReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = self.start_job(
            training=training,
            actor=request.user,
            early_reason=body.validated_data.get("early_reason", ""),
        )
        url = reverse("job-detail", args=[job.pk])
        return Response(
            {"job": job.pk, "url": url}, status=status.HTTP_202_ACCEPTED, headers={"Location": url}
        )


class TrainingCertificatesZipView(TrainingCertificatesView):
    """All the training's certificate PDFs in one ZIP: starts a job, answers 202; the
    finished job carries the download link."""

    @extend_schema(request=None, responses={202: JobStartedSerializer})
    def post(self, request, slug):
        return super().post(request, slug)

    def start_job(self, *, training: Training, actor, early_reason: str = "") -> Job:
        return services.certificates_zip_for_training(training=training, actor=actor)


class CertificateVerificationSerializer(serializers.Serializer):
    """What the certificate itself says, and whether it still holds; nothing else
    about the person (no e-mail, no organisation)."""

    serial = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["valid", "revoked", "withdrawn"],
        help_text="withdrawn: the holder had their data erased; the name is then empty.",
    )
    name = serializers.CharField(
        allow_blank=True,
        help_text="The name as printed (as written, in Latin letters, or both: joined by ' / ').",
    )
    language = serializers.CharField(help_text="The language of training and statement.")
    training = serializers.CharField(help_text="The training's title, in that language.")
    statement = serializers.CharField(
        allow_blank=True,
        help_text="What the certificate says, in that language (empty when withdrawn).",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=8, decimal_places=1, coerce_to_string=False)
    issued_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)


class CertificateVerifyView(APIView):
    """Verify a certificate by its code (public, rate-limited per client): 404 when no
    certificate has it."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "verify"

    @extend_schema(responses={200: CertificateVerificationSerializer})
    def get(self, request, code):
        certificate = selectors.certificate_get_by_code(code=code)
        if certificate is None:
            raise NotFound("Unknown code: no certificate of ours has it.")
        training = certificate.registration.training
        participant = certificate.registration.participant
        withdrawn = participant.erased_at is not None
        data = {
            "serial": certificate.serial,
            "status": "withdrawn" if withdrawn else certificate_status(certificate),
            "name": "" if withdrawn else " / ".join(certificate_name_lines(participant)),
            "language": translation.get_language() or "en",
            "training": training.title,
            "statement": ""
            if withdrawn
            else certificate_statement_text(certificate, training_facts(training)),
            "start_date": training.start_date,
            "end_date": training.end_date,
            "hours": training_hours(training),
            "issued_at": certificate.issued_at,
            "revoked_at": certificate.revoked_at,
        }
        response = Response(CertificateVerificationSerializer(data).data)
        response["X-Robots-Tag"] = "noindex"
        return response
