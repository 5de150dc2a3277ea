"""Staff pages of the expert network (placeholder: being written)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


expert_list = expert_export = expert_detail = expert_cv = training_matching = _todo
