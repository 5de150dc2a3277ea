"""Erasure on request (issue 12, item 8): after a manager erases a person from the
data-protection page, no page, export, API response, report or e-mail log shows their
name, e-mail or phone, and the activity report's totals are what they were.

The people carry names in scripts of their own (Azerbaijani Latin with ə, Arabic), so
that a substring found anywhere is theirs. Every surface is read before the erasure
too: each one that shows the person then must show them no more after.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from pypdf import PdfReader

from courses.models import Question
from experts import services as expert_services
from experts.models import Expert, ExpertMessage, TrainerRating
from participants import services
from participants.models import (
    Answer,
    Certificate,
    Consent,
    ManageToken,
    MessageEmail,
    Notification,
    Participant,
    Registration,
    SignInLink,
)
from participants.services import messages as message_services
from rtcm.core.regions import region_code_for_country
from rtcm.core.roles import COORDINATOR, MANAGER
from rtcm.reports import builders
from rtcm.reports.render import render_report
from tests.factories import (
    ParticipantFactory,
    QuestionFactory,
    RegistrationFactory,
    TrainingFactory,
    attend,
    cv_pdf,
    past_training,
    person_data,
    photo_jpeg,
    staff_user,
)

pytestmark = pytest.mark.django_db

GULNARE = {
    "given_name": "Gülnarə",
    "family_name": "Məmmədova",
    "email": "gulnare.memmedova@example.az",
    "phone": "+994 50 321 45 67",
}
LAILA = {
    "given_name": "ليلى",
    "family_name": "الحسيني",
    "email": "laila.husseini@example.jo",
    "phone": "+962 79 555 1234",
}
PEOPLE = {"Gülnarə": GULNARE, "Laila": LAILA}


def needles(person: dict) -> list[str]:
    return [person["given_name"], person["family_name"], person["email"], person["phone"]]


def found(person: dict, text: str) -> list[str]:
    """The person's words ``text`` holds (any letter case; Arabic also as a PDF's
    visual order gives it back, letters reversed)."""
    folded = text.casefold()
    return [
        needle
        for needle in needles(person)
        if needle.casefold() in folded or needle[::-1].casefold() in folded
    ]


# --- the scene ------------------------------------------------------------------------


def _register(person: dict, training, **extra) -> Registration:
    participant = ParticipantFactory(
        **person,
        organisation="Dövlət Miqrasiya Xidməti",
        position="Baş mütəxəssis",
        **extra,
    )
    return RegistrationFactory(
        participant=participant,
        training=training,
        region_id=region_code_for_country(participant.nationality.code),
    )


@pytest.fixture
def scene(django_capture_on_commit_callbacks):
    manager = staff_user("dpo", roles=(MANAGER,))
    superuser = User.objects.create_superuser("root", password="x")
    past = past_training(sessions=2, title="Readmission practice", slug="readmission-practice")
    question = QuestionFactory(
        training=past, label="Why do you come?", kind=Question.Kind.SHORT_TEXT
    )
    upcoming = TrainingFactory(title="Border management", slug="border-management")

    gulnare = _register(GULNARE, past, gender="female", nationality="AZ")
    laila = _register(LAILA, past, gender="female", nationality="JO", country_of_residence="JO")
    others = [
        RegistrationFactory(
            training=past,
            participant=ParticipantFactory(
                given_name="Нурлан",
                family_name="Абдуллаев",
                email="nurlan@example.uz",
                gender="male",
                nationality="UZ",
                country_of_residence="UZ",
            ),
            region_id=region_code_for_country("UZ"),
        ),
        RegistrationFactory(
            training=past,
            participant=ParticipantFactory(
                given_name="Айгерим",
                family_name="Садыкова",
                email="aigerim@example.kz",
                nationality="KZ",
                country_of_residence="KZ",
            ),
            region_id=region_code_for_country("KZ"),
        ),
    ]
    for registration in [gulnare, laila, *others]:
        attend(registration, 2)
    Answer.objects.create(
        registration=gulnare, question=question, value="Gülnarə Məmmədova, from the Baku office"
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificates = {
            registration.pk: services.certificate_issue(registration=registration)
            for registration in [gulnare, laila, others[0]]
        }
    with django_capture_on_commit_callbacks(execute=True):
        # Registered again, for a training to come (the form's path: consent recorded).
        services.registration_submit(
            training=upcoming,
            participant_data=person_data(**GULNARE, nationality="AZ", country_of_residence="AZ"),
            consents=[Consent.Purpose.REGISTRATION],
        )
        services.participant_request_sign_in(email=GULNARE["email"])
    with django_capture_on_commit_callbacks(execute=True):
        expert = expert_services.expert_create(
            data={
                **GULNARE,
                "country": "AZ",
                "organisation": "Dövlət Miqrasiya Xidməti",
                "bio": "Gülnarə Məmmədova leads readmission casework.",
                "staff_notes": "Met Gülnarə in Baku.",
            },
            cv=cv_pdf("CV of Gülnarə Məmmədova"),
            photo=photo_jpeg(),
            public_profile_consent=True,
            actor=manager,
        )
        expert_services.expert_approve(expert=expert, actor=manager, note="Welcome, Gülnarə!")
    session = past.sessions.order_by("starts_at").first()
    expert_services.session_assign_trainer(session=session, expert=expert)
    TrainerRating.objects.create(
        registration=others[0], session=session, expert=expert, score=5, comment="Məmmədova rocks"
    )
    expert.refresh_from_db()
    # A coordinator's message to the training's people, its e-mails still queued.
    message_services.training_message_send(
        training=past,
        subject="Photos of the training",
        body="The photos are online.",
        statuses=[Registration.Status.CONFIRMED],
        actor=superuser,
    )
    return {
        "manager": manager,
        "superuser": superuser,
        "past": past,
        "upcoming": upcoming,
        "session": session,
        "gulnare": gulnare,
        "laila": laila,
        "others": others,
        "certificates": certificates,
        "expert": expert,
    }


# --- reading every surface ------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(value) for value in row if value is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8-sig", errors="replace") for name in archive.namelist()
        )


def as_text(content: bytes, content_type: str = "") -> str:
    if content.startswith(b"%PDF"):
        return _pdf_text(content)
    if content.startswith(b"PK"):
        try:
            return _xlsx_text(content)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            return _zip_text(content)
    return content.decode("utf-8-sig", errors="replace")


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return as_text(body, response.get("Content-Type", ""))


def public_pages(s) -> dict[str, str]:
    client = Client()
    certificate = s["certificates"][s["gulnare"].pk]
    pages = {
        "catalogue": reverse("courses:training_list"),
        "training page": reverse("courses:training_detail", args=[s["past"].slug]),
        "upcoming training page": reverse("courses:training_detail", args=[s["upcoming"].slug]),
        "verify page": reverse("certificates:verify_code", args=[certificate.code]),
        "verify API": reverse("certificate-verify", args=[certificate.code]),
        "experts directory": reverse("experts:directory"),
        "expert profile": reverse("experts:profile", args=[s["expert"].slug]),
        "experts export": reverse("experts:export", args=["csv"]),
        "experts API": reverse("expert-list"),
        "trainings API": reverse("training-detail", args=[s["past"].slug]),
    }
    return {f"public {name}": _get(client, url) for name, url in pages.items()}


def staff_pages(s) -> dict[str, str]:
    client = Client()
    client.force_login(s["superuser"])
    past, session = s["past"], s["session"]
    pages = {
        "dashboard": reverse("staff:dashboard"),
        "attendance sheet": reverse("staff:attendance_sheet", args=[session.pk]),
        "sign-in sheet PDF": reverse("staff:sign_in_sheet", args=[session.pk]),
        "certificates page": reverse("staff:training_certificates", args=[past.slug]),
        "upcoming certificates page": reverse(
            "staff:training_certificates", args=[s["upcoming"].slug]
        ),
        "registrations CSV": reverse("staff_io:training_export", args=[past.slug, "csv"]),
        "registrations XLSX": reverse("staff_io:training_export", args=[past.slug, "xlsx"]),
        "upcoming registrations CSV": reverse(
            "staff_io:training_export", args=[s["upcoming"].slug, "csv"]
        ),
        "experts list": reverse("experts_staff:list"),
        "expert page": reverse("experts_staff:detail", args=[s["expert"].pk]),
        "experts CSV": reverse("experts_staff:export", args=["csv"]),
        "experts XLSX": reverse("experts_staff:export", args=["xlsx"]),
        "trainer matching": reverse("experts_staff:matching", args=[past.slug]),
        "registrations API": reverse("registration-list") + "?page_size=100",
        "registration API": reverse("registration-detail", args=[s["gulnare"].pk]),
        "staff experts API": reverse("staff-expert-list"),
        "staff expert API": reverse("staff-expert-detail", args=[s["expert"].pk]),
        "participant admin page": reverse(
            "admin:participants_participant_change", args=[s["gulnare"].participant_id]
        ),
        "registration admin page": reverse(
            "admin:participants_registration_change", args=[s["gulnare"].pk]
        ),
        "expert admin page": reverse("admin:experts_expert_change", args=[s["expert"].pk]),
    }
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        pages[f"admin {label}"] = reverse(f"admin:{label}_changelist")
    try:
        resolve("/staff/audit/")
    except Resolver404:
        pass
    else:
        pages["audit page"] = "/staff/audit/"
    return {f"staff {name}": _get(client, url) for name, url in pages.items()}


def report_files(s) -> dict[str, str]:
    past = s["past"]
    files = {}
    reports = {
        "training report": builders.training_report(training=past),
        "activity report": builders.activity_report(
            start=past.start_date - dt.timedelta(days=1), end=past.end_date
        ),
    }
    for name, report in reports.items():
        for fmt in ("pdf", "xlsx", "csv"):
            content, _filename = render_report(report, fmt)
            files[f"{name} {fmt}"] = as_text(content)
    return files


def mail_logs() -> dict[str, str]:
    def rows(model) -> str:
        return json.dumps(list(model.objects.values()), default=str, ensure_ascii=False)

    return {
        "notifications": rows(Notification),
        "coordinators' messages": rows(MessageEmail),
        "expert messages": rows(ExpertMessage),
        "sign-in links": rows(SignInLink),
    }


def database_dump() -> dict[str, str]:
    """Every row of every table, the audit log's included."""
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out)
    data = json.loads(out.getvalue())
    return {"database": json.dumps(data, ensure_ascii=False)}


