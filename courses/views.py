"""Public catalogue and training pages."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from courses import selectors
from courses.calendar import calendar_bytes, catalogue_calendar, training_calendar
from courses.forms import CatalogueFilterForm
from courses.models import Training


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


def _ics_response(calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar_bytes(calendar), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def training_calendar_ics(request, slug):
    training = selectors.training_get_public(slug=slug)
    if training is None:
        raise Http404
    return _ics_response(training_calendar(training), f"{training.slug}.ics")


def catalogue_calendar_ics(request):
    trainings = (
        selectors.training_list_public()
        .exclude(status=Training.Status.CANCELLED)
        # The feed shows neither regions nor modules: drop the catalogue's prefetches.
        .prefetch_related(None)
        .prefetch_related("sessions", selectors.public_trainers("sessions__trainers"))
    )
    return _ics_response(catalogue_calendar(trainings), "rtcm-trainings.ics")
