"""Attendance: marking confirmed people present or absent at a session."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Session
from participants.models import Attendance, Registration
from rtcm.core.errors import DomainError, InvalidTransition

Status = Registration.Status


class SessionNotStarted(DomainError):
    """Attendance is marked for a session that has not started yet."""

    default_message = _("This session has not started yet: attendance is marked once it starts.")
    status_code = 400
    code = "session_not_started"
    field = "session"


def session_has_started(session: Session, *, now=None) -> bool:
    """The one rule of when a session's attendance may be marked: once it has started."""
    return session.starts_at <= (now or timezone.now())


def _check_started(session: Session) -> None:
    if not session_has_started(session):
        raise SessionNotStarted()


def attendance_mark(
    *,
    session: Session,
    registration: Registration,
    present: bool,
    actor: AbstractBaseUser | None,
) -> Attendance:
    """Mark one person present or absent at one session; marking again overwrites.

    Only people holding a confirmed seat of the session's training are marked,
    and only once the session has started (``SessionNotStarted``). The status
    is read from the database, not from the object passed in, which may be stale.
    """
    _check_started(session)
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
    Returns how many people were marked. Refused (``SessionNotStarted``) before
    the session starts.
    """
    _check_started(session)
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
