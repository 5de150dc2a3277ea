"""A ModelViewSet whose writes go through services (library documents, the network's experts).

DRF's own hooks: a subclass writes ``perform_create(serializer)`` and
``perform_update(serializer)``, which call its services with the validated data
and return the saved row (``serializer.save()`` is never called: the write
serializers are plain ones), and ``perform_destroy(instance)``. Every write is
answered with ``response_serializer_class``, the row read again through
``get_queryset()`` so that it is shaped as reads are.
"""

from __future__ import annotations

from django.db import models
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response


class ServiceModelViewSet(viewsets.ModelViewSet):
    response_serializer_class: type[serializers.BaseSerializer]

    def perform_create(self, serializer) -> models.Model:
        raise NotImplementedError

    def perform_update(self, serializer) -> models.Model:
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.saved_response(self.perform_create(serializer), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self.saved_response(self.perform_update(serializer))

    def saved_response(self, instance: models.Model, status_code: int = status.HTTP_200_OK):
        instance = self.get_queryset().get(pk=instance.pk)
        serializer = self.response_serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)
