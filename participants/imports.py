"""Import participants and their registrations for one training from a spreadsheet.

Three steps, each usable alone:

1. ``read_rows`` checks an uploaded ``.xlsx`` or ``.csv`` file by its content
   (not only its name) and its size, and turns it into one dict per data row,
   keyed by column;
2. ``validate_rows`` checks every row with the public registration form's rules,
   plus duplicates inside the file and people already registered;
3. ``registrations_import`` registers every row through
   ``services.registration_submit`` in one transaction: a file with any bad row
   imports nothing.

Partner agencies send lists they collected consent for, so rows are validated
with ``consent`` given.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import inspect
import io
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from openpyxl.styles import Font

from courses.models import Question, Training
from participants import forms as participant_forms
from participants.forms import RegistrationForm
from participants.models import PERSON_FIELDS, Participant, Registration
from participants.services import registration_submit
from rtcm.core.errors import AlreadyRegistered, DomainError
from rtcm.core.spreadsheets import FORMULA_PREFIXES, xlsx_header_cell, xlsx_value

MAX_ROWS = 2000
# Columns read per row, and rows scanned at most (blank ones too): an upload
# cannot make the server walk a million-row sheet.
MAX_COLUMNS = 200
MAX_SCANNED_ROWS = 50 * MAX_ROWS
XLSX_MAGIC = b"PK\x03\x04"
# The key under which each row dict carries its row number in the file (header = 1).
ROW_KEY = "_row"

REQUIRED_COLUMNS = [
    "given_name",
    "family_name",
    "email",
    "gender",
    "nationality",
    "country_of_residence",
    "organisation",
    "organisation_type",
]

# Other names a header may use (compared after ``_normalize``), Russian among them.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "given_name": ("first_name", "given_names", "имя"),
    "family_name": ("last_name", "surname", "фамилия"),
    "email": ("e_mail", "email_address", "e_mail_address", "эл._почта", "эл.почта", "почта"),
    "phone": ("phone_number", "telephone", "mobile", "телефон"),
    "gender": ("sex", "пол"),
    "nationality": ("country_of_nationality", "citizenship", "гражданство"),
    "country_of_residence": ("residence", "country", "страна_проживания", "страна"),
    "organisation": ("organization", "agency", "организация"),
    "organisation_type": ("organization_type", "тип_организации"),
    "position": ("job_title", "должность"),
    "preferred_language": ("language", "язык"),
}


class ImportFileError(DomainError):
    """The uploaded file, or one of its rows, cannot be imported."""

    default_message = _("This file cannot be imported.")
    code = "import_file"


def _normalize(header: Any) -> str:
    """Case-insensitive; spaces, underscores and hyphens are the same."""
    text = str(header or "").strip().casefold()
    return re.sub(r"[\s_\-]+", "_", text).strip("_")


@functools.cache
def _header_lookup() -> dict[str, str]:
    """Normalised header → person field: names, English labels and aliases."""
    lookup: dict[str, str] = {}
    with translation.override("en"):
        for name in PERSON_FIELDS:
            lookup[name] = name
            lookup[_normalize(Participant._meta.get_field(name).verbose_name)] = name
            for alias in COLUMN_ALIASES.get(name, ()):
                lookup[_normalize(alias)] = name
    return lookup


# --- reading the file ---------------------------------------------------------------


def read_rows(uploaded_file) -> list[dict[str, Any]]:
    """The data rows of an uploaded ``.xlsx`` or ``.csv`` file.

    Each row is a dict: person fields under their names (``given_name``…),
    other columns under their header as written, and the row's number in the
    file under ``ROW_KEY``. Blank rows are skipped. Raises ``ImportFileError``
    for a wrong type, a file over ``RTCM_IMPORT_MAX_BYTES``, an empty or
    malformed file, a missing header or required columns, or more than
    ``MAX_ROWS`` rows.
    """
    extension = Path(getattr(uploaded_file, "name", "") or "").suffix.lower()
    if extension not in (".xlsx", ".csv"):
        raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    max_bytes = getattr(settings, "RTCM_IMPORT_MAX_BYTES", 2_000_000)
    too_large = ImportFileError(
        _("The file is larger than %(size)s.") % {"size": _human_size(max_bytes)}
    )
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise too_large
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    table = _xlsx_table(data) if extension == ".xlsx" else _csv_table(data)
    return _rows_from_table(table)


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} kB"
    return f"{size} B"


def _malformed() -> ImportFileError:
    return ImportFileError(
        _("The file could not be read: it seems damaged. Save it again and retry.")
    )


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(
            _("This file is not an Excel workbook (.xlsx), whatever its name says.")
        )
    # Anything may go wrong parsing a file from outside (zip, XML, styles…): each
    # is the same "damaged file" to the person. Warnings about features openpyxl
    # skips (data validation, conditional formats) do not matter to an import.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise _malformed() from error
        try:
            if not workbook.worksheets:
                raise ImportFileError(_("The file is empty."))
            sheet = workbook.worksheets[0]
            return _collect(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
        except ImportFileError:
            raise
        except Exception as error:
            raise _malformed() from error
        finally:
            workbook.close()


def _csv_table(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise ImportFileError(
            _("This is not a text CSV file (it holds NUL bytes). Save it as “CSV UTF-8”.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("This CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8”.")
        ) from error
    delimiter = _csv_delimiter(text)
    try:
        return _collect(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise _malformed() from error


def _csv_delimiter(text: str) -> str:
    """``,`` or ``;``: whichever makes more known columns of the header line."""
    first_line = text.split("\n", 1)[0]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            header = []
        known = sum(1 for cell in header if _normalize(cell) in _header_lookup())
        return known, first_line.count(delimiter)

    return max((",", ";"), key=score)


def _collect(rows: Iterable[Sequence[Any]]) -> list[tuple[int, list[str]]]:
    """Non-blank rows as text with their numbers in the file; refuses too many."""
    table: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_SCANNED_ROWS or len(table) > MAX_ROWS + 1:
            raise _too_many_rows()
        cells = [_cell_text(value) for value in list(row)[:MAX_COLUMNS]]
        if any(cells):
            table.append((number, cells))
    if len(table) > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
        raise _too_many_rows()
    return table


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(count)d rows: split it into several files.")
        % {"count": MAX_ROWS}
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    # Undo the guard our exports put before cells such as "+998…".
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def _rows_from_table(table: list[tuple[int, list[str]]]) -> list[dict[str, Any]]:
    if not table:
        raise ImportFileError(_("The file is empty."))
    _number, header = table[0]
    keys = _header_keys(header)
    known = {key for key in keys if key in PERSON_FIELDS}
    if not known:
        raise ImportFileError(
            _(
                "The first row must be the header with the column names "
                "(given_name, family_name, email…); none was found."
            )
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in known]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if len(table) == 1:
        raise ImportFileError(_("The file has a header row but no data rows."))
    rows = []
    for number, cells in table[1:]:
        row: dict[str, Any] = {ROW_KEY: number}
        for key, value in zip(keys, cells, strict=False):
            if key is not None:
                row[key] = value
        rows.append(row)
    return rows


def _header_keys(header: list[str]) -> list[str | None]:
    """Each column's key: a person field's name, else its header as written."""
    keys: list[str | None] = []
    for text in header:
        key = _header_lookup().get(_normalize(text), text.strip())
        if not key or key == ROW_KEY:
            keys.append(None)
            continue
        if key in keys:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in the header.") % {"column": text}
            )
        keys.append(key)
    return keys


# --- validating the rows -----------------------------------------------------------------


@dataclass
class ImportCell:
    """One cell of the preview table: what the file says, and what is wrong with it."""

    column: str
    value: Any
    errors: list[str]


@dataclass
class ImportRow:
    number: int  # as in the file: the header is row 1
    values: dict[str, Any]  # what the file says, by column
    data: dict[str, Any] = field(default_factory=dict)  # cleaned person data
    answers: dict[int, Any] = field(default_factory=dict)  # cleaned answers by question id
    errors: dict[str, list[str]] = field(default_factory=dict)  # column → messages
    cells: list[ImportCell] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def row_errors(self) -> list[str]:
        """Errors that belong to no single column."""
        return self.errors.get("__all__", [])


@dataclass
class ImportPreview:
    training: Training
    rows: list[ImportRow]
    questions: list[Question]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and all(row.is_valid for row in self.rows)

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def columns(self) -> list[str]:
        return [*PERSON_FIELDS, *(question.label for question in self.questions)]

    @property
    def column_labels(self) -> list[str]:
        return [_person_field_label(name) for name in PERSON_FIELDS] + [
            question.label for question in self.questions
        ]


def _person_field_label(name: str) -> str:
    return str(Participant._meta.get_field(name).verbose_name).capitalize()


def _form_takes_training() -> bool:
    return "training" in inspect.signature(RegistrationForm.__init__).parameters


def _question_field_name(question: Question) -> str:
    namer = getattr(participant_forms, "question_field_name", None)
    return namer(question) if namer else f"question_{question.pk}"


def validate_rows(training: Training, rows: list[dict[str, Any]]) -> ImportPreview:
    """Check every row as the public form would, plus duplicates.

    An e-mail that appears twice in the file, or already holds an active
    registration for this training, is an error of the row. Queries do not grow
    with the rows: questions and registered e-mails are read once.
    """
    # A fresh copy whose questions are read once for every row's form.
    training = Training.objects.prefetch_related("questions").get(pk=training.pk)
    questions = list(training.questions.all())
    question_by_label: dict[str, Question] = {}
    for question in questions:
        question_by_label.setdefault(_normalize(question.label), question)
    column_of_question: dict[int, str] = {}
    ignored: list[str] = []
    for key in _keys_of(rows):
        if key in PERSON_FIELDS or key == ROW_KEY:
            continue
        question = question_by_label.get(_normalize(key))
        if question is not None and question.pk not in column_of_question:
            column_of_question[question.pk] = key
        else:
            ignored.append(key)

    registered = set(
        Registration.objects.filter(training=training, status__in=Registration.ACTIVE_STATUSES)
        .annotate(email_ci=Lower("participant__email"))
        .values_list("email_ci", flat=True)
    )
    lookups = _Lookups(training)
    form_kwargs = {"training": training} if _form_takes_training() else {}
    seen: dict[str, int] = {}
    preview_rows = []
    for raw in rows:
        values = {name: raw.get(name, "") for name in PERSON_FIELDS}
        for question in questions:
            values[question.label] = raw.get(column_of_question.get(question.pk, ""), "")
        row = ImportRow(number=int(raw.get(ROW_KEY, 0)), values=values)
        form_data: dict[str, Any] = {"consent": "on"}
        for name in PERSON_FIELDS:
            form_data[name] = lookups.person_value(name, values[name])
        for question in questions:
            form_data[_question_field_name(question)] = lookups.answer_value(
                question, values[question.label]
            )
        form = RegistrationForm(data=form_data, **form_kwargs)
        errors: dict[str, list[str]] = {}
        if form.is_valid():
            row.data = {name: form.cleaned_data[name] for name in PERSON_FIELDS}
            row.answers = _answers_of(form, questions, values, errors)
        else:
            label_of = {_question_field_name(q): q.label for q in questions}
            for name, messages in form.errors.items():
                errors[label_of.get(name, name)] = [str(message) for message in messages]
        email = str(form.cleaned_data.get("email") or "").casefold()
        if email:
            if email in seen:
                errors.setdefault("email", []).append(
                    gettext("This e-mail address already appears in row %(row)d.")
                    % {"row": seen[email]}
                )
            else:
                seen[email] = row.number
            if email in registered:
                errors.setdefault("email", []).append(str(AlreadyRegistered.default_message))
        row.errors = errors
        row.cells = [
            ImportCell(column=column, value=values[column], errors=errors.get(column, []))
            for column in [*PERSON_FIELDS, *(q.label for q in questions)]
        ]
        preview_rows.append(row)
    return ImportPreview(
        training=training, rows=preview_rows, questions=questions, ignored_columns=ignored
    )


def _keys_of(rows: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return list(keys)


def _answers_of(form, questions, values, errors) -> dict[int, Any]:
    """The cleaned answers; checked here only if the form does not know the questions."""
    if questions and _question_field_name(questions[0]) in form.fields:
        if hasattr(form, "answers"):
            return form.answers()
        return {q.pk: form.cleaned_data.get(_question_field_name(q)) for q in questions}
    answers = {}
    for question in questions:
        value = values[question.label]
        if question.required and not value:
            errors.setdefault(question.label, []).append(gettext("This field is required."))
        answers[question.pk] = value or None
    return answers


class _Lookups:
    """Turns what people type in spreadsheets into the values the form expects."""

    def __init__(self, training: Training):
        self.countries: dict[str, str] = {}
        # English names first, then the names in the center's other languages.
        for language in ["en", *(code for code, _name in settings.LANGUAGES)]:
            with translation.override(language):
                for country in countries:
                    self.countries.setdefault(str(country.name).casefold(), country.code)
        for country in countries:
            self.countries.setdefault(country.code.casefold(), country.code)
            alpha3 = countries.alpha3(country.code)
            if alpha3:
                self.countries.setdefault(alpha3.casefold(), country.code)
        self.choices = {
            "gender": _choice_lookup(Participant.Gender.choices),
            "organisation_type": _choice_lookup(Participant.OrganisationType.choices),
            "preferred_language": _choice_lookup(settings.LANGUAGES),
        }
        for code, _name in settings.LANGUAGES:
            info = translation.get_language_info(code)
            self.choices["preferred_language"].setdefault(info["name_local"].casefold(), code)
        valid_languages = {code for code, _name in settings.LANGUAGES}
        working = [code for code in training.languages or [] if code in valid_languages]
        self.default_language = working[0] if working else settings.LANGUAGE_CODE

    def person_value(self, name: str, value: str) -> str:
        if name in ("nationality", "country_of_residence"):
            return self.countries.get(value.casefold(), value)
        if name == "preferred_language" and not value:
            return self.default_language
        if name in self.choices:
            return self.choices[name].get(value.casefold(), value)
        return value

    def answer_value(self, question: Question, value: str) -> Any:
        kind = question.kind
        if kind == Question.Kind.YES_NO:
            return _YES_NO.get(value.casefold(), value)
        if kind in Question.CHOICE_KINDS:
            choices = {choice.casefold(): choice for choice in question.choice_list}
            if kind == Question.Kind.SINGLE_CHOICE:
                return choices.get(value.casefold(), value)
            parts = [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]
            return [choices.get(part.casefold(), part) for part in parts]
        return value


_YES_NO = {
    **dict.fromkeys(["yes", "y", "true", "1", "да", "так", "bəli", "evet", "ha", "иә"], "yes"),
    **dict.fromkeys(["no", "n", "false", "0", "нет", "ні", "xeyr", "hayır", "yo'q", "жоқ"], "no"),
}


def _choice_lookup(choices) -> dict[str, str]:
    """Stored values and English labels, case-insensitive."""
    lookup = {}
    with translation.override("en"):
        for value, label in choices:
            lookup[str(value).casefold()] = value
            lookup.setdefault(str(label).casefold(), value)
    return lookup


# --- importing -------------------------------------------------------------------------


def registrations_import(
    *, training: Training, preview: ImportPreview, actor: AbstractBaseUser | None
) -> list[Registration]:
    """Register every row of a valid preview, all or nothing.

    Each row goes through ``registration_submit`` (source ``import``, the
    registration window not enforced), which takes the training's row lock, so
    statuses follow the seats left in file order. Everything runs in one
    ``transaction.atomic()``: the first row a rule refuses rolls the whole
    import back, and its number is in the error.
    """
    if preview.training.pk != training.pk:
        raise ImportFileError(_("This preview belongs to another training."))
    if not preview.rows:
        raise ImportFileError(_("There is nothing to import."))
    if not preview.is_valid:
        count = len(preview.invalid_rows)
        raise ImportFileError(
            ngettext(
                "%(count)d row has errors: nothing was imported.",
                "%(count)d rows have errors: nothing was imported.",
                count,
            )
            % {"count": count}
        )
    registrations = []
    with transaction.atomic():
        for row in preview.rows:
            try:
                registration = registration_submit(
                    training=training,
                    participant_data=row.data,
                    answers=row.answers,
                    source=Registration.Source.IMPORT,
                    actor=actor,
                    enforce_window=False,
                )
            except (DomainError, ValidationError) as error:
                message = (
                    error.message if isinstance(error, DomainError) else " ".join(error.messages)
                )
                raise ImportFileError(
                    gettext("Row %(row)d: %(message)s Nothing was imported.")
                    % {"row": row.number, "message": message},
                    field=getattr(error, "field", None),
                ) from error
            registrations.append(registration)
    return registrations


# --- the template file -------------------------------------------------------------------


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
            label=_person_field_label(name),
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
    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    sheet = workbook.create_sheet(gettext("Participants")[:31])
    sheet.append([xlsx_header_cell(sheet, column.key, bold) for column in columns])
    help_sheet = workbook.create_sheet(gettext("Help")[:31])
    help_sheet.append(
        [
            xlsx_header_cell(help_sheet, text, bold)
            for text in (gettext("Column"), gettext("Required"), gettext("Accepts"))
        ]
    )
    for column in columns:
        help_sheet.append(
            [
                xlsx_value(column.key),
                gettext("Yes") if column.required else gettext("No"),
                xlsx_value(column.hint),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
