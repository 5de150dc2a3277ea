"""Certificates: eligibility, the PDF in every script, bulk issue as a job, verification."""

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from participants import services
from participants.models import Attendance, Certificate
from rtcm.core.errors import NotEligible
from rtcm.core.models import Job
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    manage_links_in,
)

pytestmark = pytest.mark.django_db

NAMES = {
    "Latin": ("Maria", "Popescu"),
    "Azerbaijani": ("Ləman", "Məmmədova"),
    "Cyrillic": ("Нурлан", "Абдуллаев"),
    "Georgian": ("ნინო", "ბერიძე"),
    "Armenian": ("Անի", "Հովհաննիսյան"),
    "Arabic": ("محمد", "العلي"),
}


def past_training(sessions=4, **kwargs):
    start = timezone.localdate() - dt.timedelta(days=10)
    training = TrainingFactory(
        status="completed", start_date=start, end_date=start + dt.timedelta(days=3), **kwargs
    )
    for day in range(sessions):
        starts = timezone.make_aware(
            dt.datetime.combine(start + dt.timedelta(days=day), dt.time(9))
        )
        SessionFactory(training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    return training


def attend(registration, count):
    for session in registration.training.sessions.all()[:count]:
        Attendance.objects.create(registration=registration, session=session, present=True)


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_bulk_job_issues_one_certificate_per_eligible_registration(
    django_capture_on_commit_callbacks,
):
    training = past_training(min_attendance_percent=75)
    good = RegistrationFactory(training=training, participant__preferred_language="en")
    attend(good, 3)  # 75 %
    short = RegistrationFactory(training=training)
    attend(short, 2)  # 50 %
    waiting = RegistrationFactory(training=training, status="waitlisted")
    attend(waiting, 4)

    with django_capture_on_commit_callbacks(execute=True):
        job = services.certificates_issue_for_training(training=training, actor=None)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.done, job.total) == (1, 1)
    [certificate] = Certificate.objects.all()
    assert certificate.registration == good
    assert certificate.serial == f"RTCM-{timezone.localdate().year}-00001"
    assert certificate.pdf

    # Idempotent: a second run makes nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.certificates_issue_for_training(training=training, actor=None)
    again.refresh_from_db()
    assert again.status == Job.Status.SUCCEEDED
    assert Certificate.objects.count() == 1
    assert [m.subject for m in mail.outbox if "certificate" in m.subject.lower()] == [
        f"Your certificate: {training.title}"
    ]


@pytest.mark.parametrize("script", list(NAMES))
def test_certificate_pdf_prints_names_in_every_script(script, tmp_path):
    given, family = NAMES[script]
    training = past_training(title="Return and reintegration — Возвращение и реинтеграция")
    registration = RegistrationFactory(
        training=training,
        participant=ParticipantFactory(
            given_name=given, family_name=family, preferred_language="en"
        ),
    )
    attend(registration, 4)
    certificate = services.certificate_issue(registration=registration)
    content = read(certificate.pdf)
    text = pdf_text(content)
    assert certificate.serial in text
    assert "Return and reintegration" in text
    if script == "Arabic":
        # Extracted right-to-left text comes back in visual order: check each word's letters.
        assert all(word in text or word[::-1] in text for word in (given, family))
    else:
        assert f"{given} {family}" in text
    path = tmp_path / "c.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVu" in fonts
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows
    assert all(" yes " in row for row in rows)  # every font embedded


def test_not_eligible_is_refused_unless_staff_grant_it(admin_user):
    training = past_training()
    registration = RegistrationFactory(training=training)
    attend(registration, 1)
    with pytest.raises(NotEligible):
        services.certificate_issue(registration=registration)
    services.registration_decide_certificate(
        registration=registration, decision="grant", reason="Attended remotely", actor=admin_user
    )
    assert services.certificate_issue(registration=registration).pdf


def test_reissue_keeps_serial_and_code_and_replaces_the_file(django_capture_on_commit_callbacks):
    training = past_training()
    registration = RegistrationFactory(training=training)
    attend(registration, 4)
    first = services.certificate_issue(registration=registration)
    old_name = first.pdf.name
    participant = registration.participant
    participant.family_name = "Corrected"
    participant.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.certificate_issue(registration=registration, force=True)
    assert (second.serial, second.code) == (first.serial, first.code)
    assert second.pdf.name != old_name
    assert not second.pdf.storage.exists(old_name)
    assert "Corrected" in pdf_text(read(second.pdf))


