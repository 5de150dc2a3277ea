"""Attendance: the services, the selectors, the attendance page and the sign-in sheet PDF."""

import datetime as dt
import io
import shutil
import subprocess

import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants import selectors, services
from participants.models import Attendance, Registration
from rtcm.core.errors import InvalidTransition
from tests.factories import (
    AttendanceFactory,
    ExpertFactory,
    ParticipantFactory,
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


# Names in every script the center's participants write in.
NAMES = {
    "cyrillic": ("Нурлан", "Абдуллаев"),
    "georgian": ("ნინო", "ბერიძე"),
    "armenian": ("Արամ", "Հակոբյան"),
    "azerbaijani": ("Ləman", "Məmmədova"),
    "arabic": ("محمد", "العلي"),
}


@pytest.fixture
def training():
    """Held last week: attendance is marked only for sessions that have started."""
    start = timezone.localdate() - dt.timedelta(days=7)
    return TrainingFactory(title="Return and reintegration", start_date=start)


def sessions_of(training, count):
    """``count`` sessions of ``training``, two a day from its first day."""
    sessions = []
    for n in range(count):
        day = training.start_date + dt.timedelta(days=n // 2)
        starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + 5 * (n % 2))))
        sessions.append(
            SessionFactory(training=training, title=f"Day {n + 1}", starts_at=starts_at)
        )
    return sessions


def confirmed(training, given="Ləman", family="Məmmədova", **participant):
    return RegistrationFactory(
        training=training,
        participant=ParticipantFactory(given_name=given, family_name=family, **participant),
    )


def sheet_url(session):
    return reverse("staff:attendance_sheet", kwargs={"pk": session.pk})


def pdf_url(session):
    return reverse("staff:sign_in_sheet", kwargs={"pk": session.pk})


# --- services --------------------------------------------------------------------------


def test_marking_a_confirmed_person_records_who_and_when(training, coordinator):
    session = SessionFactory(training=training)
    registration = confirmed(training)
    attendance = services.attendance_mark(
        session=session, registration=registration, present=True, actor=coordinator
    )
    attendance.refresh_from_db()
    assert attendance.present is True
    assert attendance.marked_by == coordinator
    assert attendance.marked_at is not None


def test_marking_again_toggles_the_one_row(training, coordinator):
    session = SessionFactory(training=training)
    registration = confirmed(training)
    first = services.attendance_mark(
        session=session, registration=registration, present=True, actor=None
    )
    second = services.attendance_mark(
        session=session, registration=registration, present=False, actor=coordinator
    )
    assert second.pk == first.pk
    row = Attendance.objects.get()
    assert row.present is False
    assert row.marked_by == coordinator
    assert row.marked_at >= first.marked_at


@pytest.mark.parametrize(
    "status",
    [
        Registration.Status.PENDING,
        Registration.Status.WAITLISTED,
        Registration.Status.REJECTED,
        Registration.Status.CANCELLED,
    ],
)
def test_only_confirmed_people_are_marked(training, coordinator, status):
    session = SessionFactory(training=training)
    registration = RegistrationFactory(training=training, status=status)
    with pytest.raises(InvalidTransition) as raised:
        services.attendance_mark(
            session=session, registration=registration, present=True, actor=coordinator
        )
    assert "Only confirmed participants" in str(raised.value.message)
    assert not Attendance.objects.exists()


def test_a_stale_confirmed_object_does_not_get_a_cancelled_person_marked(training, coordinator):
    session = SessionFactory(training=training)
    registration = confirmed(training)
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    assert registration.status == Registration.Status.CONFIRMED  # the object in hand is stale
    with pytest.raises(InvalidTransition):
        services.attendance_mark(
            session=session, registration=registration, present=True, actor=coordinator
        )


def test_people_of_another_training_are_not_marked(training, coordinator):
    session = SessionFactory(training=training)
    elsewhere = confirmed(TrainingFactory())
    with pytest.raises(InvalidTransition):
        services.attendance_mark(
            session=session, registration=elsewhere, present=True, actor=coordinator
        )


