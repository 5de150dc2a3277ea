"""Changes to trainings: the life-cycle (publish, close, complete, cancel) and the seats.

A training moves draft → open → closed → completed, and may be cancelled from
draft, open or closed (``TRANSITIONS``). Each change takes the training's row
lock (``SELECT … FOR UPDATE``, the lock registrations take too), checks the
move against the table and refuses any other with ``TrainingTransitionRefused``.
Cancelling sends ``courses.signals.training_cancelled`` under that lock, so the
registrations are cancelled (and their people told) in the same transaction;
a training cancelled twice is refused the second time, and frees nothing twice.

Seats: the capacity may not go below the confirmed seats
(``courses.seats.seats_taken``) nor below the regional quotas
(``training_quotas_problem``). The admin asks both rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from courses.seats import seats_taken
from courses.signals import training_cancelled
from rtcm.core.errors import DomainError

Status = Training.Status


class TrainingTransitionRefused(DomainError):
    default_message = _("This training cannot be changed that way in its current status.")
    status_code = 409
    code = "invalid_training_transition"
    field = "status"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: str


# action → from which statuses, to which status, and what the button says.
TRANSITIONS: dict[str, Transition] = {
    "publish": Transition((Status.DRAFT,), Status.OPEN, _("Publish (open for registration)")),
    "close": Transition((Status.OPEN,), Status.CLOSED, _("Close registration")),
    "complete": Transition((Status.CLOSED,), Status.COMPLETED, _("Mark as completed")),
    "cancel": Transition(
        (Status.DRAFT, Status.OPEN, Status.CLOSED), Status.CANCELLED, _("Cancel the training")
    ),
}


def training_allowed_actions(training: Training) -> list[str]:
    """The actions the table allows from the training's status, in the table's order."""
    return [name for name, move in TRANSITIONS.items() if training.status in move.sources]


def _lock_training(training_id: int) -> Training:
    return Training.objects.select_for_update().get(pk=training_id)


def training_transition(
    *,
    training: Training,
    action: str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> Training:
    """Move the training along ``TRANSITIONS``; ``TrainingTransitionRefused`` otherwise.

    Under the training's row lock, the status is read from the database (the
    object passed in may be stale). ``reason`` is told to the people of a
    cancelled training. Returns the saved training; ``training`` is updated too.
    """
    move = TRANSITIONS.get(action)
    if move is None:
        raise TrainingTransitionRefused(_("Unknown action: %(action)s.") % {"action": action})
    with transaction.atomic():
        locked = _lock_training(training.pk)
        if locked.status not in move.sources:
            raise TrainingTransitionRefused(
                _("A training that is “%(status)s” cannot be changed that way (%(action)s).")
                % {"status": locked.get_status_display(), "action": move.label}
            )
        locked.status = move.target
        locked.save(update_fields=["status", "updated_at"])
        if move.target == Status.CANCELLED:
            training_cancelled.send(
                sender=Training, training=locked, actor=actor, reason=reason.strip()
            )
    training.status = locked.status
    training.updated_at = locked.updated_at
    return locked


def training_publish(*, training: Training, actor: AbstractBaseUser | None = None) -> Training:
    """Draft → open: the public sees it, and people may register in its window."""
    return training_transition(training=training, action="publish", actor=actor)


def training_close(*, training: Training, actor: AbstractBaseUser | None = None) -> Training:
    """Open → closed: no more registrations."""
    return training_transition(training=training, action="close", actor=actor)


def training_complete(*, training: Training, actor: AbstractBaseUser | None = None) -> Training:
    """Closed → completed: its records are history."""
    return training_transition(training=training, action="complete", actor=actor)


def training_cancel(
    *, training: Training, actor: AbstractBaseUser | None = None, reason: str = ""
) -> Training:
    """Draft, open or closed → cancelled: every active registration is cancelled and
    each person told, in their language (the receivers of ``training_cancelled``)."""
    return training_transition(training=training, action="cancel", actor=actor, reason=reason)


# --- seats -----------------------------------------------------------------------------


def training_quotas_problem(*, capacity: int, quota_seats: Iterable[int]) -> str | None:
    """The quota rule: regional quotas may not add up to more than the capacity."""
    total = sum(seats or 0 for seats in quota_seats)
    if total > (capacity or 0):
        return _(
            "The regional quotas add up to %(total)s seats, more than the capacity (%(capacity)s)."
        ) % {"total": total, "capacity": capacity or 0}
    return None


def training_check_capacity(
    *, training: Training, capacity: int, quota_seats: Iterable[int] | None = None
) -> None:
    """Refuse (``ValidationError`` on ``capacity``) a capacity below the confirmed seats
    of a saved training, or below its quotas (``quota_seats``, else the saved ones).

    Call it inside the transaction that saves the capacity (the admin saves in
    one): the training's row is locked first, as registrations lock it, so no
    seat is confirmed between the count and the save.
    """
    errors = []
    if training.pk is not None:
        if transaction.get_connection().in_atomic_block:
            _lock_training(training.pk)
        confirmed = seats_taken(training=training)
        if capacity is not None and capacity < confirmed:
            errors.append(
                _(
                    "%(confirmed)s people hold a confirmed seat: the capacity cannot go "
                    "below that (cancel registrations first)."
                )
                % {"confirmed": confirmed}
            )
        if quota_seats is None:
            quota_seats = training.quotas.values_list("seats", flat=True)
    problem = training_quotas_problem(capacity=capacity, quota_seats=quota_seats or [])
    if problem:
        errors.append(problem)
    if errors:
        raise ValidationError({"capacity": errors})
