"""Reads about trainings, shared by pages, API and reports.

Each selector returns a queryset shaped once (``select_related`` /
``prefetch_related`` / annotations) so that the number of queries a page runs
does not grow with the number of rows. Tests pin those counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from courses.models import Curriculum, Module, Session, Topic, Training


def _registrations_count(status: str) -> Coalesce:
    """A correlated subquery counting one training's registrations in ``status``.

    A subquery rather than ``Count()`` over a join: the database then counts
    only for the rows a page shows (through the ``training, status`` index),
    not for every training before the LIMIT. Registration is looked up by name:
    participants sits above courses.
    """
    registration = apps.get_model("participants", "Registration")
    counted = (
        registration.objects.filter(training=OuterRef("pk"), status=status)
        .order_by()
        .values("training")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_seats(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate seats taken (confirmed), seats left and the waiting list's length."""
    return queryset.annotate(
        seats_taken=_registrations_count("confirmed"),
        waitlist_length=_registrations_count("waitlisted"),
    ).annotate(seats_left=Greatest(F("capacity") - F("seats_taken"), Value(0)))


def _public(queryset: QuerySet[Training] | None = None) -> QuerySet[Training]:
    queryset = Training.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=Training.PUBLIC_STATUSES)


@dataclass(frozen=True)
class CatalogueFilters:
    topic: Topic | None = None
    region: str | None = None
    format: str | None = None
    month: dt.date | None = None  # first day of the month
    past: bool = False
    query: str = ""


def _shaped(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Seat counts plus what a catalogue card shows, in a fixed number of queries."""
    return _with_seats(queryset).prefetch_related(
        "target_regions",
        Prefetch("modules", queryset=Module.objects.select_related("topic")),
    )


def training_queryset_public() -> QuerySet[Training]:
    """Every public training, shaped for lists (API, feeds)."""
    return _shaped(_public())


def training_list_public(*, filters: CatalogueFilters | None = None) -> QuerySet[Training]:
    """The public catalogue: upcoming and running trainings (or past ones), filtered.

    Filters on many-to-many relations go through ``pk__in`` subqueries, so that
    they neither duplicate rows nor skew the seat counts.
    """
    filters = filters or CatalogueFilters()
    today = timezone.localdate()
    queryset = _public()
    if filters.past:
        queryset = queryset.filter(end_date__lt=today).order_by("-start_date", "title")
    else:
        queryset = queryset.filter(end_date__gte=today).order_by("start_date", "title")
    if filters.topic is not None:
        queryset = queryset.filter(
            pk__in=Training.objects.filter(modules__topic=filters.topic).values("pk")
        )
    if filters.region:
        queryset = queryset.filter(
            pk__in=Training.objects.filter(target_regions__code=filters.region).values("pk")
        )
    if filters.format:
        queryset = queryset.filter(format=filters.format)
    if filters.month is not None:
        first = filters.month.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        # Any overlap with the month: starts before it ends, ends after it starts.
        queryset = queryset.filter(start_date__lt=following, end_date__gte=first)
    if filters.query:
        queryset = queryset.filter(
            Q(title__icontains=filters.query) | Q(description__icontains=filters.query)
        )
    return _shaped(queryset)


def training_list_upcoming(*, limit: int = 6) -> list[Training]:
    """For the home page: upcoming and running trainings, cancelled ones left out."""
    return list(training_list_public().exclude(status=Training.Status.CANCELLED)[:limit])


def public_trainers(lookup: str = "trainers") -> Prefetch:
    """A prefetch of sessions' trainers limited to public profiles (active and consenting).

    Public pages, feeds and the API name only the trainers who agreed to a
    public profile, linking to it; an expert who withdrew consent disappears
    from them at once. (The network's own rule: ``experts.models.Expert.public_q``.)
    """
    expert = apps.get_model("experts", "Expert")
    return Prefetch(lookup, queryset=expert.objects.filter(expert.public_q()))


def training_detail_queryset(*, include_unpublished: bool = False) -> QuerySet[Training]:
    """Trainings with agenda, public trainers, modules and seat counts, for one-training pages."""
    sessions = Session.objects.prefetch_related(public_trainers()).select_related("module")
    queryset = Training.objects.all() if include_unpublished else _public()
    return _shaped(queryset).prefetch_related(Prefetch("sessions", queryset=sessions))


def training_get_public(*, slug: str, include_unpublished: bool = False) -> Training | None:
    """One training by slug; ``include_unpublished`` lets staff preview a draft."""
    return (
        training_detail_queryset(include_unpublished=include_unpublished).filter(slug=slug).first()
    )


def topics_in_use() -> QuerySet[Topic]:
    return Topic.objects.filter(modules__trainings__status__in=Training.PUBLIC_STATUSES).distinct()


def curriculum_approved() -> Curriculum | None:
    return (
        Curriculum.objects.filter(status=Curriculum.Status.APPROVED)
        .prefetch_related(Prefetch("modules", queryset=Module.objects.select_related("topic")))
        .first()
    )


def calendar_sessions(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Session]:
    """Sessions starting in [start, end) with their training, cancelled trainings left out."""
    return (
        Session.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(training__status=Training.Status.CANCELLED)
        .select_related("training")
        .order_by("starts_at", "pk")
    )


def calendar_trainings(*, first: dt.date, last: dt.date) -> QuerySet[Training]:
    """Trainings running on any day from ``first`` to ``last``, cancelled ones left out."""
    return (
        Training.objects.filter(start_date__lte=last, end_date__gte=first)
        .exclude(status=Training.Status.CANCELLED)
        .order_by("start_date", "title", "pk")
    )