def test_mark_all_present_marks_every_confirmed_person_and_overwrites(training, coordinator):
    session = SessionFactory(training=training)
    people = [confirmed(training, family=f"Family{n}") for n in range(3)]
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    earlier = AttendanceFactory(registration=people[0], session=session, present=False)
    yesterday = earlier.marked_at - dt.timedelta(days=1)
    Attendance.objects.filter(pk=earlier.pk).update(marked_at=yesterday)

    assert services.attendance_mark_all_present(session=session, actor=coordinator) == 3

    rows = Attendance.objects.filter(session=session)
    assert sorted(rows.values_list("registration", flat=True)) == sorted(p.pk for p in people)
    assert all(row.present and row.marked_by == coordinator for row in rows)
    overwritten = rows.get(registration=people[0])
    assert overwritten.pk == earlier.pk
    assert overwritten.marked_at > yesterday
    assert not Attendance.objects.filter(registration=waiting).exists()
    # Running it again changes nothing and adds nothing.
    assert services.attendance_mark_all_present(session=session, actor=coordinator) == 3
    assert Attendance.objects.count() == 3


def test_mark_all_present_is_one_upsert_whatever_the_number_of_people(
    training, coordinator, django_assert_num_queries
):
    session = SessionFactory(training=training)
    for n in range(2):
        confirmed(training, family=f"A{n}")
    # savepoint, the ids, one INSERT … ON CONFLICT DO UPDATE, release
    with django_assert_num_queries(4):
        services.attendance_mark_all_present(session=session, actor=coordinator)
    for n in range(30):
        confirmed(training, family=f"B{n}")
    with django_assert_num_queries(4):
        assert services.attendance_mark_all_present(session=session, actor=coordinator) == 32


# --- selectors -------------------------------------------------------------------------


def test_attendance_percent_is_sessions_attended_of_all_sessions(training):
    first, second, third, fourth = sessions_of(training, 4)
    half = confirmed(training, family="Half")
    AttendanceFactory(registration=half, session=first)
    AttendanceFactory(registration=half, session=second)
    AttendanceFactory(registration=half, session=third, present=False)
    none = confirmed(training, family="None")
    everyone = confirmed(training, family="All")
    for session in (first, second, third, fourth):
        AttendanceFactory(registration=everyone, session=session)
    # A mark at a session of another training does not count here.
    AttendanceFactory(registration=none, session=SessionFactory())

    figures = {
        row.participant.family_name: (
            row.sessions_total,
            row.sessions_attended,
            row.attendance_percent,
        )
        for row in selectors.training_registrations_with_attendance(training=training)
    }
    assert figures == {"Half": (4, 2, 50), "None": (4, 0, 0), "All": (4, 4, 100)}


def test_attendance_percent_rounds_down_and_is_zero_without_sessions(training):
    first, *_rest = sessions_of(training, 3)
    registration = confirmed(training)
    AttendanceFactory(registration=registration, session=first)
    [row] = selectors.training_registrations_with_attendance(training=training)
    assert row.attendance_percent == 33

    empty = TrainingFactory()
    confirmed(empty, family="Nobody")
    [row] = selectors.training_registrations_with_attendance(training=empty)
    assert (row.sessions_total, row.attendance_percent) == (0, 0)


def test_attendance_sheet_lists_confirmed_people_by_name_with_their_mark(training):
    session, other_session = sessions_of(training, 2)
    zaur = confirmed(training, given="Zaur", family="Aliyev")
    anna = confirmed(training, given="Anna", family="Aliyev")
    boris = confirmed(training, given="Boris", family="Babayev")
    RegistrationFactory(training=training, status=Registration.Status.PENDING)
    AttendanceFactory(registration=zaur, session=session, present=True)
    AttendanceFactory(registration=anna, session=session, present=False)
    AttendanceFactory(registration=boris, session=other_session, present=True)

    rows = selectors.session_attendance_sheet(session=session)

    assert [row.pk for row in rows] == [anna.pk, zaur.pk, boris.pk]
    assert [row.present for row in rows] == [False, True, None]
    assert [row.attendance_percent for row in rows] == [0, 50, 50]


