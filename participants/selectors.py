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
from courses.seats import annotate_seats
from courses.selectors import trainings_held
from participants.models import (
    Answer,
    Attendance,
    ManageToken,
    MessageEmail,
    Participant,
    Registration,
    RegistrationEvent,
    TrainingMessage,
    token_hash,
)
from rtcm.core.search import contains_q


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
    held = trainings_held()
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


# ``held_by`` of ``_with_attendance``: count every session of the training, held or not.
WHOLE_TRAINING = object()


def _count_of(queryset, group_by: str) -> Coalesce:
    """A correlated subquery counting the rows of ``queryset`` (0 when there are none)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _with_attendance(
    queryset: QuerySet[Registration], *, held_by: dt.datetime | object | None = None
) -> QuerySet[Registration]:
    """Annotate ``sessions_total``, ``sessions_attended`` and ``attendance_percent``.

    The percentage is of the sessions held so far — those started by
    ``held_by`` (default: now) — rounded down in the database (2 of 3 is 66:
    below a 67 % minimum), and 0 while no session has been held. Eligibility
    passes ``held_by=WHOLE_TRAINING`` once the training has ended.
    """
    sessions = Session.objects.filter(training=OuterRef("training"))
    attended = Attendance.objects.filter(
        registration=OuterRef("pk"), session__training=OuterRef("training"), present=True
    )
    if held_by is not WHOLE_TRAINING:
        held_by = held_by or timezone.now()
        sessions = sessions.filter(starts_at__lte=held_by)
        attended = attended.filter(session__starts_at__lte=held_by)
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


# --- messages to a training's people ---


def training_message_audience(
    *,
    training: Training,
    statuses: list[str] | tuple[str, ...],
    min_attendance_percent: int | None = None,
) -> QuerySet[Registration]:
    """The registrations a message to ``training``'s people goes to: one per person.

    Those whose status is one of ``statuses`` and, when ``min_attendance_percent`` is
    given, who attended at least that share of the sessions (``attendance_percent``,
    the same count as the attendance sheet and the certificates); never a person whose
    data was erased. With the participant, by family then given name. The preview
    counts it and the send writes one e-mail per row of it.
    """
    queryset = Registration.objects.filter(
        training=training, status__in=list(statuses), participant__erased_at__isnull=True
    )
    if min_attendance_percent is not None:
        queryset = _with_attendance(queryset).filter(attendance_percent__gte=min_attendance_percent)
    return queryset.select_related("participant").order_by(
        "participant__family_name", "participant__given_name", "pk"
    )


def training_messages_sent(*, training: Training) -> QuerySet[TrainingMessage]:
    """The messages sent to ``training``'s people, newest first, in one query.

    Annotated with ``sent_count``, ``failed_count`` and ``waiting_count`` (queued or
    being sent: a mail server that refuses delays them) of their e-mails, and with
    the sender.
    """

    def emails(status: str):
        return MessageEmail.objects.filter(message=OuterRef("pk"), status=status)

    return (
        TrainingMessage.objects.filter(training=training)
        .select_related("created_by")
        .annotate(
            sent_count=_count_of(emails(MessageEmail.Status.SENT), "message"),
            failed_count=_count_of(emails(MessageEmail.Status.FAILED), "message"),
        )
        .annotate(waiting_count=F("recipient_count") - F("sent_count") - F("failed_count"))
        .order_by("-created_at", "-pk")
    )


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
            Prefetch("quotas", queryset=quotas_with_seats_taken()),
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

    Once the training has ended the rule is decided on all its sessions; before
    that (the pages' provisional figure, an early issue) on the sessions held so far.
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
    held_by = WHOLE_TRAINING if training.has_ended() else timezone.now()
    if held_by is not WHOLE_TRAINING:
        attended_length = attended_length.filter(session__starts_at__lte=held_by)
    min_length = dt.timedelta(seconds=int(training.min_hours * 3600))
    meets = Q(
        sessions_total__gt=0,
        attendance_percent__gte=training.min_attendance_percent,
        hours_attended__gte=min_length,
    )
    confirmed = Q(status=Registration.Status.CONFIRMED)
    return (
        _with_attendance(queryset, held_by=held_by)
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


# --- the staff training list (``rtcm.staff.trainings``) -------------------------------


def quotas_with_seats_taken() -> QuerySet[TrainingQuota]:
    """Regional quotas with ``confirmed_count`` (confirmed seats taken from each) and
    ``seats_left``, for a ``Prefetch("quotas", …)``: one query for every training."""
    taken = Registration.objects.filter(
        training=OuterRef("training"),
        seat_region=OuterRef("region"),
        status=Registration.Status.CONFIRMED,
    )
    return (
        TrainingQuota.objects.select_related("region")
        .annotate(confirmed_count=_count_of(taken, "training"))
        .annotate(seats_left=Greatest(F("seats") - F("confirmed_count"), Value(0)))
        .order_by("region__position", "region__name")
    )


def training_list_staff(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """``queryset`` shaped for the coordinators' training list.

    Annotated with ``seats_taken``, ``waitlist_length`` and ``seats_left``
    (``courses.seats.annotate_seats``, the one seat count) and ``pending_count``
    (awaiting approval); the regional quotas (``quotas_with_seats_taken``) and
    the target regions are prefetched. A page of it takes three queries, whatever
    its length. The caller scopes and orders it.
    """
    pending = Registration.objects.filter(
        training=OuterRef("pk"), status=Registration.Status.PENDING
    )
    return (
        annotate_seats(queryset)
        .annotate(pending_count=_count_of(pending, "training"))
        .prefetch_related(Prefetch("quotas", queryset=quotas_with_seats_taken()), "target_regions")
    )


# --- a training's registrations, for the staff page (rtcm.staff.trainings) ---


def answer_matches(value, wanted: str) -> bool:
    """Whether a stored answer (text, a choice, a list of choices, yes/no) matches
    ``wanted``: a part of a text, a whole choice, yes/no; any letter case."""
    wanted = wanted.strip().casefold()
    if isinstance(value, bool):
        yes = ("yes", "true", "1", str(gettext_lazy("Yes")))
        no = ("no", "false", "0", str(gettext_lazy("No")))
        return wanted in {word.casefold() for word in (yes if value else no)}
    if isinstance(value, list):
        return any(str(item).casefold() == wanted for item in value)
    if value is None:
        return False
    text = str(value).casefold()
    return text == wanted or wanted in text


def training_registrations_staff(
    *,
    training: Training,
    status: str = "",
    region: str = "",
    country: str = "",
    organisation_type: str = "",
    question_id: int | None = None,
    answer: str = "",
    search: str = "",
) -> QuerySet[Registration]:
    """The registrations of ``training`` filtered as the staff page asks, in submission
    order (first come, first served), with their attendance, participant and region.

    ``country`` matches the nationality or the country of residence; ``answer``
    (with ``question_id``) matches as ``answer_matches`` says — read from that
    question's answers in one query, since a JSON value compares differently on
    each database. One query for the rows, whatever their number (two with an answer).
    """
    queryset = Registration.objects.filter(training=training)
    if status:
        queryset = queryset.filter(status=status)
    if region:
        queryset = queryset.filter(region_id=region)
    if country:
        queryset = queryset.filter(
            Q(participant__nationality=country) | Q(participant__country_of_residence=country)
        )
    if organisation_type:
        queryset = queryset.filter(participant__organisation_type=organisation_type)
    if search.strip():
        queryset = queryset.filter(
            contains_q(
                (
                    "participant__given_name",
                    "participant__family_name",
                    "participant__given_name_latin",
                    "participant__family_name_latin",
                    "participant__email",
                    "participant__organisation",
                ),
                search.strip(),
            )
        )
    if question_id is not None and answer.strip():
        answered = Answer.objects.filter(
            question_id=question_id, registration__training=training
        ).values_list("registration_id", "value")
        queryset = queryset.filter(
            pk__in=[pk for pk, value in answered if answer_matches(value, answer)]
        )
    return (
        _with_attendance(queryset)
        .select_related("participant", "region")
        .order_by("submitted_at", "pk")
    )


def training_waitlist_staff(*, training: Training) -> QuerySet[Registration]:
    """The waiting list in its order (``training_waitlist``), with participant and region."""
    return training_waitlist(training=training).select_related("participant", "region")


def training_registration_counts(*, training: Training) -> dict[str, int]:
    """How many registrations of ``training`` are in each status (every status a key)."""
    counts = dict.fromkeys(Registration.Status.values, 0)
    rows = (
        Registration.objects.filter(training=training)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def training_registration_detail(*, training: Training, pk: int) -> Registration:
    """One registration of ``training`` (``DoesNotExist`` otherwise) with its answers,
    status trail (with who) and e-mails, in four queries."""
    return (
        Registration.objects.filter(training=training)
        .select_related("participant", "region", "seat_region", "training")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question")),
            Prefetch("events", queryset=RegistrationEvent.objects.select_related("actor")),
            "notifications",
        )
        .get(pk=pk)
    )
