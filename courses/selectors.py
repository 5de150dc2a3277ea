"""Reads about trainings, shared by pages, API and reports.

Each selector returns a queryset shaped once (``select_related`` /
``prefetch_related`` / annotations) so that the number of queries a page runs
does not grow with the number of rows. Tests pin those counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.hooks import public_trainers
from courses.models import (
    Curriculum,
    Indicator,
    Module,
    Organisation,
    Programme,
    ProgrammeOrganisation,
    Session,
    Topic,
    Training,
)
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
    return (
        _shaped(queryset)
        .select_related("programme")  # named on the page, in the same query
        .prefetch_related(Prefetch("sessions", queryset=sessions))
    )


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


# --- programmes and their donors and partners ---------------------------------------

Role = ProgrammeOrganisation.Role
# On a programme's page, in this order: who funds it, who runs it, who hosts it.
ROLE_ORDER = (Role.DONOR, Role.IMPLEMENTING, Role.HOST)


def _parts() -> QuerySet[ProgrammeOrganisation]:
    return ProgrammeOrganisation.objects.select_related("organisation").order_by(
        "position", "organisation__position", "organisation__name", "pk"
    )


def _programme_trainings_public() -> QuerySet[Training]:
    """A programme's trainings the public sees on its pages: public and not called off."""
    return _public().exclude(status=Training.Status.CANCELLED)


def _sort_parts(programme: Programme) -> Programme:
    """``donors``, ``partners`` (implementing) and ``hosts``: organisations, from the
    prefetched ``parts`` (no query)."""
    by_role: dict[str, list[Organisation]] = {role: [] for role in ROLE_ORDER}
    for part in programme.parts.all():
        by_role.setdefault(part.role, []).append(part.organisation)
    programme.donors = by_role[Role.DONOR]
    programme.partners = by_role[Role.IMPLEMENTING]
    programme.hosts = by_role[Role.HOST]
    return programme


def programmes_published() -> QuerySet[Programme]:
    """Programmes the public sees."""
    return Programme.objects.filter(is_published=True)


def programme_list_public() -> list[Programme]:
    """The programmes page: published programmes, each with ``donors``, ``partners`` and
    ``hosts`` (organisations) and ``training_count`` (its public trainings, cancelled
    ones left out). Two queries whatever the number of programmes and organisations."""
    count = Count(
        "trainings",
        filter=Q(trainings__status__in=Training.PUBLIC_STATUSES)
        & ~Q(trainings__status=Training.Status.CANCELLED),
        distinct=True,
    )
    programmes = (
        programmes_published()
        .annotate(training_count=count)
        .prefetch_related(Prefetch("parts", queryset=_parts()))
    )
    return [_sort_parts(programme) for programme in programmes]


def programme_get_for_page(*, slug: str, include_unpublished: bool = False) -> Programme | None:
    """One programme by slug with its organisations by role (``donors``, ``partners``,
    ``hosts``) and its declared indicators; ``include_unpublished`` lets staff preview
    one. Three queries."""
    programmes = Programme.objects.all() if include_unpublished else programmes_published()
    programme = (
        programmes.filter(slug=slug)
        .prefetch_related(
            Prefetch("parts", queryset=_parts()),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")),
        )
        .first()
    )
    return _sort_parts(programme) if programme is not None else None


def programme_trainings(programme: Programme) -> tuple[list[Training], list[Training]]:
    """A programme's public trainings: (upcoming and running, soonest first; past, the
    latest first). Cancelled ones are left out. One query."""
    trainings = list(
        _programme_trainings_public().filter(programme=programme).order_by("start_date", "title")
    )
    today = timezone.localdate()
    upcoming = [training for training in trainings if training.end_date >= today]
    past = [training for training in trainings if training.end_date < today]
    past.reverse()
    return upcoming, past


def programme_organisation_for_logo(
    *, programme_slug: str, organisation_slug: str, include_unpublished: bool = False
) -> Organisation | None:
    """An organisation with a logo taking part in the programme (published, unless
    ``include_unpublished``): whose logo the programme's pages show."""
    programmes = Programme.objects.all() if include_unpublished else programmes_published()
    return (
        Organisation.objects.exclude(logo="")
        .filter(
            slug=organisation_slug,
            parts__programme__in=programmes.filter(slug=programme_slug),
        )
        .first()
    )


def training_donors(training: Training) -> list[Organisation]:
    """The donors of the training's programme, when the programme is published: the
    training page's "Supported by". No query without a programme, one with."""
    if training.programme_id is None or not training.programme.is_published:
        return []
    parts = _parts().filter(programme_id=training.programme_id, role=Role.DONOR)
    return [part.organisation for part in parts]
