"""The staff's jobs pages: the list, one job's progress, its download — and who sees what."""

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from rtcm.core import jobs
from rtcm.core.access import staff_required
from rtcm.core.models import Job
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return staff_user("owner", roles=("coordinator",))


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def other_staff_client():
    """Staff too, but not the one who started the job."""
    client = Client()
    client.force_login(staff_user("teammate", roles=("coordinator",)))
    return client


@pytest.fixture
def anonymous_client():
    return Client()


def finished_job(user, *, content=b"PK\x05\x06" + b"\0" * 18, name="certificates-x.zip"):
    job = jobs.job_create(
        kind="certificates_zip", params={"training": 1, "title": "Возвращение"}, user=user, total=3
    )
    jobs.job_start(job_id=job.pk)
    jobs.job_set_progress(job_id=job.pk, done=3)
    jobs.job_succeed(job_id=job.pk, content=content, filename=name)
    job.refresh_from_db()
    return job


def running_job(user, *, done=1, total=4):
    job = jobs.job_create(kind="certificates", params={"title": "Readmission"}, user=user)
    jobs.job_start(job_id=job.pk)
    jobs.job_set_progress(job_id=job.pk, done=done, total=total)
    job.refresh_from_db()
    return job


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- staff_required ---------------------------------------------------------------------------


def test_staff_required_sends_anonymous_to_sign_in_and_refuses_non_staff(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    view = staff_required(lambda request: HttpResponse("ok"))
    request = rf.get("/staff/jobs/?page=2")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next=/staff/jobs/%3Fpage%3D2"

    request.user = User.objects.create_user("visitor")
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = User.objects.create_user("gone", is_staff=True, is_active=False)
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = User.objects.create_user("staff", is_staff=True)
    assert view(request).content == b"ok"


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_ones_own_jobs_only(owner, owner_client, other_staff_client):
    mine = finished_job(owner)
    url = reverse("jobs:list")
    assert url == "/staff/jobs/"
    page = owner_client.get(url).content.decode()
    assert f'data-job="{mine.pk}"' in page
    assert "Certificates as a ZIP" in page
    assert '<td dir="auto">Возвращение</td>' in page
    assert 'data-status="succeeded"' in page
    assert "owner" in page
    assert reverse("jobs:download", args=[mine.pk]) in page

    page = other_staff_client.get(url).content.decode()
    assert f'data-job="{mine.pk}"' not in page
    assert "No jobs yet." in page


def test_superusers_see_every_job(owner, admin_client):
    job = finished_job(owner)
    page = admin_client.get(reverse("jobs:list")).content.decode()
    assert f'data-job="{job.pk}"' in page


def test_the_list_is_for_staff(anonymous_client, client):
    url = reverse("jobs:list")
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    client.force_login(User.objects.create_user("visitor"))
    assert client.get(url).status_code == 403


def test_the_list_query_count_is_constant(owner, owner_client, django_assert_num_queries):
    finished_job(owner)
    # session, user, the page's count, the page of jobs with who started them, and the
    # person's roles for the staff menu (rtcm.staff.navigation)
    with django_assert_num_queries(5):
        owner_client.get(reverse("jobs:list"))
    for _ in range(10):
        finished_job(owner)
        running_job(owner)
    with django_assert_num_queries(5):
        response = owner_client.get(reverse("jobs:list"))
    assert response.content.decode().count('class="job"') == 21


def test_the_list_is_paginated(owner, owner_client):
    for _ in range(52):
        jobs.job_create(kind="certificates", user=owner)
    first = owner_client.get(reverse("jobs:list")).content.decode()
    assert first.count('class="job"') == 50
    assert "Page 1 of 2" in first
    second = owner_client.get(reverse("jobs:list"), {"page": 2}).content.decode()
    assert second.count('class="job"') == 2


# --- one job --------------------------------------------------------------------------------


def test_the_job_page_is_for_its_owner(
    owner, owner_client, other_staff_client, anonymous_client, admin_client
):
    job = finished_job(owner)
    url = reverse("jobs:detail", args=[job.pk])
    assert url == f"/staff/jobs/{job.pk}/"
    assert owner_client.get(url).status_code == 200
    assert other_staff_client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert owner_client.get(reverse("jobs:detail", args=[job.pk + 100])).status_code == 404


def test_a_running_job_page_refreshes_itself_and_shows_progress(owner, owner_client):
    job = running_job(owner, done=1, total=4)
    page = owner_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress class="job-progress" value="25" max="100"' in page
    assert "1 of 4 (25 %)" in page
    assert page.count("<script") == 1  # only the layout's Bootstrap: no polling script
    assert reverse("jobs:download", args=[job.pk]) not in page


def test_a_queued_job_refreshes_too(owner, owner_client):
    job = jobs.job_create(kind="certificates", user=owner)
    page = owner_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'data-status="queued"' in page


def test_a_finished_job_page_stops_refreshing_and_offers_the_file(owner, owner_client):
    job = finished_job(owner)
    page = owner_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'href="{reverse("jobs:download", args=[job.pk])}"' in page
    assert "Download certificates-x.zip" in page
    assert "3 of 3 (100 %)" in page


def test_a_failed_job_shows_its_error(owner, owner_client):
    job = running_job(owner)
    jobs.job_fail(job_id=job.pk, error="OSError: <disk full>")
    page = owner_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert 'data-status="failed"' in page
    assert "OSError: &lt;disk full&gt;" in page
    assert reverse("jobs:download", args=[job.pk]) not in page


# --- the download ---------------------------------------------------------------------------


def test_the_download_is_for_the_owner_only(
    owner, owner_client, other_staff_client, anonymous_client, admin_client
):
    content = b"PK\x05\x06" + b"\0" * 18
    job = finished_job(owner, content=content)
    url = reverse("jobs:download", args=[job.pk])
    assert url == f"/staff/jobs/{job.pk}/download/"

    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="certificates-x.zip"'
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == content

    assert other_staff_client.get(url).status_code == 404  # not 403: nothing to confirm
    assert anonymous_client.get(url).status_code == 302
    response = admin_client.get(url)
    assert response.status_code == 200
    assert body(response) == content  # read to the end: the file is closed


def test_no_file_no_download(owner, owner_client):
    running = running_job(owner)
    assert owner_client.get(reverse("jobs:download", args=[running.pk])).status_code == 404
    jobs.job_succeed(job_id=running.pk)  # a job without a result file
    assert owner_client.get(reverse("jobs:download", args=[running.pk])).status_code == 404
    gone = finished_job(owner)
    gone.result_file.storage.delete(gone.result_file.name)
    assert owner_client.get(reverse("jobs:download", args=[gone.pk])).status_code == 404


def test_a_job_of_nobody_is_for_superusers_only(owner_client, admin_client):
    job = finished_job(None)
    assert Job.objects.get(pk=job.pk).created_by is None
    assert owner_client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert admin_client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_job_pages_start_their_breadcrumb_at_the_page_the_top_names(owner_client, owner):
    # rtcm/urls.py includes the job pages under the staff area and names their parent;
    # core itself reverses no URL of an app above it.
    job = jobs.job_create(kind="certificates", user=owner, params={"title": "T"})
    dashboard = reverse("staff:dashboard")
    assert f'href="{dashboard}"' in owner_client.get(reverse("jobs:list")).content.decode()
    detail = owner_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{dashboard}"' in detail
