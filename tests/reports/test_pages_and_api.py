"""The staff reports page, ``POST /api/v1/reports/`` and the job's download, by who asks:
a manager, the coordinator of the training, the coordinator of another training,
staff without a role, and an anonymous visitor."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rtcm.core.jobs import job_create
from rtcm.core.models import Job
from rtcm.core.roles import MANAGER
from tests.factories import TrainingFactory, coordinator_user, staff_user
from tests.reports.fakes import install_fake_reports

pytestmark = pytest.mark.django_db

URL = "/staff/reports/"
API_URL = "/api/v1/reports/"
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def fake_reports(monkeypatch):
    return install_fake_reports(monkeypatch)


@pytest.fixture
def training():
    return TrainingFactory(slug="readmission-2026", title="Readmission 2026")


@pytest.fixture
def other_training():
    return TrainingFactory(slug="border-management", title="Border management")


@pytest.fixture
def manager():
    return staff_user("manager", roles=(MANAGER,))


@pytest.fixture
def coordinator(training):
    user = coordinator_user("coordinator")
    training.coordinators.add(user)
    return user


@pytest.fixture
def other_coordinator(other_training):
    user = coordinator_user("other-coordinator")
    other_training.coordinators.add(user)
    return user


@pytest.fixture
def plain_staff():
    return staff_user("librarian")


def signed_in(client, user):
    client.force_login(user)
    return client


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- page -----------------------------------------------------------------------------


def test_reverse_name():
    assert reverse("reports:index") == URL


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_any_report_right_get_403(client, plain_staff):
    assert signed_in(client, plain_staff).get(URL).status_code == 403
    assert client.post(URL, {"kind": "coverage", **PERIOD}).status_code == 403
    assert not Job.objects.exists()


def test_a_coordinator_of_no_training_gets_403(client):
    assert signed_in(client, coordinator_user("idle")).get(URL).status_code == 403


def test_manager_sees_every_kind_and_every_training(client, manager, training, other_training):
    response = signed_in(client, manager).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == [
        "training",
        "activity",
        "coverage",
        "programme",
    ]
    assert set(form.fields["training"].queryset) == {training, other_training}
    assert reverse("staff:dashboard") in response.content.decode()


def test_coordinator_is_offered_only_the_report_of_their_trainings(
    client, coordinator, training, other_training
):
    response = signed_in(client, coordinator).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["training"]
    assert list(form.fields["training"].queryset) == [training]
    assert "Border management" not in response.content.decode()


def test_manager_starts_a_report_and_lands_on_its_job(
    client, manager, fake_reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, manager).post(
            URL, {"kind": "activity", "region": "central-asia", "format": "xlsx", **PERIOD}
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.created_by, job.status) == ("report", manager, "succeeded")
    assert job.params["region"] == "central-asia"
    assert job.params["format"] == "xlsx"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"activity|xlsx|")


def test_coordinator_starts_the_report_of_their_training(
    client, coordinator, training, fake_reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, coordinator).post(
            URL, {"kind": "training", "training": training.slug, "format": "pdf"}
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == "succeeded"


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "training", "training": "border-management"},
        {"kind": "activity", **PERIOD},
        {"kind": "coverage", **PERIOD},
    ],
)
def test_coordinator_cannot_start_other_reports(client, coordinator, other_training, data):
    response = signed_in(client, coordinator).post(URL, {"format": "pdf", **data})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "activity", "start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"kind": "activity", "end": "2026-02-01"}, "start"),
        ({"kind": "coverage", "start": "2026-01-01"}, "end"),
        ({"kind": "training"}, "training"),
        ({"kind": "training", "training": "no-such-training"}, "training"),
        ({"kind": "activity", "region": "atlantis", **PERIOD}, "region"),
        ({"kind": "activity", "topic": "no-such-topic", **PERIOD}, "topic"),
        ({"kind": "activity", "training_format": "by_post", **PERIOD}, "training_format"),
        ({"kind": "activity", "format": "docx", **PERIOD}, "format"),
        ({"kind": "budget", **PERIOD}, "kind"),
    ],
)
def test_bad_input_shows_the_error_beside_its_field(client, manager, data, field):
    response = signed_in(client, manager).post(URL, {"format": "pdf", **data})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}-errors"' in response.content.decode()
    assert not Job.objects.exists()


def test_page_lists_my_recent_report_jobs_with_their_download(client, manager, coordinator):
    mine = job_create(kind="report", params={"title": "Activity 2026-Q1"}, user=manager)
    Job.objects.filter(pk=mine.pk).update(status="succeeded", result_file="jobs/x.pdf")
    job_create(kind="certificates", params={"title": "Not a report"}, user=manager)
    job_create(kind="report", params={"title": "Someone else's"}, user=coordinator)
    page = signed_in(client, manager).get(URL).content.decode()
    assert "Activity 2026-Q1" in page
    assert reverse("jobs:detail", args=[mine.pk]) in page
    assert reverse("jobs:download", args=[mine.pk]) in page
    assert "Not a report" not in page
    assert "Someone else" not in page


def test_page_query_count_does_not_grow_with_jobs(
    client, manager, training, django_assert_num_queries
):
    signed_in(client, manager)
    for index in range(3):
        job_create(kind="report", params={"title": f"Report {index}"}, user=manager)
    # The roles are read once per request (rtcm.core.access): 9 before, when each of the
    # page's three "is a manager?" questions asked the database again. Two more list the
    # programmes and the donors (issue 15).
    with django_assert_num_queries(9):
        client.get(URL)
    for index in range(10):
        job_create(kind="report", params={"title": f"More {index}"}, user=manager)
        TrainingFactory()
    with django_assert_num_queries(9):
        client.get(URL)


# --- API ------------------------------------------------------------------------------


def test_api_manager_starts_a_report_and_follows_the_job(
    manager, fake_reports, django_capture_on_commit_callbacks
):
    client = api_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(API_URL, {"kind": "coverage", "format": "csv", **PERIOD})
    job = Job.objects.get()
    assert response.status_code == 202
    assert response.json() == {"job": job.pk, "url": f"/api/v1/jobs/{job.pk}/"}
    followed = client.get(response.json()["url"]).json()
    assert (followed["kind"], followed["status"]) == ("report", "succeeded")
    assert followed["download"].endswith(reverse("jobs:download", args=[job.pk]))


def test_api_takes_a_token(manager, fake_reports):
    token = Token.objects.create(user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post(API_URL, {"kind": "activity", **PERIOD}).status_code == 202


def test_api_coordinator_may_start_only_their_training_report(
    coordinator, training, other_training, fake_reports
):
    client = api_as(coordinator)
    ok = client.post(API_URL, {"kind": "training", "training": training.slug})
    assert ok.status_code == 202
    assert Job.objects.get().created_by == coordinator
    for data in (
        {"kind": "training", "training": other_training.slug},
        {"kind": "activity", **PERIOD},
        {"kind": "coverage", **PERIOD},
    ):
        assert client.post(API_URL, data).status_code == 403
    assert Job.objects.count() == 1


@pytest.mark.parametrize("who", ["other_coordinator", "plain_staff"])
def test_api_refuses_staff_without_the_right(request, who, training):
    user = request.getfixturevalue(who)
    response = api_as(user).post(API_URL, {"kind": "training", "training": training.slug})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_api_refuses_anonymous(training):
    response = api_as(None).post(API_URL, {"kind": "training", "training": training.slug})
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "activity", "start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"kind": "activity", "end": "2026-02-01"}, "start"),
        ({"kind": "activity", "start": "01/02/2026", "end": "2026-02-01"}, "start"),
        ({"kind": "training"}, "training"),
        ({"kind": "training", "training": "no-such-training"}, "training"),
        ({"kind": "activity", "region": "atlantis", **PERIOD}, "region"),
        ({"kind": "activity", "topic": "no-such-topic", **PERIOD}, "topic"),
        ({"kind": "activity", "training_format": "by_post", **PERIOD}, "training_format"),
        ({"kind": "activity", "format": "docx", **PERIOD}, "format"),
        ({"kind": "budget", **PERIOD}, "kind"),
        ({**PERIOD}, "kind"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_field(manager, data, field):
    response = api_as(manager).post(API_URL, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Job.objects.exists()


# --- the job's download ---------------------------------------------------------------


@pytest.fixture
def finished_job(manager, training, fake_reports, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(manager).post(API_URL, {"kind": "training", "training": training.slug})
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == "succeeded"
    return job


def test_only_the_owner_downloads_the_report(
    client, finished_job, manager, coordinator, other_coordinator, plain_staff
):
    url = reverse("jobs:download", args=[finished_job.pk])
    response = signed_in(client, manager).get(url)
    assert response.status_code == 200
    # Read it through (the test client then closes it inside its own guard): a bare
    # response.close() would fire request_finished and close the test's database
    # connection on PostgreSQL.
    assert b"".join(response.streaming_content)
    for user in (coordinator, other_coordinator, plain_staff):
        assert signed_in(client, user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
