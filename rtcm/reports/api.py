"""``POST /api/v1/reports/``: start a report job, follow it at ``/api/v1/jobs/<id>/``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Training
from rtcm.core.permissions import IsStaff
from rtcm.core.reauth import api_recent_authentication_check
from rtcm.reports.render import FORMATS
from rtcm.reports.services import (
    KINDS,
    PERSONAL_DATA_KINDS,
    report_access,
    report_kinds_for,
    report_request_validate,
    report_start,
)


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    format = serializers.ChoiceField(choices=FORMATS, default="pdf")
    training = serializers.CharField(
        required=False, allow_blank=True, help_text="Slug of the training (training report)."
    )
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)
    region = serializers.CharField(required=False, allow_blank=True, help_text="Region code.")
    topic = serializers.CharField(required=False, allow_blank=True, help_text="Topic slug.")
    training_format = serializers.ChoiceField(
        choices=Training.Format.choices, required=False, allow_blank=True
    )
    programme = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Slug of the programme (programme report; a filter of the activity report).",
    )
    donor = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Slug of a donor organisation (a filter of the activity report).",
    )


class ReportCreateView(APIView):
    """Start a report as a background job (202). Managers run every report (the programme
    report too); a training's coordinators run its training report. Bad input is a 400
    naming the field."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=ReportRequestSerializer,
        responses={
            202: inline_serializer(
                "ReportJobStarted",
                {"job": serializers.IntegerField(), "url": serializers.CharField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        if not report_kinds_for(request.user):
            raise PermissionDenied
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report_request = report_request_validate(serializer.validated_data)
        if not report_access(request.user, report_request):
            raise PermissionDenied
        if report_request.kind in PERSONAL_DATA_KINDS:
            api_recent_authentication_check(request)  # 403 naming re-authentication
        job = report_start(request=report_request, user=request.user)
        return Response(
            {"job": job.pk, "url": reverse("job-detail", args=[job.pk])},
            status=status.HTTP_202_ACCEPTED,
        )
