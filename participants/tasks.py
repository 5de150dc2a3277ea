"""Thin tasks: take ids, claim the work, call the code that does it, record the result."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from participants.models import MessageEmail, Notification
from rtcm.core.mail import requeue_stale_emails, send_logged_email
from rtcm.core.tasks import JobTask

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_notification(self, notification_id: int) -> str:
    """Send one logged notification, exactly once (``rtcm.core.mail.send_logged_email``).

    Claims the row (queued → sending): a duplicate delivery of this task, or a
    second worker, finds nothing to claim and stops. On a mail-server error
    the row goes back to queued and the task retries with backoff; the
    periodic sweep re-queues anything left behind.
    """
    from participants.notifications import notification_message

    return send_logged_email(
        self,
        Notification,
        notification_id,
        build=notification_message,
        select_related=("registration__participant", "registration__training"),
    )


@shared_task
def notifications_requeue_stale() -> int:
    """Beat: queue again what a lost message or a dead worker left behind."""
    return requeue_stale_emails(Notification, send_notification)


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_message_email(self, message_email_id: int) -> str:
    """Send one person's copy of a coordinator's message, exactly once (as notifications)."""
    from participants.notifications import training_message_email

    return send_logged_email(
        self,
        MessageEmail,
        message_email_id,
        build=training_message_email,
        select_related=("message__training", "registration__participant"),
    )


@shared_task
def message_emails_requeue_stale() -> int:
    """Beat: queue again the messages' e-mails a lost task or a dead worker left behind."""
    return requeue_stale_emails(MessageEmail, send_message_email)


@shared_task
def registrations_send_reminders() -> int:
    """Beat: remind confirmed people N days before their training starts (once each)."""
    from participants.services import registrations_queue_reminders

    return registrations_queue_reminders()


@shared_task
def trainings_release_quotas() -> int:
    """Beat: open unused quota seats to everyone once a training's release time has come."""
    from participants.services import trainings_release_due_quotas

    return trainings_release_due_quotas()


@shared_task
def participants_apply_retention() -> dict[str, int]:
    """Beat: the retention rules (``RTCM_RETAIN_*``): answers of unattended registrations
    deleted, inactive people anonymised. Safe to run twice."""
    from participants.services import participants_apply_retention as apply_retention

    return apply_retention()


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_sign_in_link(self, link_id: int, token: str) -> str:
    """Send the logged e-mail of a one-time "my trainings" link, once.

    The token lives only in this task's arguments (the row keeps its hash), so
    the sweep cannot send it again: a retry can, and a link that expired first
    is not sent at all.
    """
    from participants.models import SignInLink
    from participants.notifications import sign_in_message

    expired = SignInLink.objects.filter(pk=link_id, status=SignInLink.Status.QUEUED).filter(
        Q(used_at__isnull=False) | Q(expires_at__lte=timezone.now())
    )
    if expired.update(status=SignInLink.Status.FAILED, last_error="expired before it was sent"):
        return "expired"
    return send_logged_email(
        self,
        SignInLink,
        link_id,
        build=lambda link: sign_in_message(link, token),
        select_related=("participant",),
    )


# --- certificates ---------------------------------------------------------------------

CERTIFICATES_JOB = "certificates"
CERTIFICATES_ZIP_JOB = "certificates_zip"
# Certificates one render task takes: small enough that two worker processes
# share a batch evenly and a killed worker loses little work.
RENDER_CHUNK = 20


@shared_task(base=JobTask)
def certificates_issue_job(job_id: int) -> str:
    """Create the certificate rows of a training, then render them in parallel chunks.

    Safe to run again (a redelivered message, a worker killed): rows already
    made are kept, PDFs already stored are not rendered again.
    """
    from courses.models import Training
    from participants.models import Certificate
    from participants.services import certificates_ensure_for_training
    from rtcm.core import jobs

    job = jobs.job_start(job_id=job_id)
    if job is None:
        return "finished already"
    training = Training.objects.get(pk=job.params["training"])
    to_render = certificates_ensure_for_training(
        training=training, early_reason=job.params.get("early_reason", "")
    )
    total = Certificate.objects.filter(registration__training=training).count()
    jobs.job_set_progress(job_id=job_id, done=total - len(to_render), total=total)
    if not to_render:
        jobs.job_succeed(job_id=job_id)
        return "nothing to render"
    for start in range(0, len(to_render), RENDER_CHUNK):
        certificates_render_chunk.delay(job_id, to_render[start : start + RENDER_CHUNK])
    return f"{len(to_render)} to render"


@shared_task(base=JobTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificates_render_chunk(job_id: int, certificate_ids: list[int]) -> int:
    """Render some certificates of a job; the last chunk to finish closes the job."""
    from participants.certificates import training_facts
    from participants.models import Certificate
    from participants.services import certificate_render
    from rtcm.core import jobs
    from rtcm.core.models import Job

    if not Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).exists():
        return 0
    first = (
        Certificate.objects.select_related("registration__training")
        .filter(pk__in=certificate_ids)
        .first()
    )
    if first is None:
        return 0
    training = first.registration.training
    facts = training_facts(training)  # shared by every certificate of the chunk
    rendered = sum(certificate_render(certificate_id=pk, facts=facts) for pk in certificate_ids)
    done = Certificate.objects.filter(registration__training=training).exclude(pdf="").count()
    total = Job.objects.get(pk=job_id).total
    # Clamped: a certificate issued on demand meanwhile must not break done <= total.
    jobs.job_set_progress(job_id=job_id, done=min(done, total))
    if done >= total:
        jobs.job_succeed(job_id=job_id)
    return rendered


@shared_task(base=JobTask)
def certificates_zip_job(job_id: int) -> str:
    """All the training's certificate PDFs in one ZIP, as the job's result."""
    import io
    import zipfile

    from django.utils.text import slugify

    from courses.models import Training
    from participants.models import Certificate
    from rtcm.core import jobs

    job = jobs.job_start(job_id=job_id)
    if job is None:
        return "finished already"
    training = Training.objects.get(pk=job.params["training"])
    certificates = list(
        Certificate.objects.filter(registration__training=training, revoked_at__isnull=True)
        .exclude(pdf="")
        .select_related("registration__participant")
        .order_by("number")
    )
    jobs.job_set_progress(job_id=job_id, done=0, total=len(certificates))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, certificate in enumerate(certificates, start=1):
            person = certificate.registration.participant
            with certificate.pdf.open("rb") as handle:
                archive.writestr(f"{certificate.serial} {person.full_name}.pdf", handle.read())
            if done % 50 == 0:
                jobs.job_set_progress(job_id=job_id, done=done)
    jobs.job_succeed(
        job_id=job_id,
        content=buffer.getvalue(),
        filename=f"certificates-{slugify(training.slug)}.zip",
    )
    return "done"
