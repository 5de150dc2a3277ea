"""Reads about registrations, shared by pages, API, services and reports."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from courses.models import Session, Training, TrainingQuota
from participants.models import Attendance, Registration


def training_confirmed(*, training: Training) -> QuerySet[Registration]:
    return Registration.objects.filter(training=training, status=Registration.Status.CONFIRMED)


def training_waitlist(*, training: Training) -> QuerySet[Registration]:
    """The whole waiting list, in the order people joined it."""
    return Registration.objects.filter(
        training=training, status=Registration.Status.WAITLISTED
    ).order_by("waitlisted_at", "pk")


def registration_waitlist_position(*, registration: Registration) -> int | None:
    """1 for the first person on the waiting list; None when not waitlisted.

    With regional quotas not yet released, the position is within the person's
    region: that is the queue their seat comes from.
    """
    if registration.status != Registration.Status.WAITLISTED:
        return None
    training = registration.training
    queue = training_waitlist(training=training)
    if not training.quotas_are_released() and training.quotas.exists():
        queue = queue.filter(region=registration.region_id)
    joined = registration.waitlisted_at
    ahead = queue.filter(
        Q(waitlisted_at__lt=joined) | Q(waitlisted_at=joined, pk__lt=registration.pk)
    ).count()
    return ahead + 1


def registration_get_by_token(*, token: str) -> Registration | None:
    return (
        Registration.objects.select_related("participant", "training").filter(token=token).first()
    )


def center_totals() -> dict[str, int]:
    """A few figures for the home page, cached for ``RTCM_TOTALS_CACHE_SECONDS``.

    Each is one aggregate query, but distinct counts over every registration
    cost a few hundred milliseconds at 100,000 participants: not for every visit.
    """
    return cache.get_or_set(
        "rtcm:center_totals", _center_totals, timeout=settings.RTCM_TOTALS_CACHE_SECONDS
    )


def _center_totals() -> dict[str, int]:
    today = timezone.localdate()
    held = Training.objects.filter(
        status__in=Training.PUBLIC_STATUSES, start_date__lte=today
    ).exclude(status=Training.Status.CANCELLED)
    attendees = Registration.objects.filter(status=Registration.Status.CONFIRMED, training__in=held)
    return {
        "trainings_held": held.count(),
        "participants_trained": attendees.values("participant").distinct().count(),
        "countries": attendees.values("participant__nationality").distinct().count(),
    }


def participant_registrations(*, participant_id: int) -> QuerySet[Registration]:
    """A person's registrations, newest training first, for "my trainings"."""
    return (
        Registration.objects.filter(participant_id=participant_id)
        .select_related("training")
        .order_by("-training__start_date", "-pk")
    )


# --- attendance and the staff dashboard ---


