"""The QR code printed on a certificate leads to its verification page; the API
verifies the same way, says nothing private and is rate-limited.

Needs poppler-utils (``pdftoppm``) and zbar-tools (``zbarimg``): ``.ci/run``
installs both.
"""

import datetime as dt
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from participants import services
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    attend,
    past_training,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    training = past_training(title="Return and reintegration")  # four sessions of 3 h
    registration = RegistrationFactory(
        training=training,
        participant=ParticipantFactory(
            given_name="ნინო",
            family_name="ბერიძე",
            email="nino.secret@example.org",
            phone="+995 555 12 34 56",
            organisation="Public Service Hall",
        ),
    )
    attend(registration, 4)
    return services.certificate_issue(registration=registration)


def decode_qr(pdf: bytes, folder) -> str:
    """The text of the QR code on the PDF's first page, read as a phone would: from pixels."""
    (folder / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(folder / "certificate.pdf"),
            str(folder / "page"),
        ],
        check=True,
    )
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(folder / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_qr_code_leads_to_the_verification_page(certificate, client, admin_user, tmp_path):
    with certificate.pdf.open("rb") as handle:
        decoded = decode_qr(handle.read(), tmp_path)
    assert decoded == certificate.get_verification_url()
    assert decoded.startswith("https://rtcm.example.org/certificates/verify/")

    path = decoded.removeprefix(settings.SITE_URL)
    page = client.get(path).content.decode()
    assert "Valid" in page
    assert "ნინო ბერიძე" in page
    assert "nino.secret@example.org" not in page

    services.certificate_revoke(certificate=certificate, reason="Issued in error", actor=admin_user)
    page = client.get(path).content.decode()
    assert "Revoked" in page
    assert "Valid</strong>" not in page


# --- the API ----------------------------------------------------------------------------


def test_the_api_says_what_the_certificate_says(certificate, admin_user):
    client = APIClient()
    response = client.get(f"/api/v1/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    body = response.json()
    training = certificate.registration.training
    assert body == {
        "serial": certificate.serial,
        "status": "valid",
        "name": "ნინო ბერიძე",
        "training": "Return and reintegration",
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "hours": 12.0,
        "issued_at": body["issued_at"],
        "revoked_at": None,
        "language": "en",
        "statement": body["statement"],
    }
    # The certificate's own words, in the reader's language (here English).
    assert body["statement"].startswith("This is to certify that ნინო ბერიძე has completed")
    assert "Return and reintegration" in body["statement"]
    assert dt.datetime.fromisoformat(body["issued_at"]) == certificate.issued_at
    text = response.content.decode()
    for private in ("nino.secret@example.org", "555 12 34", "Public Service Hall", "email"):
        assert private not in text

    services.certificate_revoke(certificate=certificate, reason="Issued in error", actor=admin_user)
    body = client.get(f"/api/v1/certificates/verify/{certificate.code}/").json()
    assert body["status"] == "revoked"
    assert body["revoked_at"]
    assert "Issued in error" not in str(body)  # the reason is for the staff


def test_the_api_accepts_the_code_as_people_type_it(certificate):
    code = certificate.code.lower()
    spaced = " ".join(code[i : i + 5] for i in range(0, len(code), 5))
    response = APIClient().get(f"/api/v1/certificates/verify/{spaced}/")
    assert response.status_code == 200
    assert response.json()["serial"] == certificate.serial


def test_the_api_says_404_for_an_unknown_code():
    response = APIClient().get("/api/v1/certificates/verify/NOSUCHCODE/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown code: no certificate of ours has it."}


@pytest.fixture
def verify_rate(monkeypatch):
    """DRF reads the rates once, into the throttle class: set the test's rate there."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "verify", "3/min")


def test_the_api_is_rate_limited_per_client(certificate, verify_rate):
    client = APIClient()
    url = f"/api/v1/certificates/verify/{certificate.code}/"
    codes = [client.get(url).status_code for _ in range(3)]
    codes += [client.get("/api/v1/certificates/verify/GUESS/").status_code for _ in range(2)]
    assert codes == [200, 200, 200, 429, 429]  # guesses count too
    assert "Retry-After" in client.get(url)

    other = APIClient(REMOTE_ADDR="192.0.2.7")
    assert other.get(url).status_code == 200


def test_the_rate_comes_from_the_settings():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"] == (
        f"{settings.RTCM_VERIFY_RATE_PER_MINUTE}/min"
    )


def test_whole_hours_print_as_people_write_them(client):
    """20.0 hours is "20", never Decimal.normalize()'s "2E+1"."""
    training = past_training(sessions=0)
    start = dt.datetime.combine(training.start_date, dt.time(9))
    for day in range(4):  # 4 sessions of 5 hours
        starts = timezone.make_aware(start + dt.timedelta(days=day))
        SessionFactory(training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=5))
    registration = RegistrationFactory(training=training)
    attend(registration, 4)
    certificate = services.certificate_issue(registration=registration)
    with certificate.pdf.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "20 hours of training" in text
    assert "E+" not in text
    page = client.get(certificate.get_verification_url().removeprefix(settings.SITE_URL))
    assert "20 hours of training" in page.content.decode()
    api = APIClient().get(f"/api/v1/certificates/verify/{certificate.code}/").json()
    assert api["hours"] == 20.0
