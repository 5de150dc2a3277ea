"""The API's single error path, and the core's endpoints (background jobs).

Maps our ``DomainError`` family and Django's ``ValidationError`` to DRF
responses; DRF's own handler covers ``Http404``, ``PermissionDenied`` and its
exceptions.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import NoReverseMatch, reverse
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from rtcm.core.errors import DomainError
from rtcm.core.jobs import jobs_for_user
from rtcm.core.models import Job
from rtcm.core.permissions import IsStaff


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body[exc.field] = [str(exc.message)]
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def country_choices() -> list[tuple[str, str]]:
    """One enum name for every country field in the OpenAPI schema."""
    from django_countries import countries

    return [(country.code, country.name) for country in countries]


# --- background jobs ------------------------------------------------------------------
# Jobs belong to the core (certificates in bulk today, reports tomorrow): one
# endpoint shows every kind.


class JobSerializer(serializers.ModelSerializer):
    # null once the account that started the job is deleted (SET_NULL).
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    percent = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField(
        help_text="The staff page that downloads the result file (once the job succeeded)."
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "params",
            "status",
            "done",
            "total",
            "percent",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "download",
        ]

    def get_download(self, job: Job) -> str | None:
        if job.status != Job.Status.SUCCEEDED or not job.result_file:
            return None
        try:
            path = reverse("jobs:download", args=[job.pk])
        except NoReverseMatch:  # no download page in this installation
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else settings.SITE_URL + path


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """The jobs you started (a superuser sees everyone's), newest first, with their
    progress; someone else's job is a 404. Filters: ``kind``, ``status``."""

    permission_classes = [IsStaff]
    serializer_class = JobSerializer
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema's dry run
            return Job.objects.none()
        return jobs_for_user(user=self.request.user)
