"""Every registration state change, one rule in one place.

The public form, the API, admin actions and tasks call these functions. Each
opens one ``transaction.atomic()`` block and takes the training's row lock
(``SELECT … FOR UPDATE``) before it counts or changes seats, so concurrent
submissions and cancellations are serialised per training on PostgreSQL. On
SQLite the whole database is locked by the first write, which serialises them
too. E-mails are queued with ``delay_on_commit``: nothing goes out for a change
that rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Training
from participants import selectors
from participants.models import PERSON_FIELDS, Participant, Registration
from participants.tasks import send_registration_email
from rtcm.core.errors import (
    AlreadyRegistered,
    InvalidTransition,
    RegistrationClosed,
    TrainingFull,
)

Status = Registration.Status


def _lock_training(training_id: int) -> Training:
    """Load the training holding its row lock until the transaction ends."""
    return Training.objects.select_for_update().get(pk=training_id)


def participant_get_or_create(*, data: dict[str, Any]) -> Participant:
    """The participant with this e-mail (any letter case), created if new.

    An existing person's record is not overwritten from a public form: anyone
    may type anyone's e-mail address. Only fields left empty are filled in.
    """
    email = data["email"].strip()
    participant = Participant.objects.filter(email__iexact=email).first()
    if participant is None:
        values = {field: data[field] for field in PERSON_FIELDS if field in data}
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
    changed = [
        field for field in PERSON_FIELDS if data.get(field) and not getattr(participant, field)
    ]
    for field in changed:
        setattr(participant, field, data[field])
    if changed:
        participant.save(update_fields=[*changed, "updated_at"])
    return participant


def _decide_status(*, training: Training) -> str:
    """CONFIRMED, WAITLISTED or PENDING for a new submission. Caller holds the lock."""
    if training.requires_approval:
        return Status.PENDING
    return _seat_or_waitlist(training=training)


def _seat_or_waitlist(*, training: Training) -> str:
    if selectors.training_seats_taken(training=training) < training.capacity:
        return Status.CONFIRMED
    if training.waitlist_enabled:
        return Status.WAITLISTED
    raise TrainingFull()


def _set_status(registration: Registration, status: str, *, reason: str = "") -> None:
    now = timezone.now()
    registration.status = status
    registration.status_changed_at = now
    registration.waitlisted_at = now if status == Status.WAITLISTED else None
    if reason:
        registration.decision_reason = reason


def registration_submit(
    *,
    training: Training,
    participant_data: dict[str, Any],
    source: str = Registration.Source.WEB,
) -> Registration:
    """Register a person for a training.

    Locks the training row, then decides: approval required → PENDING; a seat
    free → CONFIRMED; full → WAITLISTED, or ``TrainingFull`` when the training
    keeps no waiting list. Raises ``RegistrationClosed`` outside the window and
    ``AlreadyRegistered`` when the e-mail (any case) holds an active
    registration. A cancelled registration may register again: it goes to the
    back of the queue.
    """
    with transaction.atomic():
        training = _lock_training(training.pk)
        if not training.registration_is_open():
            raise RegistrationClosed()
        participant = participant_get_or_create(data=participant_data)
        registration = (
            Registration.objects.select_for_update()
            .filter(participant=participant, training=training)
            .first()
        )
        if registration is not None and registration.status != Status.CANCELLED:
            raise AlreadyRegistered()
        status = _decide_status(training=training)
        now = timezone.now()
        if registration is None:
            registration = Registration(participant=participant, training=training)
        registration.source = source
        registration.submitted_at = now
        registration.decision_reason = ""
        _set_status(registration, status)
        registration.save()
        send_registration_email.delay_on_commit(registration.pk)
    return registration


def registration_approve(*, registration: Registration) -> Registration:
    """PENDING → CONFIRMED when a seat is free, else WAITLISTED (or ``TrainingFull``)."""
    with transaction.atomic():
        training = _lock_training(registration.training_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Status.PENDING:
            raise InvalidTransition()
        _set_status(registration, _seat_or_waitlist(training=training))
        registration.save()
        send_registration_email.delay_on_commit(registration.pk)
    return registration


def registration_reject(*, registration: Registration, reason: str = "") -> Registration:
    """PENDING (or WAITLISTED) → REJECTED, with the reason told to the person."""
    with transaction.atomic():
        _lock_training(registration.training_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (Status.PENDING, Status.WAITLISTED):
            raise InvalidTransition()
        _set_status(registration, Status.REJECTED, reason=reason)
        registration.save()
        send_registration_email.delay_on_commit(registration.pk)
    return registration


def registration_cancel(*, registration: Registration, reason: str = "") -> Registration:
    """Cancel an active registration; a freed seat goes to the first waitlisted person.

    Not possible once the training is completed or cancelled (its records are
    history then).
    """
    with transaction.atomic():
        training = _lock_training(registration.training_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in Registration.ACTIVE_STATUSES:
            raise InvalidTransition()
        if training.status in (Training.Status.COMPLETED, Training.Status.CANCELLED):
            raise InvalidTransition()
        _set_status(registration, Status.CANCELLED, reason=reason)
        registration.save()
        send_registration_email.delay_on_commit(registration.pk)
        _promote_waitlisted(training=training)
    return registration


def training_fill_from_waitlist(*, training: Training) -> list[Registration]:
    """Promote waitlisted people while seats are free (e.g. after capacity grew)."""
    with transaction.atomic():
        training = _lock_training(training.pk)
        return _promote_waitlisted(training=training)


def _promote_waitlisted(*, training: Training) -> list[Registration]:
    """First come, first served. Caller holds the training's lock."""
    free = training.capacity - selectors.training_seats_taken(training=training)
    if free <= 0:
        return []
    promoted = list(selectors.training_waitlist(training=training)[:free])
    for registration in promoted:
        _set_status(registration, Status.CONFIRMED)
        registration.save(update_fields=["status", "status_changed_at", "waitlisted_at"])
        send_registration_email.delay_on_commit(registration.pk)
    return promoted
