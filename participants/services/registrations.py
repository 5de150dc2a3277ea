"""Registrations: submit, approve, reject, cancel, staff moves, waiting lists, quotas.

Each function opens one ``transaction.atomic()`` block and takes the
training's row lock (``SELECT … FOR UPDATE``) before it counts or changes
seats, so concurrent submissions, approvals and cancellations are serialised
per training on PostgreSQL. (On SQLite the first write locks the whole
database, which serialises them too.)

Every change writes a ``RegistrationEvent`` (who, when, from → to, why) and,
where the person must hear of it, a ``Notification`` row that a task sends
after commit: nothing is mailed for a change that rolled back. Freed seats are
offered to the waiting list at once, first come first served among those a
seat can go to (see ``seats`` for the quota rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from participants import selectors
from participants.models import (
    PERSON_FIELDS,
    Answer,
    Consent,
    ManageToken,
    Notification,
    Participant,
    Registration,
    RegistrationEvent,
)
from participants.names import CERTIFICATE_NAME_FIELDS
from participants.services.certificates import certificate_revoke_for_cancelled
from participants.services.consents import participant_record_consents
from participants.services.notifications import notification_queue
from participants.services.seats import SeatMap, _lock_registration, _lock_training, _seat_map
from participants.services.self_service import participant_request_sign_in
from rtcm.core.errors import (
    AlreadyRegistered,
    InvalidTransition,
    RegistrationClosed,
    TrainingFull,
)
from rtcm.core.regions import region_code_for_country

Status = Registration.Status
Actor = RegistrationEvent.Actor
Kind = Notification.Kind


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
    if status == Status.CANCELLED:
        # Whoever cancels (the person, staff, the training's cancellation), a cancelled
        # registration keeps no valid certificate.
        certificate_revoke_for_cancelled(registration=registration, actor=actor)
    if notify:
        notification_queue(registration=registration, kind=notify)


WAITLIST_CLOSED_MESSAGE = _(
    "This training is full and has already started: its waiting list is closed."
)


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
        if not registration.training.waitlist_is_open():
            raise TrainingFull(WAITLIST_CLOSED_MESSAGE, field="non_field_errors")
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


def participant_get_or_create(
    *, data: dict[str, Any], fill_blanks: bool = False
) -> tuple[Participant, bool]:
    """The participant with this e-mail (any letter case), created if new; and whether new.

    An existing person's record is never changed from a public form: anyone may
    type anyone's e-mail address, and only a link that reached the person's
    inbox may change their details. Staff (an import: ``fill_blanks``) fill in
    the fields left empty; nobody overwrites one.
    """
    email = data["email"].strip()
    participant = Participant.objects.filter(email__iexact=email).first()
    if participant is None:
        values = {
            name: data[name] for name in [*PERSON_FIELDS, *CERTIFICATE_NAME_FIELDS] if name in data
        }
        values["email"] = email
        participant = Participant(consent_given_at=timezone.now(), **values)
        participant.full_clean(validate_constraints=False)
        try:
            # A savepoint: a concurrent submission with the same new e-mail
            # (for another training) may win the race; then take its row.
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            return Participant.objects.get(email__iexact=email), False
        return participant, True
    if not fill_blanks:
        return participant, False
    changed = [name for name in PERSON_FIELDS if data.get(name) and not getattr(participant, name)]
    for name in changed:
        setattr(participant, name, data[name])
    if changed:
        # The fields' own rules (names, phone: ``rtcm.core.people``) hold here too.
        participant.clean_fields(
            exclude=[f.name for f in Participant._meta.fields if f.name not in changed]
        )
        participant.save(update_fields=[*changed, "updated_at"])
    return participant, False


def registration_submit(
    *,
    training: Training,
    participant_data: dict[str, Any],
    answers: dict[int, Any] | None = None,
    source: str = Registration.Source.WEB,
    actor: AbstractBaseUser | None = None,
    enforce_window: bool = True,
    consents: Iterable[str] = (),
) -> Registration:
    """Register a person for a training.

    Locks the training row, then decides: approval required → PENDING; a seat
    (of the person's regional quota, or open) free → CONFIRMED; else
    WAITLISTED, or ``TrainingFull`` when the training keeps no waiting list
    or has started and keeps it closed after the start (``Training.waitlist_is_open``).
    Raises ``RegistrationClosed`` outside the registration window (staff
    imports pass ``enforce_window=False``) and ``AlreadyRegistered`` when the
    e-mail (any case) holds an active registration. A cancelled registration
    may register again: it goes to the back of the queue. ``answers`` maps
    question ids to cleaned values (see ``participants.forms``).

    Proving the e-mail is the key. A new person's registration carries
    ``manage_token``, the raw token of a link to show them at once (it opens
    the registration, not the contact details: see ``ManageToken.emailed``).
    For an address already known, ``manage_token`` is None: the person's record
    is left as it is, and the link goes only by the e-mail queued here.

    ``consents`` are the purposes the person agreed to on this submission
    (``participants.services.consents``): the registration consent is recorded
    for each registration (as collected by the sending agency for an import);
    optional ones (photos, newsletter) only for a new person — for an address
    already known they would change the person's choices, which only a link from
    their inbox may do (the manage page).
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
        participant, is_new = participant_get_or_create(
            data=participant_data, fill_blanks=actor is not None
        )
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
        consents = list(consents)
        if not is_new:
            consents = [purpose for purpose in consents if purpose == Consent.Purpose.REGISTRATION]
        participant_record_consents(
            participant=participant,
            purposes=consents,
            by_agency=source == Registration.Source.IMPORT,
        )
        registration.manage_token = None
        if is_new:
            registration.manage_token = ManageToken.objects.issue(
                registration=registration, emailed=False
            )
            registration.manage_link_emailed = False
    return registration


def registration_submit_public(
    *,
    training: Training,
    participant_data: dict[str, Any],
    answers: dict[int, Any] | None = None,
    source: str = Registration.Source.WEB,
    consents: Iterable[str] = (),
) -> Registration | None:
    """``registration_submit`` for anyone on the web (the form, the API).

    A duplicate says nothing either: when the address already holds an active
    registration of this training, its owner is mailed a one-time "my trainings"
    link (``participant_request_sign_in``, its hourly limit included) and this
    returns None; the caller answers "check your inbox", as for any known address.
    """
    try:
        return registration_submit(
            training=training,
            participant_data=participant_data,
            answers=answers,
            source=source,
            consents=consents,
        )
    except AlreadyRegistered:
        participant_request_sign_in(email=participant_data["email"])
        return None


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


def registration_can_cancel(registration: Registration, training: Training | None = None) -> bool:
    """The cancel rule: an active registration (pending, confirmed or waiting) of a
    training neither completed nor cancelled — its records are history then.

    ``registration_cancel`` applies it under the lock; pages ask it to offer the button.
    """
    training = training if training is not None else registration.training
    return registration.status in Registration.ACTIVE_STATUSES and training.status not in (
        Training.Status.COMPLETED,
        Training.Status.CANCELLED,
    )


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
        if not registration_can_cancel(registration, training):
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


def registrations_cancel_for_training(
    *, training: Training, actor: AbstractBaseUser | None = None, reason: str = ""
) -> list[Registration]:
    """The training is being cancelled: cancel every active registration (pending,
    confirmed, waiting) and queue each person a "training cancelled" e-mail in their
    language, sent after commit. Nobody is promoted: there is no training to go to.

    The caller holds the training's row lock: ``courses.services.training_cancel``
    sends ``courses.signals.training_cancelled`` under it, which
    ``participants.receivers`` turns into this call. Safe to run twice: a second
    run finds no active registration.
    """
    registrations = list(
        Registration.objects.select_for_update()
        .filter(training=training, status__in=Registration.ACTIVE_STATUSES)
        .select_related("participant")
        .order_by("pk")
    )
    for registration in registrations:
        _change_status(
            registration,
            Status.CANCELLED,
            actor_kind=Actor.STAFF if actor is not None else Actor.SYSTEM,
            actor=actor,
            note=reason,
            notify=Kind.TRAINING_CANCELLED,
        )
    return registrations


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
    Nobody is promoted into a training that is over or cancelled (a seat freed
    or added then is no seat anyone can take).
    """
    promoted = []
    if training.status in (Training.Status.COMPLETED, Training.Status.CANCELLED) or (
        training.has_ended()
    ):
        return promoted
    seats = _seat_map(training)
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
