"""Importing participants and registrations from XLSX / CSV files, all or nothing."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from courses.models import Question
from participants import services
from participants.imports import ImportFileError, read_rows, validate_rows
from participants.models import Answer, Participant, Registration, RegistrationEvent
from participants.services import registrations_import
from rtcm.core.roles import COORDINATOR
from tests.factories import (
    QuestionFactory,
    RegistrationFactory,
    TrainingFactory,
    coordinators_run_every_training,
    person_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator does on their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


HEADER = [
    "given_name",
    "family_name",
    "email",
    "phone",
    "gender",
    "nationality",
    "country_of_residence",
    "organisation",
    "organisation_type",
    "position",
    "preferred_language",
]


def person_row(**overrides) -> list:
    data = person_data(**overrides)
    return [data[name] for name in HEADER]


def people(count: int) -> list[list]:
    return [
        person_row(email=f"person{n}@example.org", given_name=f"Нурлан{'а' * n}")
        for n in range(count)
    ]


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list], header: list | None = None, name="people.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(header or HEADER, rows))


def csv_bytes(header: list, rows: list[list], delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def csv_file(rows, header=None, name="people.csv", **options):
    return SimpleUploadedFile(name, csv_bytes(header or HEADER, rows, **options))


@pytest.fixture
def coordinator_user():
    user = User.objects.create_user("coord", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR))
    return user


@pytest.fixture
def coordinator(coordinator_user):
    client = Client()
    client.force_login(coordinator_user)
    return client


@pytest.fixture
def other_staff():
    """Staff, but not a coordinator (say, a librarian)."""
    client = Client()
    client.force_login(User.objects.create_user("lib", password="x", is_staff=True))
    return client


# --- the service: good files -------------------------------------------------------------


def test_good_xlsx_imports_every_row_and_statuses_follow_seats(coordinator_user):
    training = TrainingFactory(capacity=2)
    preview = validate_rows(training, read_rows(xlsx_file(people(3))))

    assert preview.is_valid
    assert [row.number for row in preview.rows] == [2, 3, 4]

    registrations = registrations_import(training=training, preview=preview, actor=coordinator_user)

    assert [r.status for r in registrations] == ["confirmed", "confirmed", "waitlisted"]
    assert Registration.objects.filter(training=training, source="import").count() == 3
    assert list(Participant.objects.order_by("email").values_list("given_name", flat=True)) == [
        "Нурлан",
        "Нурлана",
        "Нурланаа",
    ]
    assert set(RegistrationEvent.objects.values_list("actor_kind", "actor")) == {
        ("staff", coordinator_user.pk)
    }


def test_import_outside_the_registration_window_is_allowed(coordinator_user):
    training = TrainingFactory(status="closed")
    preview = validate_rows(training, read_rows(xlsx_file(people(1))))

    registrations_import(training=training, preview=preview, actor=coordinator_user)

    assert Registration.objects.get().status == "confirmed"


def test_question_columns_are_matched_by_label_and_saved_as_answers(coordinator_user):
    training = TrainingFactory()
    topics = QuestionFactory(
        training=training,
        label="Topics of interest",
        kind=Question.Kind.MULTIPLE_CHOICE,
        choices="Readmission\nReturn\nBorder management",
    )
    visa = QuestionFactory(
        training=training, label="Needs a visa", kind=Question.Kind.YES_NO, required=True
    )
    header = [*HEADER, "topics of interest", "NEEDS-A-VISA"]
    rows = [
        [*person_row(email="a@example.org"), "readmission; Border management", "Yes"],
        [*person_row(email="b@example.org"), "", "нет"],
    ]
    preview = validate_rows(training, read_rows(xlsx_file(rows, header)))

    assert preview.is_valid, [row.errors for row in preview.rows]
    registrations_import(training=training, preview=preview, actor=coordinator_user)

    answers = {
        (a.registration.participant.email, a.question_id): a.value
        for a in Answer.objects.select_related("registration__participant")
    }
    assert answers == {
        ("a@example.org", topics.pk): ["Readmission", "Border management"],
        ("a@example.org", visa.pk): True,
        ("b@example.org", visa.pk): False,
    }


def test_required_question_left_empty_is_a_row_error():
    training = TrainingFactory()
    QuestionFactory(training=training, label="Needs a visa", kind="yes_no", required=True)
    rows = [[*person_row(), ""]]

    preview = validate_rows(training, read_rows(xlsx_file(rows, [*HEADER, "Needs a visa"])))

    assert not preview.is_valid
    assert "Needs a visa" in preview.rows[0].errors


def test_russian_headers_country_names_and_english_labels_are_understood():
    training = TrainingFactory()
    header = [
        "Имя",
        "Фамилия",
        "Эл. почта",
        "Пол",
        "Гражданство",
        "Country of residence",
        "Организация",
        "Organisation-Type",
    ]
    rows = [
        [
            "Айгерим",
            "Серикова",
            "Aigerim@Example.org",
            "Female",
            "Kazakhstan",
            "kaz",
            "Ministry of Labour",
            "non-governmental organisation",
        ]
    ]

    preview = validate_rows(training, read_rows(xlsx_file(rows, header)))

    assert preview.is_valid, preview.rows[0].errors
    data = preview.rows[0].data
    assert data["given_name"] == "Айгерим"
    assert data["gender"] == "female"
    assert data["nationality"] == "KZ"
    assert data["country_of_residence"] == "KZ"
    assert data["organisation_type"] == "ngo"
    # An empty language becomes the training's first working language.
    assert data["preferred_language"] == "en"


def test_csv_with_bom_and_semicolons_keeps_names_in_every_script(coordinator_user):
    training = TrainingFactory()
    rows = [
        person_row(given_name="Нурлан", family_name="Абдуллаев", email="n@example.org"),
        person_row(given_name="مريم", family_name="الحسيني", email="m@example.org"),
        person_row(given_name="ნინო", family_name="ბერიძე", email="nino@example.org"),
    ]
    upload = csv_file(rows, delimiter=";", bom=True)

    rows_read = read_rows(upload)
    preview = validate_rows(training, rows_read)

    assert rows_read[0]["given_name"] == "Нурлан"  # the BOM is not part of the first header
    assert preview.is_valid, [row.errors for row in preview.rows]
    registrations_import(training=training, preview=preview, actor=coordinator_user)
    assert set(Participant.objects.values_list("given_name", "family_name")) == {
        ("Нурлан", "Абдуллаев"),
        ("مريم", "الحسيني"),
        ("ნინო", "ბერიძე"),
    }


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file():
    rows = [person_row(email="a@example.org"), [""] * len(HEADER), person_row(email="x")]

    preview = validate_rows(TrainingFactory(), read_rows(csv_file(rows)))

    assert [row.number for row in preview.rows] == [2, 4]
    assert [row.number for row in preview.invalid_rows] == [4]


# --- the service: bad rows import nothing ------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"nationality": "Atlantis"}, "nationality"),
        ({"family_name": ""}, "family_name"),
        ({"email": "person0@example.org"}, "email"),  # the same as row 2's
        ({"gender": "robot"}, "gender"),
    ],
)
def test_one_bad_row_imports_nothing_and_is_named(coordinator_user, overrides, field):
    training = TrainingFactory()
    rows = people(3)
    rows[1] = person_row(**{"email": "person1@example.org", **overrides})  # row 3 of the file

    preview = validate_rows(training, read_rows(xlsx_file(rows)))

    assert not preview.is_valid
    assert [row.number for row in preview.invalid_rows] == [3]
    assert list(preview.invalid_rows[0].errors) == [field]
    with pytest.raises(ImportFileError, match="1 row has errors"):
        registrations_import(training=training, preview=preview, actor=coordinator_user)
    assert Registration.objects.count() == 0
    assert Participant.objects.count() == 0


def test_duplicate_email_in_file_is_case_insensitive_and_names_the_first_row():
    rows = [person_row(email="Same@Example.org"), person_row(email="same@example.ORG")]

    preview = validate_rows(TrainingFactory(), read_rows(csv_file(rows)))

    assert preview.rows[0].is_valid
    assert preview.rows[1].errors["email"] == ["This e-mail address already appears in row 2."]


def test_email_already_registered_for_the_training_is_a_row_error():
    training = TrainingFactory()
    RegistrationFactory(training=training, participant__email="Taken@example.org")
    RegistrationFactory(
        training=training, participant__email="gone@example.org", status="cancelled"
    )
    rows = [person_row(email="taken@example.org"), person_row(email="gone@example.org")]

    preview = validate_rows(training, read_rows(csv_file(rows)))

    assert "already registered" in preview.rows[0].errors["email"][0]
    assert preview.rows[1].is_valid  # a cancelled registration may register again


def test_a_rule_refusing_a_row_during_import_rolls_everything_back(coordinator_user):
    training = TrainingFactory(capacity=1, waitlist_enabled=False)
    preview = validate_rows(training, read_rows(xlsx_file(people(2))))
    assert preview.is_valid

    with pytest.raises(ImportFileError, match=r"Row 3: .*full"):
        registrations_import(training=training, preview=preview, actor=coordinator_user)

    assert Registration.objects.count() == 0
    assert Participant.objects.count() == 0


def test_preview_of_another_training_is_refused(coordinator_user):
    preview = validate_rows(TrainingFactory(), read_rows(xlsx_file(people(1))))

    with pytest.raises(ImportFileError):
        registrations_import(training=TrainingFactory(), preview=preview, actor=coordinator_user)
    assert Registration.objects.count() == 0


def test_validation_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    training = TrainingFactory()
    QuestionFactory(training=training, label="Needs a visa", kind="yes_no")
    rows = read_rows(xlsx_file(people(40)))

    # the training with its questions (2), the registered e-mails (1)
    with django_assert_max_num_queries(3):
        preview = validate_rows(training, rows)
    assert preview.is_valid


# --- the file itself --------------------------------------------------------------------


def test_text_renamed_to_xlsx_is_refused():
    upload = SimpleUploadedFile("people.xlsx", b"given_name,family_name\nA,B\n")

    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read_rows(upload)


def test_zip_that_is_no_workbook_is_refused_as_damaged():
    upload = SimpleUploadedFile("people.xlsx", b"PK\x03\x04" + b"\x00" * 200)

    with pytest.raises(ImportFileError, match="damaged"):
        read_rows(upload)


@pytest.mark.parametrize("name", ["people.xlsx", "people.csv"])
def test_empty_file_is_refused(name):
    with pytest.raises(ImportFileError, match="empty"):
        read_rows(SimpleUploadedFile(name, b""))


def test_other_file_types_are_refused():
    with pytest.raises(ImportFileError, match=r"\.xlsx"):
        read_rows(SimpleUploadedFile("people.txt", csv_bytes(HEADER, people(1))))


def test_file_over_the_size_limit_is_refused(settings):
    settings.RTCM_IMPORT_MAX_BYTES = 1_000
    upload = csv_file(people(20))
    assert upload.size > 1_000

    with pytest.raises(ImportFileError, match=r"larger than 1 kB"):
        read_rows(upload)


def test_csv_with_nul_bytes_is_refused():
    upload = SimpleUploadedFile("people.csv", csv_bytes(HEADER, people(1)) + b"\x00\x00")

    with pytest.raises(ImportFileError, match="NUL"):
        read_rows(upload)


def test_csv_not_in_utf8_is_refused():
    upload = SimpleUploadedFile("people.csv", csv_bytes(HEADER, []) + "Нурлан".encode("cp1251"))

    with pytest.raises(ImportFileError, match="UTF-8"):
        read_rows(upload)


def test_missing_required_columns_are_named():
    header = [name for name in HEADER if name not in ("email", "nationality")]

    with pytest.raises(ImportFileError, match="missing: email, nationality"):
        read_rows(csv_file([["x"] * len(header)], header=header))


def test_file_without_header_is_refused():
    with pytest.raises(ImportFileError, match="header"):
        read_rows(csv_file(people(2)[1:], header=people(1)[0]))


def test_header_without_rows_is_refused():
    with pytest.raises(ImportFileError, match="no data rows"):
        read_rows(xlsx_file([]))


def test_more_than_2000_rows_is_refused():
    with pytest.raises(ImportFileError, match="more than 2000 rows"):
        read_rows(csv_file([person_row(email=f"p{n}@example.org") for n in range(2001)]))


def test_2000_rows_are_accepted():
    rows = read_rows(csv_file([person_row(email=f"p{n}@example.org") for n in range(2000)]))

    assert len(rows) == 2000


def test_exported_formula_guard_is_undone_on_import():
    rows = read_rows(csv_file([person_row(phone="'+998 71 123 45 67")]))

    assert rows[0]["phone"] == "+998 71 123 45 67"


# --- the pages --------------------------------------------------------------------------


def _import_url(training):
    return f"/staff/trainings/{training.slug}/import/"


def test_import_pages_are_for_coordinators_only(client, other_staff, coordinator):
    training = TrainingFactory()
    for url in (_import_url(training), f"{_import_url(training)}template.xlsx"):
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"] == f"/admin/login/?next={url}"
        assert other_staff.get(url).status_code == 403
        assert coordinator.get(url).status_code == 200
    assert (
        other_staff.post(_import_url(training), {"file": xlsx_file(people(1))}).status_code == 403
    )
    confirm = f"{_import_url(training)}confirm/"
    assert other_staff.post(confirm, {"token": "x"}).status_code == 403
    assert client.post(confirm, {"token": "x"}).status_code == 302
    assert Registration.objects.count() == 0


def test_upload_form_explains_the_columns_and_links_the_template(coordinator):
    training = TrainingFactory()
    QuestionFactory(training=training, label="Needs a visa", kind="yes_no")

    response = coordinator.get(_import_url(training))

    page = response.content.decode()
    assert "country_of_residence" in page
    assert "Needs a visa" in page
    assert f"/staff/trainings/{training.slug}/import/template.xlsx" in page


def test_template_has_the_header_with_the_questions(coordinator):
    training = TrainingFactory()
    QuestionFactory(training=training, label="Needs a visa", kind="yes_no")

    response = coordinator.get(f"{_import_url(training)}template.xlsx")

    assert response["Content-Disposition"] == (
        f'attachment; filename="{training.slug}-import-template.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in next(workbook.worksheets[0].iter_rows())]
    assert header == [*HEADER, "Needs a visa"]
    # The template itself imports (as a file with no rows yet).
    with pytest.raises(ImportFileError, match="no data rows"):
        read_rows(SimpleUploadedFile("t.xlsx", response.content))


def test_upload_preview_confirm_imports_and_goes_to_the_training(coordinator):
    training = TrainingFactory(capacity=2)

    preview = coordinator.post(_import_url(training), {"file": xlsx_file(people(3))})

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Import 3 registrations" in page
    assert "Нурланаа" in page
    assert Registration.objects.count() == 0
    token = preview.context["token"]
    assert token
    assert token in page

    done = coordinator.post(f"{_import_url(training)}confirm/", {"token": token})

    assert done.status_code == 302
    assert done["Location"] == f"/admin/courses/training/{training.pk}/change/"
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == ["3 registrations imported."]
    # The rows are gone from the session: confirming twice imports nothing more.
    again = coordinator.post(f"{_import_url(training)}confirm/", {"token": token})
    assert again.status_code == 302
    assert again["Location"] == _import_url(training)
    assert Registration.objects.count() == 3


def test_preview_of_a_bad_file_shows_the_row_and_field_and_offers_no_import(coordinator):
    training = TrainingFactory()
    rows = people(3)
    rows[2] = person_row(email="person2@example.org", nationality="Atlantis")

    response = coordinator.post(_import_url(training), {"file": xlsx_file(rows)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 row has errors" in page
    assert "Atlantis is not one of the available choices" in page
    bad = response.context["preview"].invalid_rows
    assert [(row.number, list(row.errors)) for row in bad] == [(4, ["nationality"])]
    assert "Import 3" not in page
    assert 'name="token"' not in page
    assert Registration.objects.count() == 0


def test_refused_file_comes_back_with_the_reason(coordinator):
    training = TrainingFactory()
    upload = SimpleUploadedFile("people.xlsx", b"just text")

    response = coordinator.post(_import_url(training), {"file": upload})

    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()


def test_confirm_validates_the_rows_again(coordinator):
    training = TrainingFactory()
    preview = coordinator.post(_import_url(training), {"file": xlsx_file(people(2))})
    token = preview.context["token"]
    # Meanwhile one of them registers through the public form.
    services.registration_submit(
        training=training, participant_data=person_data(email="person1@example.org")
    )

    response = coordinator.post(f"{_import_url(training)}confirm/", {"token": token})

    assert response.status_code == 409
    assert [row.number for row in response.context["preview"].invalid_rows] == [3]
    assert "nothing was imported" in response.content.decode()
    assert Registration.objects.filter(source="import").count() == 0


def test_confirm_with_an_unknown_token_imports_nothing(coordinator):
    training = TrainingFactory()
    coordinator.post(_import_url(training), {"file": xlsx_file(people(2))})

    response = coordinator.post(f"{_import_url(training)}confirm/", {"token": "forged"})

    assert response.status_code == 302
    assert Registration.objects.count() == 0


def test_rows_previewed_for_one_training_cannot_be_confirmed_for_another(coordinator):
    first, second = TrainingFactory(), TrainingFactory()
    preview = coordinator.post(_import_url(first), {"file": xlsx_file(people(1))})

    coordinator.post(f"{_import_url(second)}confirm/", {"token": preview.context["token"]})

    assert Registration.objects.count() == 0


def test_import_posts_need_the_csrf_token(coordinator_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator_user)
    training = TrainingFactory()

    upload = client.post(_import_url(training), {"file": xlsx_file(people(1))})
    confirm = client.post(f"{_import_url(training)}confirm/", {"token": "x"})

    assert upload.status_code == 403
    assert confirm.status_code == 403
