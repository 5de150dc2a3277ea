"""Every state change of the participants app, one rule in one place:
registrations (seats, quotas, waiting lists), a person's own details and
sign-in links, attendance, and certificates (eligibility, serials, PDFs,
revocation, the bulk jobs).

The public form, the API, admin actions, staff pages and tasks call these
functions. Each opens one ``transaction.atomic()`` block and takes the
training's row lock (``SELECT … FOR UPDATE``) before it counts or changes
seats, so concurrent submissions, approvals and cancellations are serialised
per training on PostgreSQL. (On SQLite the first write locks the whole
database, which serialises them too.)

Every change writes a ``RegistrationEvent`` (who, when, from → to, why) and,
where the person must hear of it, a ``Notification`` row that a task sends
after commit: nothing is mailed for a change that rolled back.

Seats and quotas. A training has ``capacity`` seats. It may reserve some of
them per region (``TrainingQuota``); the rest are open to all. Until the
training's ``quota_release_at`` a registrant takes a seat of their region's
quota, else an open seat, else joins the waiting list. From the release time
any free seat goes to anyone, the longest-waiting person first. Freed seats are
offered to the waiting list at once, first come first served among those a
seat can go to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Session, Training
from participants import selectors
from participants.certificates import certificate_pdf
from participants.models import (
    PERSON_FIELDS,
    Answer,
    Attendance,
    Certificate,
    Notification,
    Participant,
    Registration,
    RegistrationEvent,
    SerialCounter,
    SignInLink,
    TrainerRating,
    certificate_pdf_path,
)
from participants.tasks import (
    CERTIFICATES_JOB,
    CERTIFICATES_ZIP_JOB,
    certificates_issue_job,
    certificates_zip_job,
    send_notification,
    send_sign_in_link,
)
from rtcm.core.errors import (
    AlreadyRegistered,
    DomainError,
    InvalidTransition,
    NotEligible,
    RegistrationClosed,
    TrainingFull,
)
from rtcm.core.jobs import job_create
from rtcm.core.models import Job
from rtcm.core.regions import region_code_for_country

if TYPE_CHECKING:
    from experts.models import Expert

Status = Registration.Status
Actor = RegistrationEvent.Actor
Kind = Notification.Kind


# --- locking and seat counting -------------------------------------------------


def _lock_training(training_id: int) -> Training:
    """Load the training holding its row lock until the transaction ends."""
    return Training.objects.select_for_update().get(pk=training_id)


@dataclass
class SeatMap:
    """Who holds which seats of one training, read under its lock."""

    capacity: int
    quotas: dict[str, int]
    released: bool
    taken_by_region: dict[str, int] = field(default_factory=dict)
    taken_open: int = 0

    @property
    def taken(self) -> int:
        return self.taken_open + sum(self.taken_by_region.values())

    @property
    def open_seats(self) -> int:
        return max(self.capacity - sum(self.quotas.values()), 0)

    def seat_for(self, region: str | None) -> tuple[bool, str | None]:
        """Whether a person of ``region`` gets a seat now, and from which quota."""
        if self.taken >= self.capacity:
            return False, None
        quota_free = (
            region in self.quotas and self.taken_by_region.get(region, 0) < self.quotas[region]
        )
        if quota_free:
            return True, region
        if not self.quotas or self.released or self.taken_open < self.open_seats:
            return True, None
        return False, None

    def take(self, seat_region: str | None) -> None:
        if seat_region is None:
            self.taken_open += 1
        else:
            self.taken_by_region[seat_region] = self.taken_by_region.get(seat_region, 0) + 1


def _seat_map(training: Training) -> SeatMap:
    """Count confirmed seats per quota. Caller holds the training's lock."""
    quotas = dict(training.quotas.values_list("region_id", "seats"))
    seats = SeatMap(
        capacity=training.capacity, quotas=quotas, released=training.quotas_are_released()
    )
    rows = (
        selectors.training_confirmed(training=training)
        .values("seat_region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["seat_region"] is None or row["seat_region"] not in quotas:
            seats.taken_open += row["n"]
        else:
            seats.taken_by_region[row["seat_region"]] = row["n"]
    return seats


# --- status changes ------------------------------------------------------------


def _change_status(
    registration: Registration,
    status: str,
    *,
    actor_kind: str,
    actor: AbstractBaseUser | None = None,
    note: str = "",
    notify: str | None = None,
    seat_region: str | None = None,
) -> None:
    """Set the status, record who did it, and queue the person's e-mail."""
    previous = registration.status if registration.pk else ""
    now = timezone.now()
    registration.status = status
    registration.status_changed_at = now
    registration.seat_region_id = seat_region if status == Status.CONFIRMED else None
    if status == Status.WAITLISTED:
        # Keep the place in the queue of someone already waiting.
        if previous != Status.WAITLISTED or registration.waitlisted_at is None:
            registration.waitlisted_at = now
    else:
        registration.waitlisted_at = None
    if note and status in (Status.REJECTED, Status.CANCELLED):
        registration.decision_reason = note
    registration.save()
    RegistrationEvent.objects.create(
        registration=registration,
        from_status=previous,
        to_status=status,
        actor_kind=actor_kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
    )
    if notify:
        notification_queue(registration=registration, kind=notify)


def notification_queue(*, registration: Registration, kind: str) -> Notification:
    """Log an e-mail to the person and send it once the transaction commits."""
    participant = registration.participant
    notification = Notification.objects.create(
        registration=registration,
        kind=kind,
        recipient=participant.email,
        language=participant.preferred_language,
    )
    send_notification.delay_on_commit(notification.pk)
    return notification


def _offer_seat_or_waitlist(
    registration: Registration, seats: SeatMap, *, actor_kind: str, actor=None, note: str = ""
) -> None:
    """CONFIRMED with a seat if there is one, else WAITLISTED (or ``TrainingFull``)."""
    has_seat, seat_region = seats.seat_for(registration.region_id)
    if has_seat:
        seats.take(seat_region)
        _change_status(
            registration,
            Status.CONFIRMED,
            actor_kind=actor_kind,
            actor=actor,
            note=note,
            notify=Kind.CONFIRMED,
            seat_region=seat_region,
        )
    elif registration.training.waitlist_enabled:
        _change_status(
            registration,
            Status.WAITLISTED,
            actor_kind=actor_kind,
            actor=actor,
            note=note,
            notify=Kind.WAITLISTED,
        )
    else:
        raise TrainingFull()


def participant_get_or_create(*, data: dict[str, Any]) -> Participant:
    """The participant with this e-mail (any letter case), created if new.

    An existing person's record is not overwritten from a public form: anyone
    may type anyone's e-mail address. Only fields left empty are filled in; the
    person corrects the rest from their manage page.
    """
    email = data["email"].strip()
    participant = Participant.objects.filter(email__iexact=email).first()
    if participant is None:
        values = {name: data[name] for name in PERSON_FIELDS if name in data}
        values["email"] = email
        participant = Participant(consent_given_at=timezone.now(), **values)
        participant.full_clean(validate_constraints=False)
        try:
            # A savepoint: a concurrent submission with the same new e-mail
            # (for another training) may win the race; then take its row.
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            participant = Participant.objects.get(email__iexact=email)
        return participant
    changed = [name for name in PERSON_FIELDS if data.get(name) and not getattr(participant, name)]
    for name in changed:
        setattr(participant, name, data[name])
    if changed:
        participant.save(update_fields=[*changed, "updated_at"])
    return participant


def registration_submit(
    *,
    training: Training,
    participant_data: dict[str, Any],
    answers: dict[int, Any] | None = None,
    source: str = Registration.Source.WEB,
    actor: AbstractBaseUser | None = None,
    enforce_window: bool = True,
) -> Registration:
    """Register a person for a training.

    Locks the training row, then decides: approval required → PENDING; a seat
    (of the person's regional quota, or open) free → CONFIRMED; else
    WAITLISTED, or ``TrainingFull`` when the training keeps no waiting list.
    Raises ``RegistrationClosed`` outside the registration window (staff
    imports pass ``enforce_window=False``) and ``AlreadyRegistered`` when the
    e-mail (any case) holds an active registration. A cancelled registration
    may register again: it goes to the back of the queue. ``answers`` maps
    question ids to cleaned values (see ``participants.forms``).
    """
    actor_kind = Actor.STAFF if actor is not None else Actor.PARTICIPANT
    with transaction.atomic():
        training = _lock_training(training.pk)
        if enforce_window and not training.registration_is_open():
            raise RegistrationClosed()
        if not enforce_window and training.status in (
            Training.Status.CANCELLED,
            Training.Status.COMPLETED,
        ):
            raise RegistrationClosed()
        participant = participant_get_or_create(data=participant_data)
        registration = (
            Registration.objects.select_for_update()
            .filter(participant=participant, training=training)
            .first()
        )
        if registration is not None and registration.status != Status.CANCELLED:
            raise AlreadyRegistered()
        now = timezone.now()
        if registration is None:
            registration = Registration(participant=participant, training=training)
        else:
            registration.answers.all().delete()
        registration.training = training
        registration.participant = participant
        registration.source = source
        registration.submitted_at = now
        registration.decision_reason = ""
        registration.region_id = region_code_for_country(participant.nationality.code)
        if training.requires_approval:
            _change_status(
                registration,
                Status.PENDING,
                actor_kind=actor_kind,
                actor=actor,
                notify=Kind.RECEIVED,
            )
        else:
            _offer_seat_or_waitlist(
                registration, _seat_map(training), actor_kind=actor_kind, actor=actor
            )
        _save_answers(registration, answers or {})
    return registration


def _save_answers(registration: Registration, answers: dict[int, Any]) -> None:
    Answer.objects.bulk_create(
        Answer(registration=registration, question_id=question_id, value=value)
        for question_id, value in answers.items()
        if value not in (None, "", [])
    )


def registration_approve(
    *, registration: Registration, actor: AbstractBaseUser | None = None
) -> Registration:
    """PENDING → CONFIRMED when a seat is free for the person, else WAITLISTED."""
    with transaction.atomic():
        training = _lock_training(registration.training_id)
        registration = _lock_registration(registration)
        if registration.status != Status.PENDING:
            raise InvalidTransition()
        _offer_seat_or_waitlist(
            registration, _seat_map(training), actor_kind=Actor.STAFF, actor=actor
        )
    return registration


def registration_reject(
    *, registration: Registration, reason: str = "", actor: AbstractBaseUser | None = None
) -> Registration:
    """PENDING or WAITLISTED → REJECTED; the reason is told to the person."""
    with transaction.atomic():
        _lock_training(registration.training_id)
        registration = _lock_registration(registration)
        if registration.status not in (Status.PENDING, Status.WAITLISTED):
            raise InvalidTransition()
        _change_status(
            registration,
            Status.REJECTED,
            actor_kind=Actor.STAFF,
            actor=actor,
            note=reason,
            notify=Kind.REJECTED,
        )
    return registration


def registration_cancel(
    *,
    registration: Registration,
    reason: str = "",
    actor: AbstractBaseUser | None = None,
) -> Registration:
    """Cancel an active registration (by the person, or by staff when ``actor`` is given).

    A freed seat goes to the waiting list at once. Not possible once the
    training is completed or cancelled: its records are history then.
    """
    with transaction.atomic():
        training = _lock_training(registration.training_id)
        registration = _lock_registration(registration)
        if registration.status not in Registration.ACTIVE_STATUSES:
            raise InvalidTransition()
        if training.status in (Training.Status.COMPLETED, Training.Status.CANCELLED):
            raise InvalidTransition()
        freed = registration.status == Status.CONFIRMED
        _change_status(
            registration,
            Status.CANCELLED,
            actor_kind=Actor.STAFF if actor is not None else Actor.PARTICIPANT,
            actor=actor,
            note=reason,
            notify=Kind.CANCELLED,
        )
        if freed:
            _promote_waitlisted(training=training)
    return registration


def registration_move(
    *,
    registration: Registration,
    status: str,
    actor: AbstractBaseUser,
    note: str = "",
) -> Registration:
    """Staff move a person to any status, recorded with who and why.

    Confirming still needs a seat for the person (capacity and quotas hold for
    staff too); a seat freed by the move goes to the waiting list.
    """
    if status not in Status.values:
        raise InvalidTransition()
    with transaction.atomic():
        training = _lock_training(registration.training_id)
        registration = _lock_registration(registration)
        if registration.status == status:
            raise InvalidTransition()
        freed = registration.status == Status.CONFIRMED
        if status == Status.CONFIRMED:
            seats = _seat_map(training)
            has_seat, seat_region = seats.seat_for(registration.region_id)
            if not has_seat:
                raise TrainingFull(
                    _("No seat is free for this person: capacity and regional quotas hold.")
                )
            kind = Kind.PROMOTED if registration.status == Status.WAITLISTED else Kind.CONFIRMED
            _change_status(
                registration,
                status,
                actor_kind=Actor.STAFF,
                actor=actor,
                note=note,
                notify=kind,
                seat_region=seat_region,
            )
        else:
            notify = {
                Status.WAITLISTED: Kind.WAITLISTED,
                Status.REJECTED: Kind.REJECTED,
                Status.CANCELLED: Kind.CANCELLED,
                Status.PENDING: Kind.RECEIVED,
            }[status]
            _change_status(
                registration, status, actor_kind=Actor.STAFF, actor=actor, note=note, notify=notify
            )
        if freed:
            _promote_waitlisted(training=training)
    return registration


def training_fill_from_waitlist(*, training: Training) -> list[Registration]:
    """Promote waitlisted people while seats are free (e.g. after capacity grew)."""
    with transaction.atomic():
        training = _lock_training(training.pk)
        return _promote_waitlisted(training=training)


def training_release_quotas(*, training: Training) -> list[Registration]:
    """Open unused quota seats to everyone, longest-waiting first. Safe to run twice."""
    with transaction.atomic():
        training = _lock_training(training.pk)
        if not training.quotas_are_released() or training.quotas_released_at is not None:
            return []
        promoted = _promote_waitlisted(training=training)
        training.quotas_released_at = timezone.now()
        training.save(update_fields=["quotas_released_at"])
        return promoted


def trainings_release_due_quotas() -> int:
    """For beat: release every training whose release time has come. Returns promotions."""
    due = Training.objects.filter(
        quota_release_at__lte=timezone.now(),
        quotas_released_at__isnull=True,
        status__in=[Training.Status.OPEN, Training.Status.CLOSED],
    )
    return sum(len(training_release_quotas(training=training)) for training in due)


def _promote_waitlisted(*, training: Training) -> list[Registration]:
    """Give free seats to waiting people in the order they joined. Caller holds the lock.

    Within the quota rules: before the release time a person is promoted only
    into their region's quota or an open seat, so someone of another region
    further back may go first; from the release time it is strictly by time.
    """
    seats = _seat_map(training)
    promoted = []
    if seats.taken >= seats.capacity:
        return promoted
    for registration in selectors.training_waitlist(training=training).select_related(
        "participant"
    ):
        has_seat, seat_region = seats.seat_for(registration.region_id)
        if not has_seat:
            continue
        seats.take(seat_region)
        _change_status(
            registration,
            Status.CONFIRMED,
            actor_kind=Actor.SYSTEM,
            notify=Kind.PROMOTED,
            seat_region=seat_region,
        )
        promoted.append(registration)
        if seats.taken >= seats.capacity:
            break
    return promoted


def _lock_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("participant", "training")
        .get(pk=registration.pk)
    )


# --- the person's own details ----------------------------------------------------

CONTACT_FIELDS = [
    "phone",
    "country_of_residence",
    "organisation",
    "organisation_type",
    "position",
    "preferred_language",
]


def participant_update_contact(*, participant: Participant, data: dict[str, Any]) -> Participant:
    """The person updates their own contact details from a manage link."""
    for name in CONTACT_FIELDS:
        if name in data:
            setattr(participant, name, data[name])
    participant.full_clean(validate_constraints=False)
    participant.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
    return participant


# --- reminders ---------------------------------------------------------------------


def registrations_queue_reminders(*, today: dt.date | None = None) -> int:
    """Queue the reminder of every confirmed person whose training starts within N days.

    ``RTCM_REMINDER_DAYS`` sets N. A reminder is sent once per registration: a
    partial unique constraint holds even when two beat runs overlap.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.RTCM_REMINDER_DAYS)
    due = (
        Registration.objects.filter(
            status=Status.CONFIRMED,
            training__start_date__gt=today,
            training__start_date__lte=horizon,
            training__status__in=[Training.Status.OPEN, Training.Status.CLOSED],
        )
        .exclude(notifications__kind=Kind.REMINDER)
        .select_related("participant")
    )
    queued = 0
    for registration in due:
        try:
            with transaction.atomic():
                notification_queue(registration=registration, kind=Kind.REMINDER)
        except IntegrityError:
            continue  # another run queued it first
        queued += 1
    return queued


# --- "my trainings": one-time sign-in links ------------------------------------------

SIGN_IN_LINK_LIFETIME = dt.timedelta(hours=1)
SIGN_IN_LINKS_PER_HOUR = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def participant_request_sign_in(*, email: str) -> bool:
    """Mail a one-time link to the "my trainings" page, if the address is a participant's.

    Says nothing to the caller about whether the address is known (the page
    shows the same message either way). At most a few links an hour per person.
    Returns whether a link was sent, for tests and logs.
    """
    participant = Participant.objects.filter(email__iexact=email.strip()).first()
    if participant is None:
        return False
    recent = participant.sign_in_links.filter(
        created_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count()
    if recent >= SIGN_IN_LINKS_PER_HOUR:
        return False
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = SignInLink.objects.create(
            participant=participant,
            token_hash=_token_hash(token),
            expires_at=timezone.now() + SIGN_IN_LINK_LIFETIME,
        )
        send_sign_in_link.delay_on_commit(link.pk, token)
    return True


def participant_sign_in(*, token: str) -> Participant | None:
    """Use a sign-in link: the participant, once; None when unknown, used or expired."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("participant")
            .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        return link.participant


# --- attendance ---


def attendance_mark(
    *,
    session: Session,
    registration: Registration,
    present: bool,
    actor: AbstractBaseUser | None,
) -> Attendance:
    """Mark one person present or absent at one session; marking again overwrites.

    Only people holding a confirmed seat of the session's training are marked.
    The status is read from the database, not from the object passed in, which
    may be stale.
    """
    is_confirmed = Registration.objects.filter(
        pk=registration.pk, training_id=session.training_id, status=Status.CONFIRMED
    ).exists()
    if not is_confirmed:
        raise InvalidTransition(
            _("Only confirmed participants of this training can be marked present or absent.")
        )
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        session=session,
        defaults={"present": present, "marked_by": actor},
    )
    return attendance


