"""Thin tasks: mail the messages the services logged."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from experts.models import ExpertMessage

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_expert_message(self, message_id: int) -> str:
    """Send one logged message to an expert, once (claimed queued → sending).

    A mail-server error puts it back to queued and retries with backoff; the
    periodic sweep re-queues whatever is left behind.
    """
    from experts.notifications import expert_email
    from participants.tasks import TRANSIENT_MAIL_ERRORS

    claimed = ExpertMessage.objects.filter(
        pk=message_id, status=ExpertMessage.Status.QUEUED
    ).update(
        status=ExpertMessage.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    if not claimed:
        return "not queued"
    message = ExpertMessage.objects.select_related("expert").get(pk=message_id)
    try:
        email = expert_email(message)
        email.send()
    except TRANSIENT_MAIL_ERRORS as error:
        ExpertMessage.objects.filter(pk=message_id).update(
            status=ExpertMessage.Status.QUEUED, last_error=f"{type(error).__name__}: {error}"
        )
        if self.request.is_eager:
            logger.warning("expert message %s not sent: %s", message_id, error)
            return "queued"
        raise self.retry(countdown=min(60 * 2 ** min(message.attempts, 6), 3600)) from error
    ExpertMessage.objects.filter(pk=message_id).update(
        status=ExpertMessage.Status.SENT,
        sent_at=timezone.now(),
        subject=email.subject[:300],
        last_error="",
    )
    return "sent"


@shared_task
def expert_messages_requeue_stale() -> int:
    """Beat: queue again the messages a lost task or a dead worker left behind."""
    now = timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.RTCM_NOTIFICATION_RETRY_SECONDS)
    claimed_before = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    ExpertMessage.objects.filter(
        status=ExpertMessage.Status.SENDING, claimed_at__lt=claimed_before
    ).update(status=ExpertMessage.Status.QUEUED)
    stale = list(
        ExpertMessage.objects.filter(
            status=ExpertMessage.Status.QUEUED, created_at__lt=queued_before
        ).values_list("pk", flat=True)[:500]
    )
    for message_id in stale:
        send_expert_message.delay(message_id)
    return len(stale)