def everything(s) -> dict[str, str]:
    return {
        **public_pages(s),
        **staff_pages(s),
        **report_files(s),
        **mail_logs(),
        **database_dump(),
    }


def activity_totals(s) -> list:
    """The activity report's figures and tables but the experts' (which names them)."""
    past = s["past"]
    report = builders.activity_report(
        start=past.start_date - dt.timedelta(days=1), end=past.end_date
    )
    return [
        (
            section.title,
            [(figure.label, figure.value, figure.previous) for figure in section.figures],
            [(table.key, table.rows) for table in section.tables if table.key != "experts"],
        )
        for section in report.sections
    ]


def erase_from_the_staff_page(client: Client, email: str, capture) -> None:
    url = reverse("staff:privacy")
    page = client.get(url, {"email": email})
    assert page.status_code == 200
    confirm = client.post(reverse("staff:privacy_erase"), {"email": email})
    assert confirm.status_code == 200  # the confirmation step: nothing erased yet
    assert Participant.objects.filter(email__iexact=email).exists()
    with capture(execute=True):
        done = client.post(
            reverse("staff:privacy_erase"), {"email": email, "confirm_email": email.upper()}
        )
    assert done.status_code == 302


# --- the acceptance test --------------------------------------------------------------


def test_after_erasure_no_surface_shows_the_person_and_report_totals_hold(
    scene, django_capture_on_commit_callbacks
):
    before = everything(scene)
    totals_before = activity_totals(scene)
    for person in PEOPLE.values():
        assert found(person, before["database"]), "the scene holds the person"
    shown_before = {
        name: {key for key, person in PEOPLE.items() if found(person, text)}
        for name, text in before.items()
    }
    # The surfaces that matter did show the person: the checks below are not vacuous.
    for name in (
        "public verify page",
        "staff attendance sheet",
        "staff sign-in sheet PDF",
        "staff registrations XLSX",
        "staff registrations CSV",
        "staff experts CSV",
        "staff admin participants_participant",
        "staff admin participants_notification",
        "staff registrations API",
        "training report pdf",
        "training report xlsx",
        "notifications",
        "expert messages",
    ):
        assert "Gülnarə" in shown_before[name], name
    assert "Gülnarə" in shown_before["coordinators' messages"]
    certificate = scene["certificates"][scene["gulnare"].pk]
    files = [certificate.pdf, scene["expert"].cv, scene["expert"].photo]
    assert all(file.storage.exists(file.name) for file in files)
    sent_before = len(mail.outbox)

    client = Client()
    client.force_login(scene["manager"])
    erase_from_the_staff_page(client, GULNARE["email"], django_capture_on_commit_callbacks)
    erase_from_the_staff_page(client, LAILA["email"], django_capture_on_commit_callbacks)

    after = everything(scene)
    leaks = {
        name: {key: found(person, text) for key, person in PEOPLE.items() if found(person, text)}
        for name, text in after.items()
    }
    leaks = {name: leak for name, leak in leaks.items() if leak}
    assert leaks == {}
    assert activity_totals(scene) == totals_before

    # The files are gone from storage; no e-mail went to the erased addresses.
    assert not any(file.storage.exists(file.name) for file in files)
    for message in mail.outbox[sent_before:]:
        for person in PEOPLE.values():
            assert person["email"] not in message.to
    # The verification page says the certificate was withdrawn; others are still valid.
    page = Client().get(reverse("certificates:verify_code", args=[certificate.code]))
    assert "withdrawn at the holder" in page.content.decode()
    api = Client().get(reverse("certificate-verify", args=[certificate.code])).json()
    assert (api["status"], api["name"], api["serial"]) == ("withdrawn", "", certificate.serial)
    other = scene["certificates"][scene["others"][0].pk]
    page = Client().get(reverse("certificates:verify_code", args=[other.code]))
    assert "Нурлан Абдуллаев" in page.content.decode()
    # The registrations stay, as anonymous counts; the upcoming one was cancelled.
    erased = Participant.objects.get(pk=scene["gulnare"].participant_id)
    assert erased.erased_at is not None
    assert (erased.gender, erased.nationality.code) == ("female", "AZ")
    statuses = dict(erased.registrations.values_list("training__slug", "status"))
    assert statuses == {"readmission-practice": "confirmed", "border-management": "cancelled"}
    assert Certificate.objects.filter(registration__participant=erased).count() == 1
    assert not ManageToken.objects.filter(registration__participant=erased).exists()
    assert not erased.consents.exists()
    # The message's queued e-mail to the erased person never goes out; the others' do.
    unsent = MessageEmail.objects.get(registration=scene["gulnare"])
    assert (unsent.status, unsent.recipient) == (MessageEmail.Status.FAILED, erased.email)
    assert MessageEmail.objects.get(registration=scene["others"][0]).status == "queued"
    expert = Expert.objects.get(pk=scene["expert"].pk)
    assert not expert.is_public
    assert expert.sessions.filter(pk=scene["session"].pk).exists()  # taught it: still counts
    assert TrainerRating.objects.get(expert=expert).score == 5


