"""Reads about trainings, shared by pages, API and reports.

Each selector returns a queryset shaped once (``select_related`` /
``prefetch_related`` / annotations) so that the number of queries a page runs
does not grow with the number of rows. Tests pin those counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    F,
    Prefetch,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.hooks import public_trainers
from courses.models import Curriculum, Module, Session, Topic, Training
from courses.seats import annotate_seats
from courses.timezones import session_times_of


def _public(queryset: QuerySet[Training] | None = None) -> QuerySet[Training]:
    queryset = Training.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=Training.PUBLIC_STATUSES)


def _shaped(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Seat counts plus what a catalogue card shows, in a fixed number of queries."""
    return annotate_seats(queryset).prefetch_related(
        "target_regions",
        Prefetch("modules", queryset=Module.objects.select_related("topic")),
    )


def training_queryset_public() -> QuerySet[Training]:
    """Every public training, shaped for lists (API, feeds)."""
    return _shaped(_public())


def trainings_current(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Upcoming and running trainings, the soonest first (the catalogue's default)."""
    today = timezone.localdate()
    return queryset.filter(end_date__gte=today).order_by("start_date", "title")


def trainings_past(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Trainings that have ended, the latest first."""
    today = timezone.localdate()
    return queryset.filter(end_date__lt=today).order_by("-start_date", "title")


def training_list_public() -> QuerySet[Training]:
    """The public catalogue: upcoming and running trainings, shaped for lists.

    The catalogue's filters (page and API) are ``courses.filters.TrainingFilter``.
    """
    return trainings_current(training_queryset_public())


def training_list_upcoming(*, limit: int = 6) -> list[Training]:
    """For the home page: upcoming and running trainings, cancelled ones left out."""
    return list(training_list_public().exclude(status=Training.Status.CANCELLED)[:limit])


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


# --- trainers: nobody teaches two sessions at once ------------------------------------


def sessions_overlap(
    starts_at: dt.datetime, ends_at: dt.datetime, other_starts_at, other_ends_at
) -> bool:
    """Whether two sessions' times overlap (one ending when the other starts does not)."""
    return starts_at < other_ends_at and ends_at > other_starts_at


def trainer_clashes(
    *,
    expert_ids: Iterable[int],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    exclude_session_ids: Iterable[int] = (),
    exclude_training_id: int | None = None,
) -> dict[int, Session]:
    """The rule "nobody teaches two sessions at once", as one read.

    For each of ``expert_ids`` booked as trainer of a session overlapping
    ``starts_at``–``ends_at`` (sessions of cancelled trainings do not count;
    ``exclude_session_ids`` and the sessions of ``exclude_training_id`` are left
    out), that expert's first such session, with its training. One query. The
    booking service (``experts.services.session_assign_trainer``) and the admin
    forms ask this; the trainers are reached through ``Session.trainers``.
    """
    expert_ids = {int(pk) for pk in expert_ids if pk is not None}
    if not expert_ids:
        return {}
    sessions = (
        Session.objects.filter(
            trainers__in=expert_ids, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(training__status=Training.Status.CANCELLED)
        .exclude(pk__in=[pk for pk in exclude_session_ids if pk is not None])
        .select_related("training")
        .annotate(trainer_id=F("trainers"))
        .order_by("starts_at", "pk")
    )
    if exclude_training_id is not None:
        sessions = sessions.exclude(training_id=exclude_training_id)
    clashes: dict[int, Session] = {}
    for session in sessions:
        if session.trainer_id in expert_ids:
            clashes.setdefault(session.trainer_id, session)
    return clashes


def session_time_text(
    starts_at: dt.datetime, ends_at: dt.datetime, zone_id: str | None = None
) -> str:
    """The times as the venue's clock (``zone_id``; default the center's) shows them,
    the zone named: "Sun 14 Feb, 10:00–13:00 (Baku time, UTC+4)"."""
    return str(session_times_of(starts_at, ends_at, zone_id))


def trainer_clash_message(*, name: str, session: Session) -> str:
    """What a refused booking says: who, and the session already taught then."""
    return _("%(name)s already teaches “%(session)s” at that time (%(when)s).") % {
        "name": name,
        "session": f"{session.training.title} — {session.title}",
        "when": session_time_text(session.starts_at, session.ends_at, session.training.time_zone),
    }


# --- what counts as held: the home page's figures and the reports ---

# Trainings that are never held: still drafts, or called off.
NOT_HELD_STATUSES = (Training.Status.DRAFT, Training.Status.CANCELLED)


def trainings_held(
    *, start: dt.date | None = None, end: dt.date | None = None, today: dt.date | None = None
) -> QuerySet[Training]:
    """Trainings that took place: neither draft nor cancelled, and started by ``today``.

    With a period [start, end], those that took place in it: ended within it,
    or running up to its end (started on or before ``end``, ended on or after
    ``start``). A training of next month is not held, even in a period that
    contains it: see ``trainings_scheduled``. The home page's totals and the
    reports both count these.
    """
    today = today or timezone.localdate()
    held = Training.objects.exclude(status__in=NOT_HELD_STATUSES).filter(start_date__lte=today)
    if end is not None:
        held = held.filter(start_date__lte=end)
    if start is not None:
        held = held.filter(end_date__gte=start)
    return held


def trainings_scheduled(
    *, start: dt.date, end: dt.date, today: dt.date | None = None
) -> QuerySet[Training]:
    """Trainings of the period [start, end] that have not started yet (not held, yet)."""
    today = today or timezone.localdate()
    return Training.objects.exclude(status__in=NOT_HELD_STATUSES).filter(
        start_date__gt=today, start_date__lte=end, end_date__gte=start
    )
