"""Report requests: validation, access, the job end to end, the monthly mail."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from rtcm.core.jobs import job_create
from rtcm.core.models import Job
from rtcm.core.roles import MANAGER
from rtcm.reports import services, tasks
from rtcm.reports.services import (
    ReportRequest,
    report_access,
    report_build,
    report_request_validate,
    report_start,
)
from tests.factories import TopicFactory, TrainingFactory, coordinator_user, staff_user
from tests.reports.fakes import install_fake_reports, real_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_reports(monkeypatch):
    return install_fake_reports(monkeypatch)


@pytest.fixture
def training():
    return TrainingFactory(slug="readmission-2026", title="Readmission 2026")


@pytest.fixture
def manager():
    user = staff_user("manager", roles=(MANAGER,))
    user.email = "manager@rtcm.example.org"
    user.save()
    return user


@pytest.fixture
def coordinator(training):
    user = coordinator_user("coordinator")
    training.coordinators.add(user)
    return user


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "jobs"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- validation ---------------------------------------------------------------------

PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "budget", **PERIOD}, "kind"),
        ({"kind": "", **PERIOD}, "kind"),
        ({"kind": "activity", "format": "docx", **PERIOD}, "format"),
        ({"kind": "training"}, "training"),
        ({"kind": "training", "training": "no-such-training"}, "training"),
        ({"kind": "activity", "end": "2026-03-31"}, "start"),
        ({"kind": "activity", "start": "2026-01-01"}, "end"),
        ({"kind": "coverage", "end": "2026-01-31"}, "start"),
        ({"kind": "coverage", "start": "2026-02-01", "end": "2026-01-31"}, "end"),
        ({"kind": "activity", "start": "2026-13-01", "end": "2026-03-31"}, "start"),
        ({"kind": "activity", "region": "atlantis", **PERIOD}, "region"),
        ({"kind": "activity", "topic": "no-such-topic", **PERIOD}, "topic"),
        ({"kind": "activity", "training_format": "by_post", **PERIOD}, "training_format"),
    ],
)
def test_invalid_requests_name_their_field(data, field):
    with pytest.raises(ValidationError) as raised:
        report_request_validate(data)
    assert list(raised.value.message_dict) == [field]
    assert raised.value.message_dict[field][0]


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as raised:
        report_request_validate({"kind": "activity", "format": "doc", "region": "x"})
    assert set(raised.value.message_dict) == {"format", "start", "end", "region"}


def test_a_valid_activity_request_keeps_its_filters_and_round_trips_through_job_params():
    TopicFactory(slug="labour-migration")
    request = report_request_validate(
        {
            "kind": "activity",
            "format": "xlsx",
            "start": dt.date(2026, 1, 1),
            "end": "2026-03-31",
            "region": "central-asia",
            "topic": "labour-migration",
            "training_format": "online",
        }
    )
    assert request == ReportRequest(
        kind="activity",
        fmt="xlsx",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
        region="central-asia",
        topic="labour-migration",
        training_format="online",
    )
    params = request.as_params()
    assert all(isinstance(value, str) for value in params.values())
    assert report_request_validate(params) == request


def test_a_training_request_drops_what_it_does_not_use_and_defaults_to_pdf(training):
    request = report_request_validate(
        {"kind": "training", "training": "readmission-2026", "region": "central-asia", **PERIOD}
    )
    assert request == ReportRequest(kind="training", fmt="pdf", training=training)
    assert request.as_params() == {
        "kind": "training",
        "format": "pdf",
        "training": "readmission-2026",
        "title": "Training report: Readmission 2026",
    }


# --- access -------------------------------------------------------------------------


def test_access_matrix(training, manager, coordinator):
    other = TrainingFactory()
    other_coordinator = coordinator_user("other-coordinator")
    other.coordinators.add(other_coordinator)
    plain_staff = staff_user("librarian")
    superuser = staff_user("root")
    superuser.is_superuser = True
    superuser.save()
    own = ReportRequest(kind="training", training=training)
    activity = ReportRequest(kind="activity", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    coverage = ReportRequest(kind="coverage", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))

    for user in (manager, superuser):
        assert [report_access(user, r) for r in (own, activity, coverage)] == [True] * 3
    assert [report_access(coordinator, r) for r in (own, activity, coverage)] == [
        True,
        False,
        False,
    ]
    for user in (other_coordinator, plain_staff, AnonymousUser()):
        assert [report_access(user, r) for r in (own, activity, coverage)] == [False] * 3

    coordinator.is_active = False
    coordinator.save()
    assert not report_access(coordinator, own)
    manager.is_active = False
    manager.save()
    assert not report_access(manager, activity)


def test_coordinator_in_the_list_but_not_staff_may_not_run_the_report(training):
    user = staff_user("ex-staff")
    user.is_staff = False
    user.save()
    training.coordinators.add(user)
    assert not report_access(user, ReportRequest(kind="training", training=training))


def test_start_refuses_without_access_and_creates_no_job(coordinator, fake_reports):
    request = ReportRequest(kind="coverage", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    with pytest.raises(PermissionDenied):
        report_start(request=request, user=coordinator)
    assert not Job.objects.exists()
    assert fake_reports.calls == []


# --- the build ----------------------------------------------------------------------


def test_build_calls_the_builder_of_the_kind_then_renders_in_the_format(training, fake_reports):
    content, filename = report_build(
        ReportRequest(
            kind="activity",
            fmt="csv",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 1, 31),
            region="middle-east",
            training_format="hybrid",
        )
    )
    assert fake_reports.calls == [
        (
            "activity",
            {
                "start": dt.date(2026, 1, 1),
                "end": dt.date(2026, 1, 31),
                "region": "middle-east",
                "topic": None,
                "format": "hybrid",
            },
        )
    ]
    assert content.startswith(b"activity|csv|")
    assert filename.endswith(".csv")

    report_build(ReportRequest(kind="training", training=training))
    report_build(ReportRequest(kind="coverage", start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1)))
    assert [call[0] for call in fake_reports.calls] == ["activity", "training", "coverage"]
    assert fake_reports.calls[1][1] == {"training": training}
    assert fake_reports.calls[2][1] == {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 2, 1)}


# --- the job ------------------------------------------------------------------------


def test_job_runs_end_to_end_and_stores_the_file(
    training, coordinator, fake_reports, django_capture_on_commit_callbacks
):
    request = ReportRequest(kind="training", fmt="xlsx", training=training)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = report_start(request=request, user=coordinator)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.kind, job.status, job.created_by, job.error) == (
        "report",
        "succeeded",
        coordinator,
        "",
    )
    assert job.params["training"] == "readmission-2026"
    assert job.kind_label == "Report"
    expected, filename = report_build(request)
    assert job.result_name == filename
    with job.result_file.open("rb") as handle:
        assert handle.read() == expected
    assert job.percent == 100


def test_a_failing_build_leaves_a_failed_job_with_its_error_and_no_file(
    settings, training, manager, fake_reports, django_capture_on_commit_callbacks
):
    fake_reports.fail = RuntimeError("the database went away")
    request = ReportRequest(kind="training", training=training)
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report_start(request=request, user=manager)
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error == "RuntimeError: the database went away"
    assert not job.result_file
    assert job.finished_at is not None
    assert stored_files(settings) == []


def test_a_job_whose_training_has_gone_fails_with_the_reason(training, manager, fake_reports):
    job = job_create(kind="report", params={"kind": "training", "training": "gone"}, user=manager)
    with pytest.raises(ValidationError):
        tasks.build_report_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "There is no training" in job.error
    assert fake_reports.calls == []


def test_a_redelivered_job_is_not_built_twice(
    training, manager, fake_reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = report_start(request=ReportRequest(kind="training", training=training), user=manager)
    assert tasks.build_report_job(job.pk) == "finished already"
    assert len(fake_reports.calls) == 1


# --- monthly beat -------------------------------------------------------------------


def test_beat_runs_the_monthly_report_on_the_first_at_six(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-activity-report"]
    assert entry["task"] == "rtcm.reports.tasks.monthly_activity_report"
    schedule = entry["schedule"]
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({1}, {6}, {0})


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (dt.date(2026, 3, 1), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        (dt.date(2026, 1, 15), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
        (dt.date(2024, 3, 31), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ],
)
def test_previous_month(today, period):
    assert tasks.previous_month(today) == period


def test_monthly_report_mails_last_months_pdf_to_the_active_managers(
    monkeypatch, settings, manager, fake_reports
):
    settings.RTCM_REPORT_RECIPIENTS = []
    second = staff_user("manager-2", roles=(MANAGER,))
    second.email = "second@rtcm.example.org"
    second.save()
    gone = staff_user("manager-gone", roles=(MANAGER,))
    gone.email = "gone@rtcm.example.org"
    gone.is_active = False
    gone.save()
    coordinator = coordinator_user("not-a-manager")
    coordinator.email = "coordinator@rtcm.example.org"
    coordinator.save()
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: dt.date(2026, 3, 1))

    filename = tasks.monthly_activity_report()

    assert fake_reports.calls == [
        (
            "activity",
            {
                "start": dt.date(2026, 2, 1),
                "end": dt.date(2026, 2, 28),
                "region": None,
                "topic": None,
                "format": None,
            },
        )
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["manager@rtcm.example.org", "second@rtcm.example.org"]
    assert "2026-02" in message.subject
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (filename, "application/pdf")
    assert name.endswith(".pdf")
    assert content.startswith(b"activity|pdf|")


def test_monthly_report_goes_to_the_configured_recipients(settings, manager, fake_reports):
    settings.RTCM_REPORT_RECIPIENTS = ["board@rtcm.example.org"]
    tasks.monthly_activity_report()
    assert [message.to for message in mail.outbox] == [["board@rtcm.example.org"]]


def test_monthly_report_without_recipients_builds_and_sends_nothing(settings, fake_reports):
    settings.RTCM_REPORT_RECIPIENTS = []
    assert tasks.monthly_activity_report() == "no recipients"
    assert mail.outbox == []
    assert fake_reports.calls == []


# --- the real builders and renderer (skipped while they are stubs) -------------------


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv"])
@pytest.mark.parametrize("kind", ["training", "activity", "coverage"])
def test_real_build_produces_a_file_for_every_kind_and_format(training, kind, fmt):
    request = report_request_validate(
        {"kind": kind, "format": fmt, "training": training.slug, **PERIOD}
    )
    content, filename = real_or_skip(lambda: services.report_build(request))
    assert content
    assert filename.startswith(f"rtcm-{kind}-report-")
    assert filename.endswith({"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv.zip"}[fmt])
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
    else:
        assert content.startswith(b"PK")  # XLSX, and the CSV tables as a ZIP
