"""Public catalogue and training pages."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from courses import selectors
from courses.calendar import calendar_bytes, catalogue_calendar, training_calendar
from courses.filters import PAGE_FIELDS, TrainingFilter
from courses.models import Training
from rtcm.core.access import user_is_staff
from rtcm.core.storage import content_disposition


def training_list(request):
    data = request.GET.copy()
    data.setdefault("past", "false")  # the page lists upcoming and running trainings first
    catalogue = TrainingFilter(data, queryset=selectors.training_queryset_public())
    page = Paginator(catalogue.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": catalogue.form,
        "page_fields": PAGE_FIELDS,
        "page": page,
        "past": bool(catalogue.form.cleaned_data.get("past")),
        "query": query.urlencode(),
    }
    return render(request, "courses/training_list.html", context)


def training_detail(request, slug):
    training = selectors.training_get_public(
        slug=slug, include_unpublished=user_is_staff(request.user)
    )
    if training is None:
        raise Http404
    programme = training.programme
    context = {
        "training": training,
        "registration_open": training.registration_is_open(),
        # Named only when the public may see it; its donors: "Supported by".
        "programme": programme if programme is not None and programme.is_published else None,
        "donors": selectors.training_donors(training),
    }
    return render(request, "courses/training_detail.html", context)


def _ics_response(calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar_bytes(calendar), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
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
