"""The API's single error path.

Maps our ``DomainError`` family and Django's ``ValidationError`` to DRF
responses; DRF's own handler covers ``Http404``, ``PermissionDenied`` and its
exceptions.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from rtcm.core.errors import DomainError


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
