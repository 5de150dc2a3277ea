"""Reads about registrations, shared by pages, API, services and reports."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from courses.models import Session, Training, TrainingQuota
from participants.models import (
    Answer,
    Attendance,
    ManageToken,
    Participant,
    Registration,
    token_hash,
)


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
    """The registration a manage link opens, found by the token's hash; None if unknown.

    The registration carries the raw ``manage_token`` (its page's links use it) and
    ``manage_link_emailed``: whether the link went to the person's inbox (see
    ``ManageToken``).
    """
    link = (
        ManageToken.objects.select_related("registration__participant", "registration__training")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        return None
    registration = link.registration
    registration.manage_token = token
    registration.manage_link_emailed = link.emailed
    return registration


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
    """A person's registrations, newest training first, for "my trainings" (none once
    the person is erased: a session signed in before the erasure opens nothing)."""
    return (
        Registration.objects.filter(
            participant_id=participant_id, participant__erased_at__isnull=True
        )
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


def _duration_hours(duration: dt.timedelta | None) -> Decimal:
    """A duration in hours, to one decimal (for display: the rule compares exact durations)."""
    if not duration:
        return Decimal("0.0")
    seconds = Decimal(duration // dt.timedelta(microseconds=1)) / Decimal(1_000_000)
    return (seconds / Decimal(3600)).quantize(Decimal("0.1"))


def registrations_annotate_eligibility(
    queryset: QuerySet[Registration], *, training: Training
) -> QuerySet[Registration]:
    """The certificate rule, once, in the database, for registrations of ``training``.

    Eligible = confirmed, attended at least the training's minimum % of sessions
    (rounded down: 2 of 3 is 66) and minimum hours (the exact lengths of the
    sessions attended, summed) — unless staff granted or withheld it (their
    decision wins). A training with no sessions gives no certificate by
    attendance. Annotates ``sessions_total``, ``sessions_attended``,
    ``attendance_percent``, ``hours_attended`` (a duration),
    ``certificate_eligible`` (bool) and ``certificate_reason`` (a key of
    ``ELIGIBILITY_REASONS``). The pages, the services and the reports use it.
    """
    attended_length = (
        Attendance.objects.filter(
            registration=OuterRef("pk"), session__training=OuterRef("training"), present=True
        )
        .order_by()
        .values("registration")
        .annotate(total=Sum(F("session__ends_at") - F("session__starts_at")))
        .values("total")
    )
    min_length = dt.timedelta(seconds=int(training.min_hours * 3600))
    meets = Q(
        sessions_total__gt=0,
        attendance_percent__gte=training.min_attendance_percent,
        hours_attended__gte=min_length,
    )
    confirmed = Q(status=Registration.Status.CONFIRMED)
    return (
        _with_attendance(queryset)
        .annotate(
            hours_attended=Coalesce(
                Subquery(attended_length, output_field=DurationField()),
                Value(dt.timedelta(0), output_field=DurationField()),
            )
        )
        .annotate(
            certificate_reason=Case(
                When(~confirmed, then=Value("unconfirmed")),
                When(certificate_override="grant", then=Value("granted")),
                When(certificate_override="withhold", then=Value("withheld")),
                When(meets, then=Value("met")),
                default=Value("below"),
                output_field=CharField(),
            ),
            certificate_eligible=Case(
                When(~confirmed, then=Value(False)),
                When(certificate_override="grant", then=Value(True)),
                When(certificate_override="withhold", then=Value(False)),
                When(meets, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


ELIGIBILITY_REASONS = {
    "unconfirmed": gettext_lazy("the registration is not confirmed"),
    "granted": gettext_lazy("granted by staff"),
    "withheld": gettext_lazy("withheld by staff"),
    "met": gettext_lazy("attendance met"),
    "below": gettext_lazy("attendance below the minimum"),
}


def registration_eligibility(registration: Registration) -> Eligibility:
    """The decision of a registration annotated by ``registrations_annotate_eligibility``."""
    return Eligibility(
        eligible=registration.certificate_eligible,
        attended=registration.sessions_attended,
        sessions=registration.sessions_total,
        percent=registration.attendance_percent,
        hours=_duration_hours(registration.hours_attended),
        reason=str(ELIGIBILITY_REASONS[registration.certificate_reason]),
    )


def training_certificate_eligibility(*, training: Training) -> dict[int, Eligibility]:
    """For each confirmed registration of the training: may it have a certificate?

    The rule of ``registrations_annotate_eligibility``; one query whatever the size.
    """
    rows = registrations_annotate_eligibility(
        training_confirmed(training=training).order_by(), training=training
    )
    return {row.pk: registration_eligibility(row) for row in rows}


def certificate_get_by_code(*, code: str):
    """The certificate a verification code names, with what the public page shows."""
    from participants.models import Certificate

    normalized = "".join(code.split()).upper()
    return (
        Certificate.objects.select_related("registration__participant", "registration__training")
        .filter(code=normalized)
        .first()
    )


# --- retention (the RTCM_RETAIN_* settings; ``participants.services.retention``) --------


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def registrations_unattended_past_retention(*, today: dt.date | None = None) -> QuerySet:
    """Registrations nobody attended that still hold answers, of trainings that ended
    more than ``RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS`` days before ``today``.

    Nobody attended: no session marked present — cancelled, not accepted, still
    pending or waiting when the training ended, or confirmed and absent. A
    training that ended exactly that many days ago is kept one more day. None
    when the setting is 0.
    """
    days = settings.RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS
    if not days:
        return Registration.objects.none()
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=days)
    attended = Attendance.objects.filter(registration=OuterRef("pk"), present=True)
    answered = Answer.objects.filter(registration=OuterRef("pk"))
    return Registration.objects.filter(Exists(answered), training__end_date__lt=cutoff).exclude(
        Exists(attended)
    )


def participants_inactive_past_retention(*, today: dt.date | None = None) -> QuerySet:
    """People not erased with no registration to a training that ended within the last
    ``RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS`` years (a training to come counts), on
    record since before then. None when the setting is 0."""
    years = settings.RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS
    if not years:
        return Participant.objects.none()
    cutoff = years_before(today or timezone.localdate(), years)
    recent = Registration.objects.filter(participant=OuterRef("pk"), training__end_date__gte=cutoff)
    return Participant.objects.filter(erased_at__isnull=True, created_at__date__lt=cutoff).exclude(
        Exists(recent)
    )
