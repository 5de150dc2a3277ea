"""Public pages of the expert network (placeholder: being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


directory = apply = applied = directory_export = consent = profile = photo = _todo