# --- the export -----------------------------------------------------------------------


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_person_downloads_their_data_from_an_emailed_manage_link(scene):
    registration = scene["gulnare"]
    token = ManageToken.objects.issue(registration=registration)  # as an e-mail carries it
    response = Client().get(reverse("participants:data_export", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "private" in response["Cache-Control"]
    files = _zip(response.content)
    certificate = scene["certificates"][registration.pk]
    assert set(files) == {"data.json", f"certificates/{certificate.serial}.pdf"}
    assert files[f"certificates/{certificate.serial}.pdf"].startswith(b"%PDF")
    assert "Məmmədova" in files["data.json"].decode()  # ensure_ascii=False: as written
    data = json.loads(files["data.json"])
    assert set(data) == {"exported_at", "participant", "consents", "registrations", "sign_in_links"}
    assert data["participant"]["email"] == GULNARE["email"]
    assert data["participant"]["phone"] == GULNARE["phone"]
    by_training = {row["training"]["title"]: row for row in data["registrations"]}
    past = by_training["Readmission practice"]
    assert past["training"]["start_date"] == scene["past"].start_date.isoformat()
    assert [mark["present"] for mark in past["attendance"]] == [True, True]
    assert past["answers"] == [
        {"question": "Why do you come?", "answer": "Gülnarə Məmmədova, from the Baku office"}
    ]
    assert past["certificate"]["serial"] == certificate.serial
    assert past["certificate"]["verification_url"] == certificate.get_verification_url()
    assert past["certificate"]["file"] == f"certificates/{certificate.serial}.pdf"
    assert "certificate" in {email["kind"] for email in past["emails"]}
    assert all(email["sent_at"] for email in past["emails"])
    [message] = past["messages"]
    assert (message["subject"], message["text"]) == (
        "Photos of the training",
        "The photos are online.",
    )
    [consent] = data["consents"]
    assert consent["purpose"] == "registration"
    assert consent["text"]
    assert consent["version"]
    [link] = data["sign_in_links"]
    assert set(link) == {"created_at", "expires_at", "used_at"}  # times only, no token


def test_the_export_is_refused_without_a_link_from_the_inbox(scene):
    client = Client()
    assert client.get(reverse("participants:data_export", args=["x" * 43])).status_code == 404
    # The link shown at once after a first registration proves no inbox.
    token = ManageToken.objects.issue(registration=scene["gulnare"], emailed=False)
    assert client.get(reverse("participants:data_export", args=[token])).status_code == 403


def test_a_signed_in_person_downloads_their_data_from_my_trainings(scene):
    client = Client()
    response = client.get(reverse("participants:my_data_export"))
    assert response.status_code == 302  # not signed in: to the sign-in page
    session = client.session
    session["rtcm_participant_id"] = scene["gulnare"].participant_id
    session.save()
    response = client.get(reverse("participants:my_data_export"))
    assert response.status_code == 200
    data = json.loads(_zip(response.content)["data.json"])
    assert data["participant"]["family_name"] == "Məmmədova"


def test_staff_export_holds_the_participant_and_the_expert_of_one_address(scene):
    client = Client()
    client.force_login(scene["manager"])
    response = client.post(reverse("staff:privacy_export"), {"email": GULNARE["email"].upper()})
    assert response.status_code == 200
    files = _zip(response.content)
    certificate = scene["certificates"][scene["gulnare"].pk]
    assert set(files) == {
        "participant/data.json",
        f"participant/certificates/{certificate.serial}.pdf",
        "expert/data.json",
        "expert/cv.pdf",
        "expert/photo.jpg",
    }
    expert = json.loads(files["expert/data.json"])
    assert expert["expert"]["bio"] == "Gülnarə Məmmədova leads readmission casework."
    assert "staff_notes" not in expert["expert"]  # the staff's own notes are not the person's
    assert [email["kind"] for email in expert["emails"]] == ["approved"]
    assert [row["training"] for row in expert["sessions_taught"]] == ["Readmission practice"]
    assert files["expert/cv.pdf"].startswith(b"%PDF")


def test_the_staff_lookup_shows_what_is_held_and_nothing_for_an_unknown_address(scene):
    client = Client()
    client.force_login(scene["manager"])
    page = client.get(reverse("staff:privacy"), {"email": GULNARE["email"]}).content.decode()
    assert "Gülnarə Məmmədova" in page
    assert "Readmission practice" in page
    assert "Border management" in page
    page = client.get(reverse("staff:privacy"), {"email": "nobody@example.org"}).content.decode()
    assert "Nothing is held under this address." in page


# --- the erasure's rules --------------------------------------------------------------


def test_a_mistyped_confirmation_erases_nothing(scene):
    client = Client()
    client.force_login(scene["manager"])
    response = client.post(
        reverse("staff:privacy_erase"),
        {"email": GULNARE["email"], "confirm_email": "gulnare@example.az"},
    )
    assert response.status_code == 400
    participant = Participant.objects.get(pk=scene["gulnare"].participant_id)
    assert participant.erased_at is None
    assert participant.given_name == "Gülnarə"
    assert Expert.objects.get(pk=scene["expert"].pk).erased_at is None


def test_erasing_twice_is_refused(scene):
    participant = scene["gulnare"].participant
    services.participant_erase(participant=participant)
    with pytest.raises(services.AlreadyErased):
        services.participant_erase(participant=participant)
    expert = scene["expert"]
    expert_services.expert_erase(expert=expert)
    with pytest.raises(services.AlreadyErased):
        expert_services.expert_erase(expert=expert)
    # The staff page no longer finds anyone under the address.
    client = Client()
    client.force_login(scene["manager"])
    page = client.get(reverse("staff:privacy"), {"email": GULNARE["email"]}).content.decode()
    assert "Nothing is held under this address." in page


def test_an_erased_certificate_is_not_rendered_again(scene, django_capture_on_commit_callbacks):
    registration = scene["gulnare"]
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_erase(participant=registration.participant)
    certificate = Certificate.objects.get(registration=registration)
    assert not certificate.pdf
    assert services.certificate_render(certificate_id=certificate.pk, force=True) is False
    to_render = services.certificates_ensure_for_training(training=scene["past"])
    assert to_render  # another person's, still to render
    assert certificate.pk not in to_render
    certificate.refresh_from_db()
    assert not certificate.pdf


def test_the_admin_offers_the_erasure_instead_of_a_delete(scene):
    client = Client()
    client.force_login(scene["superuser"])
    participant_id = scene["gulnare"].participant_id
    page = client.get(reverse("admin:participants_participant_change", args=[participant_id]))
    assert reverse("staff:privacy") in page.content.decode()
    delete = client.get(reverse("admin:participants_participant_delete", args=[participant_id]))
    assert delete.status_code == 403


def test_the_lookup_page_pins_its_queries(scene, django_assert_num_queries):
    client = Client()
    client.force_login(scene["manager"])
    client.get(reverse("staff:privacy"))  # warm the session
    with django_assert_num_queries(7):  # session, user, roles, person + 2 prefetches, expert
        response = client.get(reverse("staff:privacy"), {"email": GULNARE["email"]})
    assert response.status_code == 200


def test_auditlog_rows_are_scrubbed_when_installed(scene):
    if not apps.is_installed("auditlog"):
        pytest.skip("django-auditlog is not installed")
    services.participant_erase(participant=scene["gulnare"].participant)
    expert_services.expert_erase(expert=scene["expert"])
    LogEntry = apps.get_model("auditlog", "LogEntry")
    dump = json.dumps(
        list(LogEntry.objects.values("object_repr", "changes", "changes_text")),
        ensure_ascii=False,
        default=str,
    )
    assert found(GULNARE, dump) == []


def test_a_session_signed_in_before_the_erasure_opens_nothing_after(scene):
    client = Client()
    session = client.session
    session["rtcm_participant_id"] = scene["gulnare"].participant_id
    session.save()
    assert (
        "Readmission practice" in client.get(reverse("participants:my_trainings")).content.decode()
    )
    services.participant_erase(participant=scene["gulnare"].participant)
    page = client.get(reverse("participants:my_trainings")).content.decode()
    assert "Readmission practice" not in page
    assert client.get(reverse("participants:my_data_export")).status_code == 302


def test_the_dashboard_links_the_privacy_page_for_managers_only(scene):
    client = Client()
    client.force_login(scene["manager"])
    assert reverse("staff:privacy") in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(staff_user("coordinator", roles=(COORDINATOR,)))
    assert reverse("staff:privacy") not in client.get(reverse("staff:dashboard")).content.decode()


def test_the_manage_page_offers_the_download_from_an_emailed_link_only(scene):
    registration = scene["gulnare"]
    client = Client()
    emailed = ManageToken.objects.issue(registration=registration)
    page = client.get(reverse("participants:manage", args=[emailed])).content.decode()
    assert reverse("participants:data_export", args=[emailed]) in page
    shown = ManageToken.objects.issue(registration=registration, emailed=False)
    page = client.get(reverse("participants:manage", args=[shown])).content.decode()
    assert "my-data.zip" not in page


def test_a_stale_sign_in_confirms_the_password_before_export_or_erasure(scene):
    from rtcm.core.reauth import AUTHENTICATED_AT_SESSION_KEY

    client = Client()
    client.force_login(scene["manager"])
    session = client.session
    session[AUTHENTICATED_AT_SESSION_KEY] = 0  # signed in long ago
    session.save()
    confirm = reverse("security:confirm")
    page = client.get(reverse("staff:privacy"), {"email": GULNARE["email"]})
    assert page.status_code == 302
    assert page["Location"].startswith(confirm)
    for name in ("staff:privacy_export", "staff:privacy_erase"):
        data = {"email": GULNARE["email"], "confirm_email": GULNARE["email"]}
        response = client.post(reverse(name), data)
        assert response.status_code == 302
        assert response["Location"].startswith(confirm)
    assert Participant.objects.get(pk=scene["gulnare"].participant_id).erased_at is None