def attendance_mark_all_present(*, session: Session, actor: AbstractBaseUser | None) -> int:
    """Mark every confirmed person of the training present at ``session``.

    One insert-or-update (``ON CONFLICT … DO UPDATE`` on SQLite and PostgreSQL)
    for the whole list, in one transaction; marks made earlier are overwritten.
    ``marked_at`` is set here: a bulk upsert does not go through ``save()``.
    Returns how many people were marked.
    """
    now = timezone.now()
    with transaction.atomic():
        registration_ids = list(
            Registration.objects.filter(training_id=session.training_id, status=Status.CONFIRMED)
            .order_by("pk")  # rows locked in one order: no deadlock between two sheets
            .values_list("pk", flat=True)
        )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    registration_id=registration_id,
                    session=session,
                    present=True,
                    marked_by=actor,
                    marked_at=now,
                )
                for registration_id in registration_ids
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["registration", "session"],
            update_fields=["present", "marked_by", "marked_at"],
        )
    return len(registration_ids)


# --- certificates ---------------------------------------------------------------------


def _next_serial_numbers(year: int, count: int) -> list[int]:
    """Reserve ``count`` consecutive numbers of ``year``. Call inside the transaction
    that creates the certificates: if it rolls back, so does the counter — no gap."""
    SerialCounter.objects.bulk_create([SerialCounter(year=year)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return list(range(first, first + count))


def _new_certificates(registrations: list[Registration]) -> list[Certificate]:
    now = timezone.now()
    year = timezone.localdate(now).year
    numbers = _next_serial_numbers(year, len(registrations))
    return Certificate.objects.bulk_create(
        Certificate(
            registration=registration,
            year=year,
            number=number,
            serial=f"RTCM-{year}-{number:05d}",
            issued_at=now,
        )
        for registration, number in zip(registrations, numbers, strict=True)
    )


def certificates_ensure_for_training(*, training: Training) -> list[int]:
    """Create the missing certificate rows of every eligible registration.

    One transaction under the training's lock: serials are handed out in the
    order of the participants' names, consecutively, and a second run (or a
    retried task) creates nothing. Returns the ids of all the training's
    certificates still without a PDF.
    """
    with transaction.atomic():
        training = _lock_training(training.pk)
        eligibility = selectors.training_certificate_eligibility(training=training)
        eligible_ids = [pk for pk, e in eligibility.items() if e.eligible]
        missing = list(
            Registration.objects.filter(pk__in=eligible_ids, certificate__isnull=True)
            .select_related("participant")
            .order_by("participant__family_name", "participant__given_name", "pk")
        )
        if missing:
            _new_certificates(missing)
    return list(
        Certificate.objects.filter(registration__training=training, pdf="")
        .order_by("number")
        .values_list("pk", flat=True)
    )


def certificate_issue(
    *, registration: Registration, actor: AbstractBaseUser | None = None, force: bool = False
) -> Certificate:
    """Issue one certificate on demand, or re-issue it (same serial and code, new PDF).

    Refuses (``NotEligible``) a registration that is not eligible, unless staff
    granted it. Re-issuing replaces the old file, e.g. after a name correction.
    """
    training = registration.training
    with transaction.atomic():
        _lock_training(training.pk)
        registration = _lock_registration(registration)
        eligibility = selectors.training_certificate_eligibility(training=training)
        decision = eligibility.get(registration.pk)
        if decision is None or not decision.eligible:
            reason = decision.reason if decision else _("the registration is not confirmed")
            raise NotEligible(
                _("No certificate for this registration: %(reason)s.") % {"reason": reason}
            )
        certificate = Certificate.objects.filter(registration=registration).first()
        if certificate is not None and certificate.revoked_at is not None:
            raise InvalidTransition(_("A revoked certificate is not issued again."))
        if certificate is None:
            [certificate] = _new_certificates([registration])
    certificate_render(certificate_id=certificate.pk, force=force or bool(certificate.pdf))
    certificate.refresh_from_db()
    return certificate


def certificate_render(*, certificate_id: int, force: bool = False, facts=None) -> bool:
    """Render and store a certificate's PDF, then tell the person. Safe to run twice.

    The PDF is rendered outside any transaction; the file is then attached in
    one short write that only succeeds if no other run attached one first
    (unless ``force``: a re-issue replaces the file, and the old one is deleted
    after commit). Returns whether this run stored the PDF.
    """
    certificate = Certificate.objects.select_related(
        "registration__participant", "registration__training"
    ).get(pk=certificate_id)
    if certificate.pdf and not force:
        return False
    content = certificate_pdf(certificate, facts)
    storage = certificate.pdf.storage
    name = storage.save(certificate_pdf_path(certificate, "certificate.pdf"), ContentFile(content))
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate_id)
        old = current.pdf.name
        if old and not force:
            transaction.on_commit(lambda: storage.delete(name))
            return False
        current.pdf.name = name
        current.rendered_at = timezone.now()
        current.save(update_fields=["pdf", "rendered_at"])
        if old:
            transaction.on_commit(lambda: storage.delete(old))
        # The registration and person read above (select_related): two queries fewer
        # per certificate than ``current.registration``.
        notification_queue(registration=certificate.registration, kind=Kind.CERTIFICATE)
    return True


def certificate_revoke(
    *, certificate: Certificate, reason: str, actor: AbstractBaseUser | None
) -> Certificate:
    """Revoke with a reason: verification shows it revoked from now on."""
    if not reason.strip():
        raise InvalidTransition(_("Say why the certificate is revoked."), field="reason")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise InvalidTransition(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.revoked_by = actor if actor is not None and actor.is_authenticated else None
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate


def registration_decide_certificate(
    *, registration: Registration, decision: str, reason: str, actor: AbstractBaseUser
) -> Registration:
    """Staff grant or withhold a certificate whatever the attendance, with a reason
    (``decision`` "" goes back to the attendance rule)."""
    if decision not in ("", "grant", "withhold"):
        raise InvalidTransition()
    if decision and not reason.strip():
        raise InvalidTransition(_("Say why."), field="reason")
    Registration.objects.filter(pk=registration.pk).update(
        certificate_override=decision,
        certificate_override_reason=reason.strip(),
        certificate_override_by=actor,
        certificate_override_at=timezone.now(),
    )
    registration.refresh_from_db()
    return registration


def certificates_issue_for_training(*, training: Training, actor: AbstractBaseUser | None) -> Job:
    """Start the bulk job: issue every eligible certificate of the training."""
    with transaction.atomic():
        job = job_create(
            kind=CERTIFICATES_JOB,
            params={"training": training.pk, "title": training.title},
            user=actor,
        )
        certificates_issue_job.delay_on_commit(job.pk)
    return job


def certificates_zip_for_training(*, training: Training, actor: AbstractBaseUser | None) -> Job:
    """Start the job that puts all the training's certificates in one ZIP."""
    with transaction.atomic():
        job = job_create(
            kind=CERTIFICATES_ZIP_JOB,
            params={"training": training.pk, "title": training.title},
            user=actor,
        )
        certificates_zip_job.delay_on_commit(job.pk)
    return job


# --- trainer ratings ---------------------------------------------------------------

RATING_SCORES = range(1, 6)


class RatingRefused(DomainError):
    default_message = _("This trainer cannot be rated.")
    status_code = 400
    code = "rating_refused"


def trainer_rate(
    *,
    registration: Registration,
    session: Session,
    expert: Expert,
    score: int,
    comment: str = "",
) -> TrainerRating:
    """A participant rates one trainer of a session they attended, from 1 to 5.

    The registration must be confirmed (read from the database: the object may
    be stale), the session one of its training's, over, and marked *present*
    for this person; the expert one of that session's trainers. Rating again
    changes the rating (one row per registration, session and trainer). The
    expert network's matching reads the average. Raises ``RatingRefused``
    naming the field at fault; nothing is written then.
    """
    is_confirmed = Registration.objects.filter(pk=registration.pk, status=Status.CONFIRMED).exists()
    if not is_confirmed:
        raise RatingRefused(
            _("Only participants with a confirmed seat can rate the trainers."),
            field="registration",
        )
    if session.training_id != registration.training_id:
        raise RatingRefused(_("This session is not part of your training."), field="session")
    if session.ends_at > timezone.now():
        raise RatingRefused(
            _("You can rate the trainers once the session is over."), field="session"
        )
    attended = Attendance.objects.filter(
        registration=registration, session=session, present=True
    ).exists()
    if not attended:
        raise RatingRefused(
            _("Only the sessions you were marked present at can be rated."), field="session"
        )
    if not session.trainers.filter(pk=expert.pk).exists():
        raise RatingRefused(
            _("%(name)s was not a trainer of this session.") % {"name": expert.full_name},
            field="expert",
        )
    if isinstance(score, bool) or not isinstance(score, int) or score not in RATING_SCORES:
        raise RatingRefused(_("Choose a rating from 1 to 5."), field="score")
    rating, _created = TrainerRating.objects.update_or_create(
        registration=registration,
        session=session,
        expert=expert,
        defaults={"score": score, "comment": comment.strip()},
    )
    return rating


def registration_trainers_to_rate(
    registration: Registration,
) -> list[tuple[Session, Expert, TrainerRating | None]]:
    """What the person may rate: each trainer of each session they attended that is over,
    with their rating so far (or None). Sessions in time order; three queries at most."""
    if registration.status != Status.CONFIRMED:
        return []
    sessions = list(
        Session.objects.filter(
            training_id=registration.training_id,
            ends_at__lte=timezone.now(),
            attendance__registration=registration,
            attendance__present=True,
        )
        .prefetch_related("trainers")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    ratings = {
        (rating.session_id, rating.expert_id): rating
        for rating in TrainerRating.objects.filter(registration=registration)
    }
    return [
        (session, expert, ratings.get((session.pk, expert.pk)))
        for session in sessions
        for expert in session.trainers.all()
    ]
