"""Export a training's registrations as a spreadsheet (XLSX or CSV) for coordinators.

Reads run in a fixed number of queries whatever the number of registrations:
sessions and questions once, registrations with their participant and region
joined and their attendance counted by the database, answers prefetched.
Status, gender, organisation type, language and countries are written as
their codes, so that a file can be filtered the same in any language and read
back by the import.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from courses.models import Training
from participants.models import Answer, Registration
from rtcm.core.spreadsheets import (  # noqa: F401 — the content types serve the views
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    add_sheet,
    csv_bytes,
    workbook_bytes,
)


def registrations_export_rows(training: Training) -> tuple[list[str], Iterator[list]]:
    """The header and the rows (one per registration, oldest first) of the export.

    Three queries before the rows are read (sessions count, questions, and the
    registrations with their answers prefetched when iteration starts): four in all.
    """
    # The attendance % counts the sessions held so far (started), as everywhere.
    sessions_total = training.sessions.filter(starts_at__lte=timezone.now()).count()
    questions = list(training.questions.all())
    header = [
        gettext("Registration ID"),
        gettext("Status"),
        gettext("Submitted at"),
        gettext("Given name"),
        gettext("Family name"),
        gettext("E-mail"),
        gettext("Phone"),
        gettext("Gender"),
        gettext("Nationality"),
        gettext("Country of residence"),
        gettext("Region"),
        gettext("Organisation"),
        gettext("Organisation type"),
        gettext("Position"),
        gettext("Preferred language"),
        gettext("Sessions attended"),
        gettext("Sessions total"),
        gettext("Attendance %"),
        *(question.label for question in questions),
    ]
    registrations = (
        Registration.objects.filter(training=training)
        .select_related("participant", "region")
        .annotate(sessions_attended=Count("attendance", filter=Q(attendance__present=True)))
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )

    def rows() -> Iterator[list]:
        for registration in registrations:
            person = registration.participant
            answers: dict[int, Answer] = {
                answer.question_id: answer for answer in registration.answers.all()
            }
            attended = registration.sessions_attended
            yield [
                registration.pk,
                registration.status,
                timezone.localtime(registration.submitted_at).isoformat(timespec="seconds"),
                person.given_name,
                person.family_name,
                person.email,
                person.phone,
                person.gender,
                person.nationality.code,
                person.country_of_residence.code,
                str(registration.region) if registration.region else "",
                person.organisation,
                person.organisation_type,
                person.position,
                person.preferred_language,
                attended,
                sessions_total,
                _percent(attended, sessions_total),
                *(
                    answers[question.pk].display_value if question.pk in answers else ""
                    for question in questions
                ),
            ]

    return header, rows()


def _percent(part: int, whole: int) -> float | int | None:
    if not whole:
        return None
    value = round(100 * part / whole, 1)
    return int(value) if value.is_integer() else value


def export_xlsx(training: Training) -> bytes:
    """The registrations sheet (bold header), and a "Sessions" sheet with attendance counts.

    Five queries: the four of ``registrations_export_rows`` and the sessions'.
    """
    header, rows = registrations_export_rows(training)
    workbook = Workbook(write_only=True)
    add_sheet(workbook, gettext("Registrations"), header, rows)

    sessions = (
        training.sessions.annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            absent=Count("attendance", filter=Q(attendance__present=False)),
        )
        .order_by("starts_at", "pk")
        .values_list("title", "starts_at", "ends_at", "room", "present", "absent")
    )
    add_sheet(
        workbook,
        gettext("Sessions"),
        [
            gettext("Session"),
            gettext("Starts"),
            gettext("Ends"),
            gettext("Room"),
            gettext("Present"),
            gettext("Absent"),
        ],
        (
            [
                title,
                timezone.localtime(starts_at).isoformat(timespec="minutes"),
                timezone.localtime(ends_at).isoformat(timespec="minutes"),
                room,
                present,
                absent,
            ]
            for title, starts_at, ends_at, room, present, absent in sessions
        ),
    )
    return workbook_bytes(workbook)


def export_csv(training: Training) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows Cyrillic, Arabic… as they are."""
    return csv_bytes(*registrations_export_rows(training))
