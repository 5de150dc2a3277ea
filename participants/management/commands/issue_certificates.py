"""``manage.py issue_certificates <training-slug> [--zip] [--wait SECONDS]``

Starts the same job as the staff page, the admin action and the API
(``services.certificates_issue_for_training``, or ``…_zip_for_training`` with
``--zip``), with no staff member as its author, and prints the job's id.

* Embedded mode (no broker): the job runs in-process, so it is over when the
  command returns; the command prints what it made (certificates issued and
  their serials, or the ZIP).
* With a broker a worker runs the job. ``--wait SECONDS`` follows it, reading
  the job's row every second and printing ``done/total`` as it moves; the
  command fails (exit status 1) when the job failed or is still going at the
  deadline. Without ``--wait`` it returns at once.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import NoReverseMatch, reverse

from courses.models import Training
from participants import services
from participants.models import Certificate
from participants.tasks import CERTIFICATES_JOB, CERTIFICATES_ZIP_JOB
from rtcm.celery import app as celery_app
from rtcm.core.models import Job


class Command(BaseCommand):
    help = "Issue every eligible certificate of a training (or ZIP them all) as a job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the training's slug, as in /trainings/<slug>/")
        parser.add_argument(
            "--zip",
            action="store_true",
            dest="as_zip",
            help="put the training's certificates in one ZIP instead of issuing them",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=0,
            metavar="SECONDS",
            help="with a worker: follow the job up to this long, fail if it is not done",
        )

    def handle(self, *args, slug: str, as_zip: bool, wait: float, **options) -> None:
        if wait < 0:
            raise CommandError("--wait takes a number of seconds, 0 or more.")
        training = Training.objects.filter(slug=slug).first()
        if training is None:
            raise CommandError(f'No training has the slug "{slug}" (see /trainings/<slug>/).')
        kind = CERTIFICATES_ZIP_JOB if as_zip else CERTIFICATES_JOB
        existing = set(
            Certificate.objects.filter(registration__training=training).values_list("pk", flat=True)
        )
        start = (
            services.certificates_zip_for_training
            if as_zip
            else services.certificates_issue_for_training
        )
        eager = celery_app.conf.task_always_eager
        try:
            job = start(training=training, actor=None)
        except Exception as error:
            # In-process mode the job runs on commit, inside the call: its error
            # comes out here, after the task marked the job failed.
            job = (
                Job.objects.filter(kind=kind, params__training=training.pk).order_by("-pk").first()
            )
            number = f" #{job.pk}" if job else ""
            raise CommandError(f"Job{number} failed: {type(error).__name__}: {error}") from error
        what = "ZIP of the certificates" if as_zip else "certificates"
        self.stdout.write(f'Job #{job.pk} started: {what} of "{training.title}".')
        job = self._follow(job, seconds=wait)
        if job.status == Job.Status.FAILED:
            raise CommandError(f"Job #{job.pk} failed: {job.error}")
        if job.status != Job.Status.SUCCEEDED:
            if wait:
                raise CommandError(
                    f"Job #{job.pk} is still {job.status} after {wait:g} s "
                    f"({job.done}/{job.total}); the worker goes on with it."
                )
            mode = "runs in-process" if eager else "waits for a worker"
            self.stdout.write(
                f"Job #{job.pk} {mode}. Follow it with --wait SECONDS, "
                f"at {reverse('job-detail', args=[job.pk])} or on the staff pages."
            )
            return
        if as_zip:
            self._report_zip(job)
        else:
            self._report_certificates(job, training, existing)

    def _follow(self, job: Job, *, seconds: float) -> Job:
        """The job once finished, or as it stands after ``seconds``; prints progress."""
        deadline = time.monotonic() + seconds
        shown = None
        while True:
            job.refresh_from_db()
            if job.is_finished:
                return job
            if time.monotonic() >= deadline:
                return job
            if (job.done, job.total) != shown and seconds:
                shown = (job.done, job.total)
                self.stdout.write(f"{job.done}/{job.total}")
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def _report_certificates(self, job: Job, training: Training, existing: set[int]) -> None:
        certificates = Certificate.objects.filter(registration__training=training)
        new = certificates.exclude(pk__in=existing).order_by("year", "number")
        count = new.count()
        in_all = certificates.count()
        with_pdf = certificates.exclude(pdf="").count()
        if count:
            first, last = new.first(), new.last()
            serials = first.serial if count == 1 else f"{first.serial} … {last.serial}"
            made = f"{count} certificate{'s' if count != 1 else ''} issued ({serials})"
        else:
            made = "no new certificate"
        self.stdout.write(
            self.style.SUCCESS(
                f"Job #{job.pk} succeeded: {made}; {in_all} in all for this training, "
                f"{with_pdf} with their PDF."
            )
        )

    def _report_zip(self, job: Job) -> None:
        if not job.result_file:
            self.stdout.write(self.style.SUCCESS(f"Job #{job.pk} succeeded: nothing to ZIP."))
            return
        try:
            where = reverse("jobs:download", args=[job.pk])
        except NoReverseMatch:
            where = f"storage: {job.result_file.name}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Job #{job.pk} succeeded: {job.result_name}, {job.total} certificates, "
                f"{job.result_file.size:,} bytes ({where})."
            )
        )
