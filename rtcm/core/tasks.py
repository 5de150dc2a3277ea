"""Task bases for the whole house (core imports no app), and core's own beat tasks."""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import TaskPredicate

from rtcm.core import audit, jobs


class JobTask(DjangoTask):
    """A task whose first argument is a job id. When it fails for good — an error it
    does not retry — its job fails with the error; else the job would show "running"
    forever (say, when a training's own certificate template does not render).
    Retries are not the end, and a worker killed mid-task is no failure either: its
    unacknowledged message comes back and the task runs again.

    A ``__call__`` rather than ``on_failure``: eager tasks (the embedded mode) that
    propagate their errors never call ``on_failure``. ``DjangoTask`` is the base
    Celery gives tasks in a Django project (``delay_on_commit``).
    """

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except TaskPredicate:  # Retry, Reject, Ignore
            raise
        except Exception as error:
            job_id = kwargs.get("job_id", args[0] if args else None)
            if job_id is not None:
                jobs.job_fail(job_id=job_id, error=f"{type(error).__name__}: {error}")
            raise


@shared_task
def audit_log_prune() -> list[int]:
    """Beat: delete the audit log's rows older than ``RTCM_AUDIT_RETENTION_DAYS``."""
    return list(audit.audit_log_prune())
