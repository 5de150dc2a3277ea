"""Report renderers: one ``Report`` to PDF, XLSX or CSV bytes, and the file's name.

Rendering reads nothing but the ``Report`` and writes nothing, so a task that
dies half-way may simply render again. Labels are translated into the active
language; names and titles keep their own script.

* PDF: a document a donor can read — cover, contents with page numbers,
  running header and "Page N of M" footer, figures with their change on the
  previous period, tables, and charts drawn server-side as SVG by pygal (no
  JavaScript anywhere). The stylesheet is shared and parsed once per process.
* XLSX: a "Report" sheet (title, scope, parameters, figures), then one sheet
  per table with numbers as numbers and dates as dates.
* CSV: a ZIP of one CSV per table (UTF-8 with BOM, for Excel) and ``report.txt``.

Every text cell of a spreadsheet goes through ``spreadsheet_safe`` (the
formula-injection guard the registrations export uses).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pygal
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from pygal.etree import etree as pygal_etree
from pygal.style import Style

from rtcm.core.center import center_name
from rtcm.core.pdf import is_rtl, render_pdf
from rtcm.core.spreadsheets import (
    csv_bytes,
    sheet_title,
    workbook_bytes,
    xlsx_header_cell,
    xlsx_value,
)
from rtcm.reports.document import Chart, Figure, Report, Table

# pygal draws with lxml when it is installed (python-docx brings it); we serialise
# with the standard library's ElementTree: keep pygal on that one.
pygal_etree.to_etree()

# pygal appends a ``sys.meta_path`` finder for its map plugins, which we do not
# use. It has no ``find_spec``, so every failed import anywhere in the process
# then warns (an error where warnings are errors, as in the tests): take it out.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

FORMATS = ("pdf", "xlsx", "csv")

CSS_PATH = Path(__file__).parent / "templates" / "reports" / "report.css"

# Characters Excel refuses in a sheet title; it also caps titles at 31 characters.

MINUS = "\u2212"  # a real minus sign, as wide as "+", for changes in the PDF

CHART_COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5")


def render_report(report: Report, fmt: str) -> tuple[bytes, str]:
    """The file's bytes and its name; ``ValueError`` for a format not in ``FORMATS``."""
    renderers: dict[str, tuple[Callable[[Report], bytes], str]] = {
        "pdf": (report_pdf, "pdf"),
        "xlsx": (report_xlsx, "xlsx"),
        "csv": (report_csv_zip, "csv.zip"),
    }
    if fmt not in renderers:
        raise ValueError(f"Unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    render, extension = renderers[fmt]
    return render(report), report.filename(extension)


# --- PDF ------------------------------------------------------------------


@cache
def report_css() -> str:
    return CSS_PATH.read_text()


def report_pdf(report: Report) -> bytes:
    return render_pdf(report_html(report), css=report_css())


def report_html(report: Report) -> str:
    sections = [
        {
            "id": f"section-{number}",
            "title": section.title,
            "title_rtl": is_rtl(section.title),
            "text": section.text,
            "text_rtl": is_rtl(section.text),
            "figures": [_figure_context(figure) for figure in section.figures],
            "tables": [_table_context(table) for table in section.tables],
            "charts": [
                {
                    "title": chart.title,
                    "title_rtl": is_rtl(chart.title),
                    "src": chart_data_uri(chart),
                }
                for chart in section.charts
            ],
        }
        for number, section in enumerate(report.sections, start=1)
    ]
    context = {
        "report": report,
        "title_rtl": is_rtl(report.title),
        "generated": _format_value(_local(report.generated_at)),
        "sections": sections,
        "footer_css": page_footer_css(),
        "CENTER_NAME": center_name(),
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
    }
    return render_to_string("reports/report.html", context)


def page_footer_css() -> str:
    """The footer's CSS ``content``: "Page N of M" in the active language.

    The sentence is translated whole and split at its placeholders, since the
    page numbers are CSS counters that only WeasyPrint knows.
    """
    sentence = gettext("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", sentence)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    content = " ".join(counters.get(part) or css_string(part) for part in parts if part)
    return (
        f"@page {{ @bottom-center {{ content: {content}; }} }}"
        " @page :first { @bottom-center { content: none; } }"
    )


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot close the string or the <style>."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&\n\r' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


def _figure_context(figure: Figure) -> dict[str, Any]:
    context: dict[str, Any] = {
        "label": figure.label,
        "value": _format_value(figure.value),
        "change": "",
        "percent": "",
        "trend": "",
        "previous": "" if figure.previous is None else _format_value(figure.previous),
    }
    if _is_number(figure.value) and _is_number(figure.previous):
        delta = figure.value - figure.previous
        if delta:
            context["trend"] = "up" if delta > 0 else "down"
        context["change"] = _signed(delta)
        if figure.previous:
            context["percent"] = _signed(round(100 * delta / figure.previous, 1)) + " %"
    return context


def _signed(number: Any) -> str:
    sign = "+" if number > 0 else MINUS if number < 0 else "±"
    return sign + _format_value(abs(number))


def _table_context(table: Table) -> dict[str, Any]:
    numeric = set(table.numeric)
    highlight = set(table.highlight)
    return {
        "title": table.title,
        "title_rtl": is_rtl(table.title),
        "note": table.note,
        "columns": [
            {"text": column, "rtl": is_rtl(column), "numeric": index in numeric}
            for index, column in enumerate(table.columns)
        ],
        "rows": [
            {
                "highlight": index in highlight,
                "cells": [
                    _cell_context(value, numeric=column in numeric)
                    for column, value in enumerate(row)
                ],
            }
            for index, row in enumerate(table.rows)
        ],
    }


def _cell_context(value: Any, *, numeric: bool) -> dict[str, Any]:
    text = _format_value(value)
    return {"text": text, "numeric": numeric, "rtl": not numeric and is_rtl(text)}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _format_value(value: Any) -> str:
    """A value as the PDF prints it, in the active language's number and date formats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, float | Decimal):
        return floatformat(value, "-1g")
    if isinstance(value, dt.datetime):
        return date_filter(_local(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_filter(value, "DATE_FORMAT")
    return str(value)


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def chart_data_uri(chart: Chart) -> str:
    svg = chart_svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def chart_svg(chart: Chart) -> str:
    """The chart as SVG, with no <script>: pygal always adds one, and a PDF carries none."""
    style = Style(
        font_family="DejaVu Sans",
        background="white",
        plot_background="white",
        foreground="#1b2a41",
        foreground_strong="#1b2a41",
        foreground_subtle="#d9d9d9",
        colors=CHART_COLOURS,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=13,
        legend_font_size=14,
        no_data_font_size=24,
        opacity="1",
        stroke_opacity="1",
        guide_stroke_color="#d9d9d9",
        major_guide_stroke_color="#bfbfbf",
        guide_stroke_dasharray="none",
        major_guide_stroke_dasharray="none",
    )
    config = pygal.Config(
        js=[],
        disable_xml_declaration=True,
        print_values=True,
        width=800,
        height=360,
        # width and height on the <svg>: WeasyPrint then keeps its proportions.
        explicit_size=True,
        print_values_position="top",
        style=style,
        no_data_text=gettext("No data"),
        value_formatter=_format_value,
        truncate_label=40,
        truncate_legend=40,
    )
    if chart.kind == "pie":
        drawing = pygal.Pie(config, legend_at_bottom=False, inner_radius=0.4)
        for label, value in zip(chart.labels, chart.values, strict=True):
            drawing.add(label, [value])
    else:
        # Labels turn when they would not fit side by side under their bars.
        crowded = sum(len(label) for label in chart.labels) * 9 > 700
        drawing = pygal.Bar(config, show_legend=False, x_label_rotation=30 if crowded else 0)
        drawing.x_labels = chart.labels
        drawing.add(chart.title, list(chart.values))
    root = drawing.render_tree()
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rpartition("}")[2] == "script":
                parent.remove(child)
    return ET.tostring(root, encoding="unicode")


# --- XLSX -----------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    titles: set[str] = set()

    summary = workbook.create_sheet(sheet_title(gettext("Report"), titles))
    summary.append([_bold_cell(summary, report.title, bold)])
    for label, value in (
        (gettext("Subtitle"), report.subtitle),
        (gettext("Scope"), report.scope),
        (gettext("Generated"), _xlsx_cell_value(report.generated_at)),
    ):
        summary.append([_bold_cell(summary, label, bold), xlsx_value(value)])
    if report.params:
        summary.append([])
        summary.append([_bold_cell(summary, gettext("Parameters"), bold)])
        for key, value in report.params.items():
            summary.append([xlsx_value(str(key)), _xlsx_cell_value(_param_value(value))])
    figures = [(section, figure) for section in report.sections for figure in section.figures]
    if figures:
        summary.append([])
        summary.append(
            [
                _bold_cell(summary, title, bold)
                for title in (
                    gettext("Section"),
                    gettext("Figure"),
                    gettext("Value"),
                    gettext("Previous"),
                )
            ]
        )
        for section, figure in figures:
            summary.append(
                [
                    xlsx_value(section.title),
                    xlsx_value(figure.label),
                    _xlsx_cell_value(figure.value),
                    _xlsx_cell_value(figure.previous),
                ]
            )

    for table in report.tables:
        sheet = workbook.create_sheet(sheet_title(table.title or table.key, titles))
        sheet.freeze_panes = "A2"
        sheet.append([_bold_cell(sheet, column, bold) for column in table.columns])
        highlight = set(table.highlight)
        for index, row in enumerate(table.rows):
            if index in highlight:
                sheet.append([_bold_cell(sheet, value, bold) for value in row])
            else:
                sheet.append([_xlsx_cell_value(value) for value in row])
        if table.note:
            sheet.append([])
            sheet.append([xlsx_value(table.note)])

    return workbook_bytes(workbook)


def _bold_cell(sheet, value: Any, font: Font) -> WriteOnlyCell:
    return xlsx_header_cell(sheet, _xlsx_cell_value(value), font)


def _xlsx_cell_value(value: Any) -> Any:
    """Numbers and dates as themselves (XLSX has no time zones: local time), text guarded."""
    if isinstance(value, dt.datetime):
        return _local(value).replace(tzinfo=None)
    if isinstance(value, str | int | float | Decimal | dt.date | bool) or value is None:
        return xlsx_value(value)
    return xlsx_value(str(value))


def _param_value(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value)
    return value


# --- CSV ------------------------------------------------------------------


def report_csv_zip(report: Report) -> bytes:
    """A ZIP of ``<table.key>.csv`` files and ``report.txt``; same bytes for the same report."""
    stamp = _local(report.generated_at).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        files = csv_file_names(report)
        write("report.txt", report_text(report, files).encode("utf-8-sig"))
        for table, name in zip(report.tables, files, strict=True):
            write(name, table_csv(table))
    return buffer.getvalue()


def csv_file_names(report: Report) -> list[str]:
    """``<table.key>.csv`` for each table, numbered should two tables share a key."""
    taken: set[str] = set()
    names = []
    for table in report.tables:
        name, number = table.key, 1
        while name in taken:
            number += 1
            name = f"{table.key}-{number}"
        taken.add(name)
        names.append(f"{name}.csv")
    return names


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark (``rtcm.core.spreadsheets.csv_bytes``), cells guarded."""
    return csv_bytes(list(table.columns), (_csv_row(row) for row in table.rows))


def _csv_row(row: Iterable[Any]) -> list[Any]:
    return [_csv_value(value) for value in row]


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if value is None or _is_number(value) else str(value)


def report_text(report: Report, files: list[str]) -> str:
    """What the CSV files are: title, scope, when, and the parameters they were built with."""
    lines = [
        report.title,
        report.subtitle,
        "",
        f"{gettext('Scope')}: {report.scope}",
        f"{gettext('Generated')}: {_local(report.generated_at).isoformat(timespec='seconds')}",
        f"{gettext('Center')}: {center_name()}",
    ]
    if report.params:
        lines += ["", f"{gettext('Parameters')}:"]
        lines += [
            f"  {key}: {_text_value(_param_value(value))}" for key, value in report.params.items()
        ]
    figures = [(section, figure) for section in report.sections for figure in section.figures]
    if figures:
        lines += ["", f"{gettext('Figures')}:"]
        for section, figure in figures:
            previous = (
                ""
                if figure.previous is None
                else f" ({gettext('previous')}: {_text_value(figure.previous)})"
            )
            lines.append(
                f"  {section.title} — {figure.label}: {_text_value(figure.value)}{previous}"
            )
    if files:
        lines += ["", f"{gettext('Tables')}:"]
        lines += [
            f"  {name} — {table.title}" for name, table in zip(files, report.tables, strict=True)
        ]
    return "\n".join(lines) + "\n"


def _text_value(value: Any) -> str:
    """A value in ``report.txt``: a text file, not a spreadsheet, so no formula guard."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
