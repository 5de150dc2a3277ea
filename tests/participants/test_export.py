"""Exporting a training's registrations as XLSX and CSV for coordinators."""

import csv
import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from courses.models import Question
from participants.exports import export_csv, export_xlsx, registrations_export_rows
from participants.imports import read_rows
from participants.models import Answer, Attendance
from rtcm.core.models import Region
from rtcm.core.roles import COORDINATOR
from tests.factories import (
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    coordinators_run_every_training,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator does on their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")

HEADER = [
    "Registration ID",
    "Status",
    "Submitted at",
    "Given name",
    "Family name",
    "E-mail",
    "Phone",
    "Gender",
    "Nationality",
    "Country of residence",
    "Region",
    "Organisation",
    "Organisation type",
    "Position",
    "Preferred language",
    "Sessions attended",
    "Sessions total",
    "Attendance %",
]


@pytest.fixture
def training(settings):
    """Three sessions, three questions, two registrations with answers and attendance."""
    settings.TIME_ZONE = "Asia/Tashkent"
    # Held already: the attendance % counts the sessions held so far.
    training = TrainingFactory(
        slug="readmission-2025", start_date=timezone.localdate() - dt.timedelta(days=10)
    )
    sessions = [
        SessionFactory(
            training=training,
            title=f"Day {n + 1}",
            starts_at=timezone.make_aware(
                dt.datetime.combine(training.start_date + dt.timedelta(days=n), dt.time(9))
            ),
            ends_at=timezone.make_aware(
                dt.datetime.combine(training.start_date + dt.timedelta(days=n), dt.time(12))
            ),
        )
        for n in range(3)
    ]
    topics = QuestionFactory(
        training=training,
        position=1,
        label="Topics of interest",
        kind=Question.Kind.MULTIPLE_CHOICE,
        choices="Readmission\nReturn\nBorder management",
    )
    visa = QuestionFactory(training=training, position=2, label="Needs a visa", kind="yes_no")
    QuestionFactory(training=training, position=3, label="Dietary needs")
    first = RegistrationFactory(
        training=training,
        participant__given_name="Нурлан",
        participant__family_name="Абдуллаев",
        participant__email="nurlan@example.org",
        participant__phone="+998 71 123 45 67",
        participant__gender="male",
        participant__nationality="UZ",
        participant__country_of_residence="KZ",
        participant__organisation='=HYPERLINK("http://evil.example","x")',
        participant__position="@SUM(A1:A9)",
        participant__preferred_language="ru",
        region=Region.objects.get(code="central-asia"),
        submitted_at=dt.datetime(2025, 3, 1, 10, 30, tzinfo=TASHKENT),
    )
    second = RegistrationFactory(
        training=training,
        status="waitlisted",
        participant__given_name="مريم",
        participant__family_name="الحسيني",
        participant__email="maryam@example.org",
        participant__nationality="JO",
        participant__country_of_residence="JO",
        participant__organisation="-Ministry",
        submitted_at=dt.datetime(2025, 3, 2, 9, 0, tzinfo=TASHKENT),
    )
    Answer.objects.create(registration=first, question=topics, value=["Readmission", "Return"])
    Answer.objects.create(registration=first, question=visa, value=True)
    Answer.objects.create(registration=second, question=visa, value=False)
    for session, present in zip(sessions, [True, True, False], strict=True):
        Attendance.objects.create(registration=first, session=session, present=present)
    Attendance.objects.create(registration=second, session=sessions[0], present=False)
    training.first, training.second = first, second
    return training


def test_rows_hold_people_attendance_and_answers(training):
    header, rows = registrations_export_rows(training)
    rows = list(rows)

    assert header == [*HEADER, "Topics of interest", "Needs a visa", "Dietary needs"]
    assert rows[0] == [
        training.first.pk,
        "confirmed",
        "2025-03-01T10:30:00+05:00",
        "Нурлан",
        "Абдуллаев",
        "nurlan@example.org",
        "+998 71 123 45 67",
        "male",
        "UZ",
        "KZ",
        "Central Asia",
        '=HYPERLINK("http://evil.example","x")',
        "government",
        "@SUM(A1:A9)",
        "ru",
        2,
        3,
        66.7,
        "Readmission; Return",
        "Yes",
        "",
    ]
    assert rows[1][1] == "waitlisted"
    assert rows[1][15:] == [0, 3, 0, "", "No", ""]


def test_xlsx_reads_back_with_a_bold_header_and_guarded_formulas(training):
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(training)))

    assert workbook.sheetnames == ["Registrations", "Sessions"]
    sheet = workbook["Registrations"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER, "Topics of interest", "Needs a visa", "Dietary needs"]
    assert all(cell.font.bold for cell in sheet[1])
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Given name"] == "Нурлан"
    assert first["Phone"] == "'+998 71 123 45 67"
    assert first["Organisation"] == '\'=HYPERLINK("http://evil.example","x")'
    assert first["Position"] == "'@SUM(A1:A9)"
    assert first["Attendance %"] == 66.7
    assert first["Topics of interest"] == "Readmission; Return"
    assert first["Needs a visa"] == "Yes"
    assert sheet.cell(row=2, column=12).data_type == "s"  # text, not a formula
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Given name"] == "مريم"
    assert second["Organisation"] == "'-Ministry"
    assert second["Attendance %"] == 0
    assert second["Needs a visa"] == "No"

    sessions = list(workbook["Sessions"].iter_rows(values_only=True))
    assert sessions[0] == ("Session", "Starts", "Ends", "Room", "Present", "Absent")
    assert [(title, present, absent) for title, *_, present, absent in sessions[1:]] == [
        ("Day 1", 1, 1),
        ("Day 2", 1, 0),
        ("Day 3", 0, 1),
    ]