def test_attendance_sheet_selector_runs_one_query(training, django_assert_num_queries):
    session = SessionFactory(training=training)
    confirmed(training)
    with django_assert_num_queries(1):
        rows = selectors.session_attendance_sheet(session=session)
        assert rows[0].participant.full_name
    for n in range(10):
        AttendanceFactory(registration=confirmed(training, family=f"F{n}"), session=session)
    with django_assert_num_queries(1):
        rows = selectors.session_attendance_sheet(session=session)
        assert [row.participant.full_name for row in rows]


# --- the attendance page -----------------------------------------------------------------


def test_attendance_page_is_for_coordinators_only(
    training, anonymous_client, other_staff_client, coordinator_client
):
    session = SessionFactory(training=training)
    url = sheet_url(session)

    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    assert anonymous_client.post(url, {"all": "1"}).status_code == 302

    assert other_staff_client.get(url).status_code == 403
    assert other_staff_client.post(url, {"all": "1"}).status_code == 403
    assert not Attendance.objects.exists()

    assert coordinator_client.get(url).status_code == 200


def test_superusers_pass_without_the_role(training):
    session = SessionFactory(training=training)
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="x"))
    assert client.get(sheet_url(session)).status_code == 200


def test_attendance_page_shows_people_and_counts(training, coordinator_client):
    session = SessionFactory(training=training, title="Vulnerable migrants")
    present = confirmed(training, *NAMES["cyrillic"], nationality="KZ")
    absent = confirmed(training, *NAMES["arabic"], nationality="JO")
    confirmed(training, *NAMES["georgian"], nationality="GE", organisation="Public Service Hall")
    AttendanceFactory(registration=present, session=session, present=True)
    AttendanceFactory(registration=absent, session=session, present=False)

    response = coordinator_client.get(sheet_url(session))

    page = response.content.decode()
    assert "Vulnerable migrants" in page
    assert 'data-count="present">1<' in page
    assert 'data-count="absent">1<' in page
    assert 'data-count="unmarked">1<' in page
    for given, family in (NAMES["cyrillic"], NAMES["arabic"], NAMES["georgian"]):
        assert f"{given} {family}" in page
    assert "Kazakhstan" in page
    assert "Public Service Hall" in page
    assert "Attendance so far: 100 % (1 of 1 sessions)" in page
    assert f'id="r{present.pk}"' in page
    assert "Mark everyone present" in page


