"""The person's e-mails: queue a logged notification, and the reminders beat queues."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Training
from participants.models import Notification, Registration
from participants.tasks import send_notification

Status = Registration.Status
Kind = Notification.Kind


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
