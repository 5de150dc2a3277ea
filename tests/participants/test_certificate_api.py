"""Certificates through the API: issuing and ZIP jobs for coordinators, the jobs
endpoint (owner / teammate / outsider), and the certificate on each registration."""

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from participants import services
from participants.models import Certificate
from rtcm.core import jobs
from rtcm.core.models import Job
from tests.factories import (
    RegistrationFactory,
    attend,
    coordinator_user,
    coordinators_run_every_training,
    past_training,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator does on their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def owner():
    return coordinator_user("owner")


@pytest.fixture
def teammate():
    """A coordinator too, but not the one who started the job."""
    return coordinator_user("teammate")


@pytest.fixture
def training():
    training = past_training(slug="readmission-2025")
    for _ in range(3):
        attend(RegistrationFactory(training=training), 4)
    return training


def job_download_url(job) -> str | None:
    try:
        return "http://testserver" + reverse("jobs:download", args=[job.pk])
    except NoReverseMatch:  # the staff pages are not there
        return None


# --- starting the jobs ----------------------------------------------------------------


def test_it_issues_a_trainings_certificates_as_a_job(
    owner, training, django_capture_on_commit_callbacks
):
    client = api_client(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/trainings/readmission-2025/certificates/")
    assert response.status_code == 202
    job = Job.objects.get()
    assert response.json() == {"job": job.pk, "url": f"/api/v1/jobs/{job.pk}/"}
    assert response["Location"] == f"/api/v1/jobs/{job.pk}/"
    assert (job.kind, job.created_by, job.params["training"]) == (
        "certificates",
        owner,
        training.pk,
    )
    assert Certificate.objects.filter(registration__training=training).count() == 3

    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "succeeded"
    assert (body["done"], body["total"], body["percent"]) == (3, 3, 100)
    assert body["download"] is None  # certificates, not a file
    assert body["created_by"] == "owner"


def test_it_zips_the_certificates_and_the_job_links_to_the_download(
    owner, training, django_capture_on_commit_callbacks
):
    client = api_client(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/trainings/readmission-2025/certificates/")
        response = client.post("/api/v1/trainings/readmission-2025/certificates/zip/")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert job.kind == "certificates_zip"
    body = client.get(response.json()["url"]).json()
    assert body["status"] == "succeeded"
    assert body["total"] == 3
    assert body["download"] == job_download_url(job)
    assert body["finished_at"]


def test_issuing_is_for_coordinators(training, teammate):
    url = "/api/v1/trainings/readmission-2025/certificates/"
    assert api_client().post(url).status_code in (401, 403)
    librarian = staff_user("librarian", roles=("librarian",))
    assert api_client(librarian).post(url).status_code == 403
    assert api_client(librarian).post(url + "zip/").status_code == 403
    assert not Job.objects.exists()
    assert api_client(teammate).post("/api/v1/trainings/no-such/certificates/").status_code == 404


# --- the jobs endpoint ----------------------------------------------------------------


def test_it_shows_a_job_to_its_owner_and_superusers_only(owner, teammate, admin_user):
    job = jobs.job_create(kind="certificates", params={"training": 1}, user=owner, total=4)
    jobs.job_start(job_id=job.pk)
    jobs.job_set_progress(job_id=job.pk, done=1)
    url = f"/api/v1/jobs/{job.pk}/"

    body = api_client(owner).get(url).json()
    assert body["status"] == "running"
    assert (body["done"], body["total"], body["percent"]) == (1, 4, 25)
    assert body["params"] == {"training": 1}
    assert body["kind"] == "certificates"
    assert body["error"] == ""
    assert body["finished_at"] is None
    assert body["download"] is None

    assert api_client(teammate).get(url).status_code == 404  # not 403: nothing to confirm
    assert api_client(admin_user).get(url).status_code == 200
    assert api_client().get(url).status_code in (401, 403)
    visitor = User.objects.create_user("visitor")  # signed in, not staff
    assert api_client(visitor).get(url).status_code == 403
    assert api_client(owner).get(f"/api/v1/jobs/{job.pk + 100}/").status_code == 404


def test_a_failed_job_says_why(owner):
    job = jobs.job_create(kind="certificates", user=owner)
    jobs.job_start(job_id=job.pk)
    jobs.job_fail(job_id=job.pk, error="TemplateSyntaxError: broken")
    body = api_client(owner).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["error"]) == ("failed", "TemplateSyntaxError: broken")
    assert body["finished_at"]


def test_the_list_holds_ones_own_jobs_with_constant_queries(
    owner, teammate, admin_user, django_assert_num_queries
):
    mine = jobs.job_create(kind="certificates", user=owner)
    theirs = jobs.job_create(kind="certificates_zip", user=teammate)
    client = api_client(owner)
    with django_assert_num_queries(2):  # count, page (with who started each)
        body = client.get("/api/v1/jobs/").json()
    assert [job["id"] for job in body["results"]] == [mine.pk]
    for _ in range(10):
        jobs.job_create(kind="certificates", user=owner)
    with django_assert_num_queries(2):
        body = client.get("/api/v1/jobs/").json()
    assert body["count"] == 11
    everyone = api_client(admin_user).get("/api/v1/jobs/").json()
    assert {job["id"] for job in everyone["results"]} >= {mine.pk, theirs.pk}
    zips = api_client(owner).get("/api/v1/jobs/", {"kind": "certificates_zip"}).json()
    assert zips["count"] == 0


def test_the_list_is_paginated(owner):
    for _ in range(52):
        jobs.job_create(kind="certificates", user=owner)
    body = api_client(owner).get("/api/v1/jobs/").json()
    assert (body["count"], len(body["results"])) == (52, 50)
    assert body["next"]


# --- registrations carry their certificate ------------------------------------------------


def test_registrations_carry_their_certificate_with_constant_queries(
    owner, training, admin_user, django_assert_num_queries
):
    RegistrationFactory(training=training)  # no certificate
    services.certificates_ensure_for_training(training=training)
    revoked = Certificate.objects.order_by("number").first()
    services.certificate_revoke(certificate=revoked, reason="Issued in error", actor=admin_user)
    client = api_client(owner)
    with django_assert_num_queries(3):  # groups check, count, page
        results = client.get("/api/v1/registrations/").json()["results"]
    by_id = {row["id"]: row["certificate"] for row in results}
    year = timezone.localdate().year
    assert by_id[revoked.registration_id] == {
        "serial": f"RTCM-{year}-00001",
        "status": "revoked",
        "issued_at": by_id[revoked.registration_id]["issued_at"],
        "rendered": False,
    }
    statuses = sorted(c["status"] for c in by_id.values() if c)
    assert statuses == ["revoked", "valid", "valid"]
    assert sum(c is None for c in by_id.values()) == 1
