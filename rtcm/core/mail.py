"""E-mails logged as rows before they are sent: the claim, the send, the sweep.

A model of such a log (``participants.Notification``, ``experts.ExpertMessage``)
has ``status`` (queued / sending / sent), ``attempts``, ``claimed_at``,
``sent_at``, ``subject``, ``last_error`` and ``created_at``. A row is written in
the transaction of the change it tells of, and its task sends it after commit
through ``send_logged_email``: it claims the row with a conditional update
(queued → sending), so that a duplicate task or a second worker finds nothing
to claim, and a failing mail server puts it back to queued. The beat's
``requeue_stale_emails`` queues again whatever was left behind: mail is
delayed, never lost, never sent twice by us.

Every e-mail is made by ``render_email``: a subject, a plain text and an HTML
part, the two bodies extending ``core/email/base.txt`` and ``base.html`` (the
language and direction of the page, the center's name at the foot). It is written
in the recipient's language, which the row keeps from the person when it is queued:
a participant's ``preferred_language``, an expert's ``correspondence_language``, a
staff member's ``StaffPreference`` (``rtcm.core.staff_language``). In the HTML part
names, titles, dates and links sit in ``<bdi>``; in the plain text they sit between
Unicode isolates (``|isolate``, ``rtcm.core.templatetags.bidi``), and a link stands
alone on its line (an isolate mark next to it could end up in the link a mail client
makes of it), so that an Arabic e-mail with a Latin title or an English one with an
Arabic name reads in order. No other bidi control is added: a plain-text client sets
each paragraph's direction from its first letter.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rtcm.core.center import center_name
from rtcm.core.staff_language import interface_language

logger = logging.getLogger(__name__)

QUEUED, SENDING, SENT = "queued", "sending", "sent"
# Errors of a mail server that is down or refusing for now: try again later.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def render_email(
    *, template: str, context: dict, language: str, to: str | list[str]
) -> EmailMultiAlternatives:
    """The e-mail made of ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``.

    Rendered in ``language`` (one the interface speaks, else the site's), with
    ``CENTER_NAME`` (in that language), ``LANGUAGE_CODE`` and ``LANGUAGE_BIDI`` in the
    context for the base templates.
    Sends nothing: a logged e-mail's task sends it (``send_logged_email``).
    """
    language = interface_language(language)
    with translation.override(language):
        context = {
            "CENTER_NAME": center_name(language),
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
            **context,
        }
        # A subject is plain text: what the template escaped ("Q&amp;A") is put back.
        subject = render_to_string(f"{template}_subject.txt", context)
        subject = " ".join(html.unescape(subject).split())
        text = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to] if isinstance(to, str) else list(to)
    )
    message.attach_alternative(html_body, "text/html")
    return message


def send_logged_email(
    task,
    model: type[models.Model],
    pk: int,
    *,
    build: Callable[[models.Model], EmailMessage],
    select_related: tuple[str, ...] = (),
) -> str:
    """Claim row ``pk`` of ``model``, send what ``build(row)`` makes, record the outcome.

    ``task`` is the bound Celery task: on a transient mail error it retries
    with backoff (in eager mode it logs and leaves the row queued for the sweep).
    """
    claimed = model.objects.filter(pk=pk, status=QUEUED).update(
        status=SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    row = model.objects.select_related(*select_related).get(pk=pk)
    try:
        message = build(row)
        message.send()
    except TRANSIENT_MAIL_ERRORS as error:
        model.objects.filter(pk=pk).update(
            status=QUEUED, last_error=f"{type(error).__name__}: {error}"
        )
        if task.request.is_eager:
            # In-process mode: the request that queued it must not fail; the
            # sweep (or `manage.py send_queued_notifications`) retries.
            logger.warning("%s %s not sent: %s", model._meta.model_name, pk, error)
            return "queued"
        raise task.retry(countdown=min(60 * 2 ** min(row.attempts, 6), 3600)) from error
    model.objects.filter(pk=pk).update(
        status=SENT, sent_at=timezone.now(), subject=message.subject[:300], last_error=""
    )
    return "sent"


def requeue_stale_emails(model: type[models.Model], send_task) -> int:
    """Queue again the rows a lost task or a dead worker left behind; how many were queued."""
    now = timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.RTCM_NOTIFICATION_RETRY_SECONDS)
    claimed_before = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    # A worker that died while sending: the message may or may not have left.
    model.objects.filter(status=SENDING, claimed_at__lt=claimed_before).update(status=QUEUED)
    stale = list(
        model.objects.filter(status=QUEUED, created_at__lt=queued_before).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in stale:
        send_task.delay(pk)
    return len(stale)