def _count_of(queryset, group_by: str) -> Coalesce:
    """A correlated subquery counting the rows of ``queryset`` (0 when there are none)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_attendance(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """Annotate ``sessions_total``, ``sessions_attended`` and ``attendance_percent``.

    The percentage is of all the training's sessions, rounded down in the
    database (2 of 3 is 66: below a 67 % minimum), and 0 for a training with
    no sessions.
    """
    sessions = Session.objects.filter(training=OuterRef("training"))
    attended = Attendance.objects.filter(
        registration=OuterRef("pk"), session__training=OuterRef("training"), present=True
    )
    return queryset.annotate(
        sessions_total=_count_of(sessions, "training"),
        sessions_attended=_count_of(attended, "registration"),
    ).annotate(
        attendance_percent=Case(
            When(sessions_total=0, then=Value(0)),
            default=F("sessions_attended") * 100 / F("sessions_total"),
            output_field=IntegerField(),
        )
    )


def training_registrations_with_attendance(*, training: Training) -> QuerySet[Registration]:
    """Every registration of ``training`` (filter by status as needed) with its attendance.

    Annotated with ``sessions_total``, ``sessions_attended`` and
    ``attendance_percent`` (0–100); the participant comes in the same query.
    """
    return (
        _with_attendance(Registration.objects.filter(training=training))
        .select_related("participant")
        .order_by("participant__family_name", "participant__given_name", "pk")
    )


def session_attendance_sheet(*, session: Session) -> list[Registration]:
    """The confirmed people of the session's training, by family then given name. One query.

    Each has ``present`` at this session (True, False, or None when not marked
    yet), their attendance over the training (as in
    ``training_registrations_with_attendance``) and their participant.
    """
    mark = Attendance.objects.filter(registration=OuterRef("pk"), session=session).values(
        "present"
    )[:1]
    queryset = (
        _with_attendance(
            Registration.objects.filter(
                training_id=session.training_id, status=Registration.Status.CONFIRMED
            )
        )
        .annotate(present=Subquery(mark, output_field=BooleanField()))
        .select_related("participant")
        .order_by("participant__family_name", "participant__given_name", "pk")
    )
    return list(queryset)


def registrations_pending() -> QuerySet[Registration]:
    """Registrations awaiting approval, the longest-waiting first."""
    return (
        Registration.objects.filter(status=Registration.Status.PENDING)
        .select_related("participant", "training")
        .order_by("submitted_at", "pk")
    )


def training_list_staff_current(*, today: dt.date | None = None) -> QuerySet[Training]:
    """Trainings open or closed for registration that have not ended, with their figures.

    Annotated with ``confirmed_count``, ``waitlisted_count``, ``pending_count``
    and ``seats_left``; sessions and regional quotas (each with
    ``confirmed_count``: confirmed seats taken from it, and ``seats_left``) are
    prefetched. Three queries, whatever the number of trainings.
    """
    today = today or timezone.localdate()
    Status = Registration.Status

    def registrations_in(status: str) -> Coalesce:
        return _count_of(
            Registration.objects.filter(training=OuterRef("pk"), status=status), "training"
        )

    quota_seats_taken = Registration.objects.filter(
        training=OuterRef("training"), seat_region=OuterRef("region"), status=Status.CONFIRMED
    )
    quotas = (
        TrainingQuota.objects.select_related("region")
        .annotate(confirmed_count=_count_of(quota_seats_taken, "training"))
        .annotate(seats_left=Greatest(F("seats") - F("confirmed_count"), Value(0)))
    )
    return (
        Training.objects.filter(
            status__in=[Training.Status.OPEN, Training.Status.CLOSED], end_date__gte=today
        )
        .annotate(
            confirmed_count=registrations_in(Status.CONFIRMED),
            waitlisted_count=registrations_in(Status.WAITLISTED),
            pending_count=registrations_in(Status.PENDING),
        )
        .annotate(seats_left=Greatest(F("capacity") - F("confirmed_count"), Value(0)))
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk")),
            Prefetch("quotas", queryset=quotas),
        )
        .order_by("start_date", "title", "pk")
    )


# The staff calendar reads sessions and trainings; these two would sit better in
# courses/selectors.py.


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    attended: int
    sessions: int
    percent: int
    hours: Decimal
    reason: str


def training_certificate_eligibility(*, training: Training) -> dict[int, Eligibility]:
    """For each confirmed registration of the training: may it have a certificate?

    Eligible = confirmed, attended at least the training's minimum % of sessions
    and minimum hours — unless staff granted or withheld it (their decision wins).
    Three queries whatever the size: sessions, confirmed registrations, marks.
    """
    from django.utils.translation import gettext

    sessions = {s.pk: s.hours for s in training.sessions.all()}
    registrations = list(
        training_confirmed(training=training).values_list("pk", "certificate_override")
    )
    attended: dict[int, list[int]] = {}
    marks = Attendance.objects.filter(
        registration__training=training,
        registration__status=Registration.Status.CONFIRMED,
        present=True,
        session_id__in=list(sessions),
    ).values_list("registration_id", "session_id")
    for registration_id, session_id in marks:
        attended.setdefault(registration_id, []).append(session_id)
    result = {}
    for registration_id, override in registrations:
        present = attended.get(registration_id, [])
        percent = len(present) * 100 // len(sessions) if sessions else 0
        hours = sum((sessions[s] for s in present), Decimal(0))
        meets = (
            bool(sessions)
            and percent >= training.min_attendance_percent
            and hours >= training.min_hours
        )
        if override == "grant":
            eligible, reason = True, gettext("granted by staff")
        elif override == "withhold":
            eligible, reason = False, gettext("withheld by staff")
        elif meets:
            eligible, reason = True, gettext("attendance met")
        else:
            eligible, reason = False, gettext("attendance below the minimum")
        result[registration_id] = Eligibility(
            eligible, len(present), len(sessions), percent, hours, reason
        )
    return result


def certificate_get_by_code(*, code: str):
    """The certificate a verification code names, with what the public page shows."""
    from participants.models import Certificate

    normalized = "".join(code.split()).upper()
    return (
        Certificate.objects.select_related("registration__participant", "registration__training")
        .filter(code=normalized)
        .first()
    )
