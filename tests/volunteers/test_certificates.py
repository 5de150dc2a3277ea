"""Certificates of service: the hours they sum, their PDF (read back with pdftotext), their
QR code (decoded from pixels with zbarimg) and the public verification page."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from tests.factories import past_training
from tests.participants.test_certificate_qr import decode_qr
from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import ServiceCertificate, VolunteerMessage

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, folder) -> str:
    (folder / "service.pdf").write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(folder / "service.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _served(volunteer, *, training_title="Readmission in practice", event_hours="3"):
    training = past_training(title=training_title)  # four sessions of 3 h, 10 days ago
    assignment = services.assignment_create(
        volunteer=volunteer, training=training, role="interpretation", actor=None
    )
    services.assignment_complete(assignment=assignment, hours="10.5")
    day = timezone.localdate() - dt.timedelta(days=20)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    event = services.assignment_create(
        volunteer=volunteer,
        event="Migration School open day",
        role="registration",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        actor=None,
    )
    services.assignment_complete(assignment=event, hours=event_hours)
    return training


def _period():
    today = timezone.localdate()
    return today - dt.timedelta(days=60), today


@pytest.mark.parametrize(
    ("given", "family"), [("Aysel", "Məmmədova"), ("ليلى", "حداد"), ("Արամ", "Պետրոսյան")]
)
def test_the_pdf_says_who_what_how_long_and_its_code(given, family, tmp_path, committed):
    volunteer = VolunteerFactory(given_name=given, family_name=family)
    _served(volunteer)
    start, end = _period()
    with committed():
        certificate = services.service_certificate_issue(
            volunteer=volunteer, period_start=start, period_end=end, actor=None
        )
    assert certificate.hours == Decimal("13.5")
    assert certificate.assignment_count == 2
    with certificate.pdf.open("rb") as handle:
        pdf = handle.read()
    text = pdf_text(pdf, tmp_path)
    assert "Certificate of service" in text
    # pdftotext writes right-to-left words in visual order; compare each word.
    for word in (given, family):
        assert word in text or word[::-1] in text
    assert "Readmission in practice" in text
    assert "Migration School open day" in text
    assert "Interpretation" in text
    assert "Registration desk" in text
    assert "10.5" in text
    assert "13.5" in text
    assert certificate.code in text
    assert "regional training center on migration" in " ".join(text.split()).lower()
    # The volunteer is mailed it, PDF attached.
    message = VolunteerMessage.objects.get(kind=VolunteerMessage.Kind.CERTIFICATE)
    assert message.status == VolunteerMessage.Status.SENT
    email = mail.outbox[-1]
    assert email.attachments[0][0] == f"{certificate.code}.pdf"
    assert certificate.code in email.body


def test_the_qr_code_leads_to_a_page_that_verifies_it(tmp_path, client, admin_user):
    volunteer = VolunteerFactory(
        given_name="Ləman",
        family_name="Əliyeva",
        email="leman.secret@example.org",
        phone="+994 50 555 00 11",
    )
    _served(volunteer)
    start, end = _period()
    certificate = services.service_certificate_issue(
        volunteer=volunteer, period_start=start, period_end=end, actor=admin_user
    )
    with certificate.pdf.open("rb") as handle:
        decoded = decode_qr(handle.read(), tmp_path)
    assert decoded == f"{settings.SITE_URL}/certificates/verify/{certificate.code}/"

    path = decoded.removeprefix(settings.SITE_URL)
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid</strong>" in page
    assert "Ləman Əliyeva" in page
    assert "13.5" in page
    assert "Regional Training Center on Migration" in page
    assert start.strftime("%Y") in page
    for private in ("leman.secret@example.org", "555 00 11"):
        assert private not in page

    # Typed in the verification form: capitals, no hyphen.
    typed = client.get("/certificates/verify/", {"code": certificate.code.lower()}, follow=True)
    assert "Ləman Əliyeva" in typed.content.decode()

    services.service_certificate_revoke(certificate=certificate, reason="Error", actor=admin_user)
    page = client.get(path).content.decode()
    assert "Revoked</strong>" in page
    assert "Valid</strong>" not in page
    assert "Error" not in page  # the reason is for the staff


def test_an_unknown_code_is_still_not_found(client):
    response = client.get("/certificates/verify/VS-0000000000/")
    assert response.status_code == 404
    assert "Unknown code." in response.content.decode()


def test_no_certificate_without_completed_hours_in_the_period():
    volunteer = VolunteerFactory()
    _served(volunteer)
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    with pytest.raises(services.NoServiceInPeriod):
        services.service_certificate_issue(
            volunteer=volunteer,
            period_start=long_ago,
            period_end=long_ago + dt.timedelta(days=30),
            actor=None,
        )
    assert not ServiceCertificate.objects.exists()


def test_issuing_the_same_period_twice_makes_one_certificate():
    volunteer = VolunteerFactory()
    _served(volunteer)
    start, end = _period()
    first = services.service_certificate_issue(
        volunteer=volunteer, period_start=start, period_end=end, actor=None
    )
    again = services.service_certificate_issue(
        volunteer=volunteer, period_start=start, period_end=end, actor=None
    )
    assert again.pk == first.pk
    assert ServiceCertificate.objects.count() == 1
