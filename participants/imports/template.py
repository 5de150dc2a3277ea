"""The import file a coordinator starts from: its columns, with what each accepts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from openpyxl import Workbook

from courses.models import Question, Training
from participants.imports.reading import REQUIRED_COLUMNS
from participants.imports.validation import person_field_label
from participants.models import PERSON_FIELDS, Participant
from rtcm.core.spreadsheets import add_sheet, workbook_bytes


@dataclass
class ImportColumn:
    key: str
    label: str
    required: bool
    hint: str


def import_columns(training: Training) -> list[ImportColumn]:
    """The columns an import file may have, with what each accepts."""
    country_hint = gettext("ISO code (UZ) or English name (Uzbekistan).")
    hints = {
        "given_name": gettext("In any script."),
        "family_name": gettext("In any script."),
        "email": gettext("One registration per e-mail address."),
        "gender": ", ".join(Participant.Gender.values),
        "nationality": country_hint,
        "country_of_residence": country_hint,
        "organisation_type": ", ".join(Participant.OrganisationType.values),
        "preferred_language": gettext("%(codes)s; empty: the training's first language.")
        % {"codes": ", ".join(code for code, _name in settings.LANGUAGES)},
    }
    columns = [
        ImportColumn(
            key=name,
            label=person_field_label(name),
            required=name in REQUIRED_COLUMNS,
            hint=hints.get(name, ""),
        )
        for name in PERSON_FIELDS
    ]
    for question in training.questions.all():
        if question.kind == Question.Kind.YES_NO:
            hint = gettext("Yes or No.")
        elif question.kind == Question.Kind.SINGLE_CHOICE:
            hint = gettext("One of: %(choices)s.") % {"choices": "; ".join(question.choice_list)}
        elif question.kind == Question.Kind.MULTIPLE_CHOICE:
            hint = gettext("Any of, separated by “;”: %(choices)s.") % {
                "choices": "; ".join(question.choice_list)
            }
        else:
            hint = question.help_text
        columns.append(
            ImportColumn(
                key=question.label, label=question.label, required=question.required, hint=hint
            )
        )
    return columns


def import_template_xlsx(training: Training) -> bytes:
    """An empty import file for the training: the header row, and a sheet of help."""
    columns = import_columns(training)
    workbook = Workbook(write_only=True)
    add_sheet(workbook, gettext("Participants"), [column.key for column in columns], [])
    add_sheet(
        workbook,
        gettext("Help"),
        [gettext("Column"), gettext("Required"), gettext("Accepts")],
        (
            [column.key, gettext("Yes") if column.required else gettext("No"), column.hint]
            for column in columns
        ),
    )
    return workbook_bytes(workbook)