def test_serials_are_gap_free_across_trainings():
    year = timezone.localdate().year
    for _ in range(2):
        training = past_training()
        for _ in range(3):
            registration = RegistrationFactory(training=training)
            attend(registration, 4)
        services.certificates_ensure_for_training(training=training)
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert set(Certificate.objects.values_list("year", flat=True)) == {year}


def test_verification_shows_valid_then_revoked_and_no_personal_data(client, admin_user):
    training = past_training()
    registration = RegistrationFactory(training=training, participant__email="secret@example.org")
    attend(registration, 4)
    certificate = services.certificate_issue(registration=registration)
    url = reverse("certificates:verify_code", kwargs={"code": certificate.code})
    page = client.get(url).content.decode()
    assert "Valid" in page
    assert registration.participant.full_name in page
    assert "secret@example.org" not in page
    services.certificate_revoke(certificate=certificate, reason="Issued in error", actor=admin_user)
    page = client.get(url).content.decode()
    assert "Revoked" in page
    assert "no longer valid" in page


def test_unknown_code_says_so(client):
    response = client.get(reverse("certificates:verify_code", kwargs={"code": "NOPE"}))
    assert response.status_code == 404
    assert "Unknown code" in response.content.decode()


def test_verification_is_rate_limited(client, settings):
    settings.RTCM_VERIFY_RATE_PER_MINUTE = 3
    url = reverse("certificates:verify_code", kwargs={"code": "X"})
    codes = [client.get(url).status_code for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_zip_job_holds_every_pdf(django_capture_on_commit_callbacks):
    training = past_training()
    for _ in range(3):
        attend(RegistrationFactory(training=training), 4)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue_for_training(training=training, actor=None)
        job = services.certificates_zip_for_training(training=training, actor=None)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    with job.result_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
    assert len(names) == 3
    assert all(name.startswith("RTCM-") and name.endswith(".pdf") for name in names)


def test_the_certificate_email_carries_the_pdf_and_the_manage_link(
    django_capture_on_commit_callbacks,
):
    training = past_training()
    registration = RegistrationFactory(training=training, participant__preferred_language="en")
    attend(registration, 4)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(registration=registration)
    [message] = [m for m in mail.outbox if m.subject.startswith("Your certificate")]
    assert manage_links_in(message.body) == [registration]
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{certificate.serial}.pdf", "application/pdf")
    assert certificate.serial in pdf_text(content)


def test_a_name_cannot_inject_markup_nor_make_the_renderer_fetch(monkeypatch):
    from weasyprint.urls import URLFetcher

    fetched = []
    real_fetch = URLFetcher.fetch

    def spy(self, url, *args, **kwargs):
        fetched.append(url)
        return real_fetch(self, url, *args, **kwargs)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    training = past_training()
    registration = RegistrationFactory(
        training=training,
        participant=ParticipantFactory(
            given_name='<img src="http://169.254.169.254/latest">', family_name="Test"
        ),
    )
    attend(registration, 4)
    certificate = services.certificate_issue(registration=registration)
    assert '<img src="http://169.254.169.254/latest">' in pdf_text(read(certificate.pdf))
    assert not [url for url in fetched if "169.254" in url]


def test_a_revoked_certificate_is_neither_reissued_nor_zipped(
    admin_user, django_capture_on_commit_callbacks
):
    from rtcm.core.errors import InvalidTransition

    training = past_training()
    keep, revoke = (RegistrationFactory(training=training) for _ in range(2))
    attend(keep, 4)
    attend(revoke, 4)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue_for_training(training=training, actor=None)
    revoked = Certificate.objects.get(registration=revoke)
    services.certificate_revoke(certificate=revoked, reason="Fraud", actor=admin_user)
    with pytest.raises(InvalidTransition):
        services.certificate_issue(registration=revoke, force=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.certificates_zip_for_training(training=training, actor=None)
    job.refresh_from_db()
    with job.result_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert [name.split()[0] for name in archive.namelist()] == [
            Certificate.objects.get(registration=keep).serial
        ]
