"""``manage.py issue_certificates``, in-process and with a (simulated) worker, and a
job whose task fails for good."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.template import TemplateSyntaxError
from django.utils import timezone

from participants import services
from participants.models import Certificate
from participants.tasks import certificates_issue_job
from rtcm.celery import app as celery_app
from rtcm.core import jobs
from rtcm.core.models import Job
from tests.factories import RegistrationFactory, attend, past_training

pytestmark = pytest.mark.django_db

# In-process (eager) mode a job runs when the transaction that queued it commits,
# inside the service call: the command sees it finished. Only a test in real
# transactions shows that (a plain test's transaction never commits).
in_real_transactions = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def training():
    training = past_training(slug="labour-migration")
    for _ in range(3):
        attend(RegistrationFactory(training=training), 4)
    return training


def run(*args) -> str:
    out = io.StringIO()
    call_command("issue_certificates", *args, stdout=out)
    return out.getvalue()


@in_real_transactions
def test_it_issues_in_process_and_prints_the_serials(training):
    year = timezone.localdate().year
    out = run("labour-migration")
    job = Job.objects.get()
    assert (job.status, job.created_by, job.done, job.total) == ("succeeded", None, 3, 3)
    assert f"Job #{job.pk} started" in out
    assert (
        f"Job #{job.pk} succeeded: 3 certificates issued (RTCM-{year}-00001 … RTCM-{year}-00003); "
        "3 in all for this training, 3 with their PDF." in out
    )

    out = run("labour-migration")
    assert "no new certificate; 3 in all" in out
    assert Certificate.objects.count() == 3


@in_real_transactions
def test_it_zips(training):
    run("labour-migration")
    out = run("labour-migration", "--zip")
    job = Job.objects.get(kind="certificates_zip")
    assert job.status == "succeeded"
    assert f"Job #{job.pk} succeeded: certificates-labour-migration.zip, 3 certificates" in out


def test_an_unknown_slug_is_an_error():
    with pytest.raises(CommandError, match='No training has the slug "nope"'):
        run("nope")
    assert not Job.objects.exists()


@in_real_transactions
def test_a_job_that_fails_in_process_is_an_error(training):
    training.certificate_template = "{% if %}"  # a training's own template, broken
    training.save()
    with pytest.raises(CommandError, match=r"Job #\d+ failed: TemplateSyntaxError"):
        run("labour-migration")
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("TemplateSyntaxError")


def test_a_failing_render_chunk_fails_its_job_instead_of_leaving_it_running(
    training, django_capture_on_commit_callbacks
):
    training.certificate_template = "{{ certificate|no_such_filter }}"
    training.save()
    with (
        pytest.raises(TemplateSyntaxError, match="no_such_filter"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.certificates_issue_for_training(training=training, actor=None)
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "no_such_filter" in job.error
    assert job.finished_at is not None
    assert Certificate.objects.count() == 3  # the rows stay: a rerun renders them


# --- with a worker ------------------------------------------------------------------------


@pytest.fixture
def with_a_broker():
    """Tasks go to the broker: here nothing runs them unless the test does. (The
    conftest puts the eager mode back after each test.)"""
    celery_app.conf.task_always_eager = False


def test_without_wait_it_returns_at_once(training, with_a_broker):
    out = run("labour-migration")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert f"Job #{job.pk} waits for a worker. Follow it with --wait SECONDS" in out
    assert f"/api/v1/jobs/{job.pk}/" in out


def test_wait_follows_the_job_to_its_end(training, with_a_broker, monkeypatch):
    def worker_moves(seconds):
        """Instead of sleeping: what a worker would have done meanwhile."""
        job = Job.objects.get()
        if job.status == Job.Status.QUEUED:
            jobs.job_start(job_id=job.pk)
            jobs.job_set_progress(job_id=job.pk, done=1, total=3)
        else:
            celery_app.conf.task_always_eager = True
            certificates_issue_job.apply(args=[job.pk])

    monkeypatch.setattr(time, "sleep", worker_moves)
    out = run("labour-migration", "--wait", "30")
    lines = out.splitlines()
    assert lines[1:3] == ["0/0", "1/3"]
    assert "succeeded: 3 certificates issued" in lines[3]


def test_wait_fails_when_the_job_fails(training, with_a_broker, monkeypatch):
    def worker_fails(seconds):
        job = Job.objects.get()
        jobs.job_start(job_id=job.pk)
        jobs.job_fail(job_id=job.pk, error="OSError: disk full")

    monkeypatch.setattr(time, "sleep", worker_fails)
    with pytest.raises(CommandError, match=r"Job #\d+ failed: OSError: disk full"):
        run("labour-migration", "--wait", "30")


def test_wait_fails_at_the_deadline(training, with_a_broker):
    with pytest.raises(CommandError, match=r"Job #\d+ is still queued after 0.2 s \(0/0\)"):
        run("labour-migration", "--wait", "0.2")
