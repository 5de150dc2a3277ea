"""Background jobs: create, claim, progress, finish. Used by the apps' tasks.

A job's state moves only through these functions, each one conditional update,
so a task delivered twice (a worker killed, a message redelivered) neither
moves a finished job back nor counts twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from rtcm.core.models import Job

Status = Job.Status


def job_create(
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    total: int = 0,
) -> Job:
    return Job.objects.create(
        kind=kind,
        params=params or {},
        created_by=user if user is not None and user.is_authenticated else None,
        total=total,
    )


def job_start(*, job_id: int) -> Job | None:
    """Mark the job running; None when it is already finished (a late redelivery)."""
    updated = Job.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if updated else None


def job_set_progress(*, job_id: int, done: int, total: int | None = None) -> None:
    """Record progress; it never goes back (parallel tasks may report out of order)."""
    values: dict[str, Any] = {"done": Greatest(F("done"), Value(done))}
    if total is not None:
        values["total"] = total
    Job.objects.filter(pk=job_id, status=Status.RUNNING).update(**values)


def job_succeed(*, job_id: int, content: bytes | None = None, filename: str = "") -> bool:
    """Finish the job, saving its result file. False when another run finished it first."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return False
    if content is not None:
        # Written before the status flips: a finished job always has its file.
        job.result_file.save(filename, ContentFile(content), save=False)
    with transaction.atomic():
        updated = Job.objects.filter(pk=job_id, status=Status.RUNNING).update(
            status=Status.SUCCEEDED,
            done=job.total if job.total else job.done,
            result_file=job.result_file.name if content is not None else "",
            result_name=filename,
            finished_at=timezone.now(),
            error="",
        )
    if not updated and content is not None:
        job.result_file.delete(save=False)
    return bool(updated)


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).exclude(status=Status.SUCCEEDED).update(
        status=Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def jobs_for_user(*, user: AbstractBaseUser) -> QuerySet[Job]:
    """The jobs a person started (superusers see everyone's)."""
    jobs = Job.objects.select_related("created_by")
    return jobs if user.is_superuser else jobs.filter(created_by=user)
