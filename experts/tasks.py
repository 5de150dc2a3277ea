"""Thin tasks: mail the messages the services logged (``rtcm.core.mail`` does the rest)."""

from __future__ import annotations

from celery import shared_task

from experts.models import ExpertMessage
from rtcm.core.mail import requeue_stale_emails, send_logged_email


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_expert_message(self, message_id: int) -> str:
    """Send one logged message to an expert, once (claimed queued → sending).

    A mail-server error puts it back to queued and retries with backoff; the
    periodic sweep re-queues whatever is left behind.
    """
    from experts.notifications import expert_email

    return send_logged_email(
        self, ExpertMessage, message_id, build=expert_email, select_related=("expert",)
    )


@shared_task
def expert_messages_requeue_stale() -> int:
    """Beat: queue again the messages a lost task or a dead worker left behind."""
    return requeue_stale_emails(ExpertMessage, send_expert_message)


@shared_task
def experts_apply_retention() -> int:
    """Beat: erase the declined applications past ``RTCM_RETAIN_DECLINED_EXPERTS_DAYS``."""
    from experts.services import experts_erase_declined

    return experts_erase_declined()
