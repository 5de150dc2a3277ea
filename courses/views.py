"""Public catalogue and training pages."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from courses import selectors
from courses.forms import CatalogueFilterForm


def training_list(request):
    form = CatalogueFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else selectors.CatalogueFilters()
    page = Paginator(selectors.training_list_public(filters=filters), 20).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "filters": filters, "query": query.urlencode()}
    return render(request, "courses/training_list.html", context)


def training_detail(request, slug):
    training = selectors.training_get_public(slug=slug, include_unpublished=request.user.is_staff)
    if training is None:
        raise Http404
    context = {
        "training": training,
        "registration_open": training.registration_is_open(),
    }
    return render(request, "courses/training_detail.html", context)
