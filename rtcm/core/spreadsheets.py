"""Spreadsheet cells that stay text: shared by every XLSX and CSV export and import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

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


def xlsx_header_cell(sheet, value: str, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=xlsx_value(value))
    cell.font = font
    return cell


def sheet_title(title: str) -> str:
    """Sheet titles are at most 31 characters, without []:*?/\\."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"


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