def test_tapping_a_person_toggles_them_and_comes_back_to_their_row(
    training, coordinator, coordinator_client
):
    session = SessionFactory(training=training)
    registration = confirmed(training)
    url = sheet_url(session)

    response = coordinator_client.post(url, {"person": registration.pk, "present": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#r{registration.pk}"
    mark = Attendance.objects.get()
    assert (mark.present, mark.marked_by) == (True, coordinator)
    assert "Mark absent" in coordinator_client.get(url).content.decode()

    coordinator_client.post(url, {"person": registration.pk, "present": "0"})
    mark.refresh_from_db()
    assert mark.present is False
    assert 'data-count="absent">1<' in coordinator_client.get(url).content.decode()


def test_mark_everyone_present_button(training, coordinator_client):
    session = SessionFactory(training=training)
    for n in range(3):
        confirmed(training, family=f"F{n}")
    url = sheet_url(session)

    response = coordinator_client.post(url, {"all": "1"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert "3 people marked present." in page
    assert 'data-count="present">3<' in page
    assert Attendance.objects.filter(session=session, present=True).count() == 3


def test_a_person_not_confirmed_is_refused_with_a_message(training, coordinator_client):
    session = SessionFactory(training=training)
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    url = sheet_url(session)

    response = coordinator_client.post(url, {"person": waiting.pk, "present": "1"}, follow=True)

    assert "Only confirmed participants of this training" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "data", [{}, {"person": "x", "present": "1"}, {"person": "1", "present": "yes"}]
)
def test_a_malformed_post_is_a_bad_request(training, coordinator_client, data):
    session = SessionFactory(training=training)
    assert coordinator_client.post(sheet_url(session), data).status_code == 400


def test_unknown_session_or_person_is_not_found(training, coordinator_client):
    session = SessionFactory(training=training)
    assert coordinator_client.get("/staff/sessions/999999/attendance/").status_code == 404
    response = coordinator_client.post(sheet_url(session), {"person": "999999", "present": "1"})
    assert response.status_code == 404


def test_marking_needs_the_csrf_token(training, coordinator):
    session = SessionFactory(training=training)
    registration = confirmed(training)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    refused = client.post(sheet_url(session), {"person": registration.pk, "present": "1"})
    assert refused.status_code == 403
    assert not Attendance.objects.exists()

    client.get(sheet_url(session))  # sets the CSRF cookie, as the browser's visit does
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        sheet_url(session),
        {"person": registration.pk, "present": "1", "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
    assert Attendance.objects.get().present is True


def test_attendance_page_query_count_is_constant(
    training, coordinator_client, django_assert_num_queries
):
    session = SessionFactory(training=training)
    confirmed(training)
    # session, user, coordinator role, the session with its training, the sheet
    with django_assert_num_queries(5):
        coordinator_client.get(sheet_url(session))
    for n in range(15):
        AttendanceFactory(registration=confirmed(training, family=f"F{n}"), session=session)
    with django_assert_num_queries(5):
        response = coordinator_client.get(sheet_url(session))
    assert response.content.decode().count('name="person"') == 16 + 1  # + the absent button


# --- the sign-in sheet PDF ----------------------------------------------------------------


@pytest.fixture
def sheet_session(training):
    session = SessionFactory(training=training, title="Readmission in practice", room="Hall B")
    session.trainers.add(ExpertFactory(given_name="Гульнара", family_name="Сейткали"))
    for script, (given, family) in NAMES.items():
        confirmed(training, given, family, email=f"{script}@example.org")
    RegistrationFactory(
        training=training,
        status=Registration.Status.WAITLISTED,
        participant=ParticipantFactory(given_name="Waiting", family_name="Person"),
    )
    return session


def pdf_text(document: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_sign_in_sheet_is_for_coordinators_only(
    sheet_session, anonymous_client, other_staff_client, coordinator_client
):
    url = pdf_url(sheet_session)
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    assert other_staff_client.get(url).status_code == 403
    assert coordinator_client.get(url).status_code == 200


def test_sign_in_sheet_is_an_inline_pdf_with_every_confirmed_name(
    sheet_session, coordinator_client, settings
):
    settings.CENTER_NAME = "Regional Training Center on Migration"
    response = coordinator_client.get(pdf_url(sheet_session))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="sign-in-{sheet_session.pk}.pdf"'
    text = pdf_text(response.content)
    assert "Regional Training Center on Migration" in text
    assert "Return and reintegration" in text
    assert "Readmission in practice" in text
    assert "Hall B" in text
    assert "Гульнара Сейткали" in text
    for given, family in NAMES.values():
        assert f"{given} {family}" in text
    assert "Waiting Person" not in text
    assert "Signature" in text


def test_sign_in_sheet_embeds_its_dejavu_fonts(sheet_session, coordinator_client, tmp_path):
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(coordinator_client.get(pdf_url(sheet_session)).content)

    listing = subprocess.run(
        [pdffonts, str(path)], capture_output=True, text=True, check=True
    ).stdout

    fonts = [line.split() for line in listing.splitlines()[2:]]
    assert fonts
    assert all("DejaVu" in font[0] for font in fonts)
    # Columns: name, type (two words), encoding, emb, sub, uni, object, generation.
    assert all(font[-5] == "yes" for font in fonts), listing


def test_sign_in_sheet_query_count_is_constant(
    sheet_session, coordinator_client, django_assert_num_queries
):
    # session, user, coordinator role, the session with its training, its trainers, the sheet,
    # and the download's audit event
    with django_assert_num_queries(7):
        coordinator_client.get(pdf_url(sheet_session))
    for n in range(10):
        confirmed(sheet_session.training, family=f"Extra{n}")
    with django_assert_num_queries(7):
        coordinator_client.get(pdf_url(sheet_session))