def test_csv_has_a_bom_and_reads_back_with_names_intact(training):
    content = export_csv(training)

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER, "Topics of interest", "Needs a visa", "Dietary needs"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Given name"] == "Нурлан"
    assert first["Organisation"] == '\'=HYPERLINK("http://evil.example","x")'
    assert first["Position"] == "'@SUM(A1:A9)"
    assert first["Phone"] == "'+998 71 123 45 67"
    assert first["Attendance %"] == "66.7"
    assert first["Topics of interest"] == "Readmission; Return"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Family name"] == "الحسيني"
    assert second["Organisation"] == "'-Ministry"
    assert second["Needs a visa"] == "No"
    assert second["Dietary needs"] == ""


def test_guarded_phone_reads_back_through_the_import(training):
    rows = read_rows(SimpleUploadedFile("back.csv", export_csv(training)))

    assert rows[0]["phone"] == "+998 71 123 45 67"


def test_training_without_sessions_leaves_attendance_empty():
    training = TrainingFactory()
    RegistrationFactory(training=training)

    _header, rows = registrations_export_rows(training)

    assert next(rows)[15:18] == [0, 0, None]


def test_formula_in_a_question_label_is_guarded_in_the_header():
    training = TrainingFactory()
    QuestionFactory(training=training, label="=1+1")

    header = next(csv.reader(io.StringIO(export_csv(training).decode("utf-8-sig"))))

    assert header[-1] == "'=1+1"


def _grow(training, count: int) -> None:
    visa = training.questions.get(label="Needs a visa")
    sessions = list(training.sessions.all())
    for _ in range(count):
        registration = RegistrationFactory(training=training)
        Answer.objects.create(registration=registration, question=visa, value=True)
        for session in sessions:
            Attendance.objects.create(registration=registration, session=session, present=True)


@pytest.mark.parametrize("more", [1, 10])
def test_export_query_count_is_constant(training, django_assert_num_queries, more):
    _grow(training, more)  # 3 and 12 registrations

    # sessions count, questions, registrations, answers
    with django_assert_num_queries(4):
        export_csv(training)
    # ... and the Sessions sheet
    with django_assert_num_queries(5):
        export_xlsx(training)


# --- the pages --------------------------------------------------------------------------


@pytest.fixture
def coordinator():
    user = User.objects.create_user("coord", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_staff():
    """Staff, but not a coordinator (say, a librarian)."""
    client = Client()
    client.force_login(User.objects.create_user("lib", password="x", is_staff=True))
    return client


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_export_is_for_coordinators_only(training, client, other_staff, coordinator, extension):
    url = f"/staff/trainings/{training.slug}/registrations.{extension}"

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/admin/login/?next={url}"
    assert other_staff.get(url).status_code == 403
    assert coordinator.get(url).status_code == 200


def test_xlsx_download(training, coordinator):
    response = coordinator.get("/staff/trainings/readmission-2025/registrations.xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="readmission-2025-registrations.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Registrations"]
    assert sheet.max_row == 3


def test_csv_download(training, coordinator):
    response = coordinator.get("/staff/trainings/readmission-2025/registrations.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="readmission-2025-registrations.csv"'
    )
    assert "Нурлан" in response.content.decode("utf-8-sig")


def test_other_formats_are_not_found(training, coordinator):
    assert coordinator.get("/staff/trainings/readmission-2025/registrations.pdf").status_code == 404
    assert coordinator.get("/staff/trainings/nope/registrations.csv").status_code == 404


def test_export_page_query_count_is_constant(training, coordinator, django_assert_num_queries):
    url = "/staff/trainings/readmission-2025/registrations.csv"
    coordinator.get(url)  # warm the session
    _grow(training, 1)
    # session, user, role check, training, the export's four, and its audit event
    with django_assert_num_queries(9):
        coordinator.get(url)
    _grow(training, 9)
    with django_assert_num_queries(9):
        coordinator.get(url)
