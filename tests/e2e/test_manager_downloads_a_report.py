"""A manager who is not a superuser signs in and downloads a training's report."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.models import Training
from rtcm.core.models import Job
from rtcm.core.roles import MANAGER
from tests.e2e.conftest import sign_in, staff_account
from tests.factories import RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_manager_downloads_the_training_report(open_page):
    manager = staff_account("manager", MANAGER)
    ended = timezone.localdate() - dt.timedelta(days=10)
    training = TrainingFactory(
        title="Labour migration",
        start_date=ended - dt.timedelta(days=2),
        end_date=ended,
        status=Training.Status.COMPLETED,
    )
    RegistrationFactory(training=training, status="confirmed")
    page = open_page()
    sign_in(page, "manager", next_url="/staff/reports/")
    page.select_option("#id_kind", "training")
    page.select_option("#id_training", training.slug)
    page.select_option("#id_format", "pdf")
    page.get_by_role("button", name="Build the report").click()
    page.wait_for_url("**/staff/jobs/**")
    # The job runs in the background (eagerly here): its page shows the link once done.
    link = page.locator(".job-download")
    for _attempt in range(10):
        if link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    job = Job.objects.get(created_by=manager)
    assert job.status == Job.Status.SUCCEEDED
    assert job.params["training"] == training.slug
    assert not manager.is_superuser
