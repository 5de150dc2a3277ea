"""Thin tasks: load by id, call a service or render, send."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from participants.models import Registration


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=8,
)
def send_registration_email(registration_id: int) -> str | None:
    """Tell the person the current status of their registration, with the manage link.

    Returns the status mailed, or None when the registration is gone.
    """
    registration = (
        Registration.objects.select_related("participant", "training")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return None
    participant = registration.participant
    with translation.override(participant.preferred_language):
        context = {
            "registration": registration,
            "participant": participant,
            "training": registration.training,
            "manage_url": registration.get_manage_url(),
            "CENTER_NAME": settings.CENTER_NAME,
        }
        subject = render_to_string("participants/email/status_subject.txt", context)
        text = render_to_string("participants/email/status.txt", context)
        html = render_to_string("participants/email/status.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[participant.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return registration.status
