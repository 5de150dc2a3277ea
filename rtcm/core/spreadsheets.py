"""Spreadsheets in and out: cells that stay text in every XLSX and CSV export, and
the reading of an uploaded ``.xlsx`` or ``.csv`` file (``read_table``) for imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from rtcm.core.errors import DomainError

# A cell starting with one of these is a formula to Excel or LibreOffice
# ("CSV injection"); written cells get a leading "'" so they stay text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def spreadsheet_safe(value: Any) -> Any:
    """Text that no spreadsheet takes for a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters are not allowed in XLSX cells: drop them rather than fail.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return spreadsheet_safe(value)


def xlsx_header_cell(sheet, value: Any, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=xlsx_value(value))
    cell.font = font
    return cell


SHEET_TITLE_INVALID = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31


def sheet_title(title: str, taken: set[str] | None = None) -> str:
    """A valid sheet title: at most 31 characters, without []:*?/\\ nor edge quotes.

    With ``taken`` (the titles used so far, casefolded), also unique as Excel
    compares them: "Title (2)", "Title (3)"…
    """
    base = SHEET_TITLE_INVALID.sub("", title).strip().strip("'").strip() or gettext("Sheet")
    candidate = base[:SHEET_TITLE_MAX]
    if taken is None:
        return candidate
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
    taken.add(candidate.casefold())
    return candidate


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows Cyrillic, Arabic… as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(title) for title in header])
    for row in rows:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def add_sheet(workbook: Workbook, title: str, header: list[str], rows: Iterable[list]) -> None:
    """A sheet of a write-only workbook: a bold, frozen header, then the rows."""
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([xlsx_header_cell(sheet, value, bold) for value in header])
    for row in rows:
        sheet.append([xlsx_value(value) for value in row])


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an uploaded spreadsheet ----------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"


class SpreadsheetError(DomainError):
    """An uploaded spreadsheet that cannot be read: its type, size or content."""

    default_message = _("This file cannot be read.")
    code = "spreadsheet"


def read_table(
    uploaded_file,
    *,
    max_bytes: int,
    max_rows: int,
    max_columns: int = 200,
    known_header: Callable[[str], bool] = bool,
) -> list[tuple[int, list[str]]]:
    """The non-blank rows of an uploaded ``.xlsx`` (first sheet) or ``.csv`` file.

    Each row comes as its number in the file (the first is 1) and its cells as
    text (at most ``max_columns``). The type is checked by content, not only by
    name; a CSV file is UTF-8 (with or without a byte order mark), its delimiter
    ``,`` or ``;``, whichever makes more cells of the first line ``known_header``.
    Raises ``SpreadsheetError`` for a wrong type, a file over ``max_bytes``, an
    empty or damaged file, or more than a header and ``max_rows`` rows (blank
    rows scanned count too, up to fifty times as many: an upload cannot make
    the server walk a million-row sheet).
    """
    extension = Path(getattr(uploaded_file, "name", "") or "").suffix.lower()
    if extension not in (".xlsx", ".csv"):
        raise SpreadsheetError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    too_large = SpreadsheetError(
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
        raise SpreadsheetError(_("The file is empty."))
    limits = (max_rows, max_columns)
    if extension == ".xlsx":
        return _xlsx_table(data, *limits)
    return _csv_table(data, *limits, known_header=known_header)


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} kB"
    return f"{size} B"


def _malformed() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file could not be read: it seems damaged. Save it again and retry.")
    )


def _xlsx_table(data: bytes, max_rows: int, max_columns: int) -> list[tuple[int, list[str]]]:
    if not data.startswith(XLSX_MAGIC):
        raise SpreadsheetError(
            _("This file is not an Excel workbook (.xlsx), whatever its name says.")
        )
    # Anything may go wrong parsing a file from outside (zip, XML, styles…): each
    # is the same "damaged file" to the person. Warnings about features openpyxl
    # skips (data validation, conditional formats) do not matter to a reading.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise _malformed() from error
        try:
            if not workbook.worksheets:
                raise SpreadsheetError(_("The file is empty."))
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(max_col=max_columns, values_only=True)
            return _collect(rows, max_rows, max_columns)
        except SpreadsheetError:
            raise
        except Exception as error:
            raise _malformed() from error
        finally:
            workbook.close()


def _csv_table(
    data: bytes, max_rows: int, max_columns: int, *, known_header: Callable[[str], bool]
) -> list[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise SpreadsheetError(
            _("This is not a text CSV file (it holds NUL bytes). Save it as “CSV UTF-8”.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _("This CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8”.")
        ) from error
    delimiter = _csv_delimiter(text, known_header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return _collect(reader, max_rows, max_columns)
    except csv.Error as error:
        raise _malformed() from error


def _csv_delimiter(text: str, known_header: Callable[[str], bool]) -> str:
    first_line = text.split("\n", 1)[0]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            header = []
        known = sum(1 for cell in header if known_header(cell))
        return known, first_line.count(delimiter)

    return max((",", ";"), key=score)


def _collect(
    rows: Iterable[Sequence[Any]], max_rows: int, max_columns: int
) -> list[tuple[int, list[str]]]:
    """Non-blank rows as text with their numbers in the file; refuses too many."""
    table: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        if number > 50 * max_rows or len(table) > max_rows + 1:
            raise _too_many_rows(max_rows)
        cells = [_cell_text(value) for value in list(row)[:max_columns]]
        if any(cells):
            table.append((number, cells))
    if len(table) > max_rows + 1:  # the header and max_rows data rows
        raise _too_many_rows(max_rows)
    return table


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(count)d rows: split it into several files.")
        % {"count": max_rows}
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
