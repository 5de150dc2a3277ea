"""Reading an import file: the spreadsheet (``rtcm.core.spreadsheets.read_table``) into
one dict per data row, keyed by person field (header names, labels and aliases) or
by the header as written (the training's questions)."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from participants.models import PERSON_FIELDS, Participant
from rtcm.core.errors import DomainError
from rtcm.core.spreadsheets import SpreadsheetError, read_table

MAX_ROWS = 2000
# Columns read per row: an upload cannot make the server walk a very wide sheet.
MAX_COLUMNS = 200
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

# Other names a header may use (compared after ``normalize_header``), Russian among them.
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


def normalize_header(header: Any) -> str:
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
            lookup[normalize_header(Participant._meta.get_field(name).verbose_name)] = name
            for alias in COLUMN_ALIASES.get(name, ()):
                lookup[normalize_header(alias)] = name
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
    try:
        table = read_table(
            uploaded_file,
            max_bytes=getattr(settings, "RTCM_IMPORT_MAX_BYTES", 2_000_000),
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
            known_header=lambda cell: normalize_header(cell) in _header_lookup(),
        )
    except SpreadsheetError as error:
        raise ImportFileError(error.message) from error
    return _rows_from_table(table)


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
        key = _header_lookup().get(normalize_header(text), text.strip())
        if not key or key == ROW_KEY:
            keys.append(None)
            continue
        if key in keys:
            raise ImportFileError(
                _("The column “%(column)s” appears twice in the header.") % {"column": text}
            )
        keys.append(key)
    return keys
