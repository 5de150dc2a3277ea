"""Thin report tasks: a report job, and the monthly activity report mailed to the managers."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from rtcm.core import jobs
from rtcm.core.mail import TRANSIENT_MAIL_ERRORS, render_email
from rtcm.core.roles import MANAGER
from rtcm.core.staff_language import staff_languages_by_email
from rtcm.core.tasks import JobTask
from rtcm.reports import services

logger = logging.getLogger(__name__)


@shared_task(base=JobTask)
def build_report_job(job_id: int) -> str:
    """Build the job's report and store it as the job's result.

    The file is saved only once it is whole (``job_succeed``); a build that
    raises leaves a failed job with its error (``JobTask``) and no file. A
    redelivered message finds the job finished and stops. The params are
    validated again: the training may have gone since the job was queued.
    """
    job = jobs.job_start(job_id=job_id)
    if job is None:
        return "finished already"
    request = services.report_request_validate(job.params)
    content, filename = services.report_build(request)
    jobs.job_succeed(job_id=job_id, content=content, filename=filename)
    return filename


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last days of the calendar month before ``today``'s."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def report_recipients() -> list[str]:
    """``RTCM_REPORT_RECIPIENTS``, or else the e-mails of the active managers."""
    if settings.RTCM_REPORT_RECIPIENTS:
        return list(settings.RTCM_REPORT_RECIPIENTS)
    emails = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=MANAGER)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(emails)


def recipients_by_language(recipients: list[str]) -> dict[str, list[str]]:
    """The recipients grouped by the language each chose (``StaffPreference``; an address
    of no staff account, or of one that chose none, reads the site's language)."""
    groups: dict[str, list[str]] = {}
    for email, language in staff_languages_by_email(recipients).items():
        groups.setdefault(language, []).append(email)
    return dict(sorted(groups.items()))


@shared_task(
    autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=5
)
def monthly_activity_report() -> str:
    """Beat, on the 1st: last month's activity report as a PDF, mailed to the managers.

    One e-mail per language the recipients read, to those who read it, with the report
    built in that language. The names of the files sent, in the order of the languages.
    """
    recipients = report_recipients()
    if not recipients:
        logger.warning("monthly activity report: nobody to send it to")
        return "no recipients"
    start, end = previous_month(timezone.localdate())
    request = services.ReportRequest(kind="activity", fmt="pdf", start=start, end=end)
    # Every e-mail is built before any is sent: a failed build sends none (a retry then
    # sends no one a second copy); a mail server failing halfway through may.
    messages = []
    for language, emails in recipients_by_language(recipients).items():
        with translation.override(language):
            content, filename = services.report_build(request)
        message = render_email(
            template="reports/email/monthly",
            context={"start": start, "end": end, "month": f"{start:%Y-%m}"},
            language=language,
            to=emails,
        )
        message.attach(filename, content, "application/pdf")
        messages.append((message, filename))
    for message, _filename in messages:
        message.send()
    return ", ".join(filename for _message, filename in messages)
