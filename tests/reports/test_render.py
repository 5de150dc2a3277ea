"""Reports render to a PDF a donor can read, and to XLSX and CSV that open cleanly.

No database: a ``Report`` is built by hand, with names in every script the
center prints (Cyrillic, Georgian, Armenian, Azerbaijani ə, Arabic).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from rtcm.core.spreadsheets import sheet_title
from rtcm.reports.document import Chart, Figure, Report, Section, Table
from rtcm.reports.render import render_report

NAMES = {
    "cyrillic": "Айгерим Сапарова",
    "georgian": "ნინო ბერიძე",
    "armenian": "Անի Հակոբյան",
    "azerbaijani": "Gülnarə Əliyeva",
    "arabic": "فاطمة الزهراء",
}


def naive(iso: str) -> dt.datetime:
    """What openpyxl reads back: XLSX has no time zones (the center's local time is written)."""
    return dt.datetime.fromisoformat(iso)


def make_report() -> Report:
    participants = Table(
        key="participants",
        title="Participants by country: a title longer than thirty-one characters",
        columns=["Name", "Country", "Trainings", "Hours", "Last training"],
        rows=[
            [NAMES["cyrillic"], "Kazakhstan", 3, Decimal("24.5"), dt.date(2026, 3, 12)],
            [NAMES["georgian"], "Georgia", 2, Decimal("16"), dt.date(2026, 2, 1)],
            [NAMES["armenian"], "Armenia", 1, Decimal("8"), None],
            [NAMES["azerbaijani"], "Azerbaijan", 4, Decimal("32"), dt.date(2026, 1, 20)],
            [NAMES["arabic"], "Iraq", 1, Decimal("7.5"), dt.date(2026, 3, 30)],
            ['=HYPERLINK("http://evil")', "-2+3", -5, Decimal("0"), None],
        ],
        numeric=[2, 3],
    )
    modules = Table(
        key="modules",
        title="Curriculum modules",
        columns=["Code", "Module", "Deliveries"],
        rows=[["M1", "Border management", 4], ["M2", "Counter-trafficking", 0]],
        numeric=[2],
        note="Modules never delivered are in bold",
        highlight=[1],
    )
    empty = Table(key="waiting", title="Waiting lists", columns=["Training", "People"], rows=[])
    return Report(
        kind="activity",
        title="Activity report",
        subtitle="First quarter 2026",
        generated_at=dt.datetime(2026, 4, 2, 9, 30, tzinfo=dt.UTC),
        scope="1 Jan 2026 – 31 Mar 2026 · Central Asia",
        params={"start": dt.date(2026, 1, 1), "end": dt.date(2026, 3, 31), "regions": ["CA"]},
        sections=[
            Section(
                title="Headline figures",
                text="What the center did this quarter.",
                figures=[
                    Figure("Participants", 1234, previous=1100),
                    Figure("Trainings", 12, previous=15),
                    Figure("Hours delivered", Decimal("310.5"), previous=0),
                    Figure("Countries", 9),
                ],
                charts=[
                    Chart(
                        "Participants by region",
                        "bar",
                        ["Central Asia", "Middle East", "Eastern Partnership"],
                        [640, 210, 384],
                    ),
                    Chart("Participants by gender", "pie", ["Women", "Men"], [702, 532]),
                ],
            ),
            Section(title="Participants", tables=[participants]),
            Section(title="Curriculum coverage", tables=[modules, empty]),
        ],
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def pdf(report) -> bytes:
    # Module-scoped, without the database: the identity is known to be the default one.
    from rtcm.core.identity import identity_prime_default

    identity_prime_default()
    data, name = render_report(report, "pdf")
    assert name == "rtcm-activity-report-20260402-0930.pdf"
    return data


@pytest.fixture(scope="module")
def pdf_pages(pdf) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_pdf_has_cover_contents_sections_and_every_script(pdf_pages):
    text = "\n".join(pdf_pages)
    cover = pdf_pages[0]
    assert "Activity report" in cover
    assert "First quarter 2026" in cover
    assert "Regional Training Center on Migration".upper() in cover.upper()
    assert "31 Mar 2026" in cover
    assert "2 April 2026" in cover
    contents = pdf_pages[1]
    for title in ("Headline figures", "Participants", "Curriculum coverage"):
        assert title in contents
        assert text.count(title) >= 2  # in the contents and as the section's heading
    for script, name in NAMES.items():
        if script == "arabic":
            continue
        assert name in text, script
    arabic_letters = {char for char in NAMES["arabic"] if not char.isspace()}
    assert arabic_letters <= set(text)
    assert "No data" in text  # the empty table
    assert "Modules never delivered are in bold" in text


def test_pdf_contents_give_each_section_its_page(pdf_pages):
    contents = pdf_pages[1]
    for title in ("Headline figures", "Participants", "Curriculum coverage"):
        line = next(line for line in contents.splitlines() if line.startswith(title))
        page = int(line.rstrip().rsplit(maxsplit=1)[-1].strip("."))
        assert page > 2
        assert title in pdf_pages[page - 1], title


def test_pdf_has_header_and_footer_on_every_page_but_the_cover(pdf_pages):
    total = len(pdf_pages)
    assert total >= 4
    assert "Page 1 of" not in pdf_pages[0]
    for number, page in enumerate(pdf_pages[1:], start=2):
        assert f"Page {number} of {total}" in page
        assert "Regional Training Center on Migration" in page


def test_pdf_repeats_a_long_tables_header_on_every_page():
    table = Table(
        key="long",
        title="Long table",
        columns=["Person", "Hours"],
        rows=[[f"Person {number}", number] for number in range(150)],
        numeric=[1],
    )
    report = make_report()
    report.sections = [Section(title="Everyone", tables=[table])]
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_report(report, "pdf")[0])).pages]
    table_pages = [page for page in pages[2:] if "Person " in page]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert "Hours" in page  # the header row, repeated (no cell holds the word)


def test_pdf_figures_show_the_change_on_the_previous_period(pdf_pages):
    text = "\n".join(pdf_pages)
    assert "1,234" in text
    assert "+134 (+12.2 %)" in text
    assert "\u22123 (\u221220 %)" in text
    assert "+310.5" in text  # previous is zero: a change, no percentage
    assert "+310.5 (" not in text


def test_pdf_embeds_its_fonts_and_carries_no_javascript(pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    fonts = output.stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "DejaVu" in line
        # columns: name type encoding emb sub uni object ID — "emb" is the 4th from the end.
        assert line.split()[-5] == "yes", line
    assert b"/JavaScript" not in pdf
    assert b"/JS" not in pdf


def test_pdf_pages_render_to_images(pdf, tmp_path):
    """The cover, the contents and the chart page as PNGs (looked at while writing this)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", str(path), str(tmp_path / "page")],
        check=True,
    )
    assert sorted(p.name for p in tmp_path.glob("page-*.png")) == [
        "page-1.png",
        "page-2.png",
        "page-3.png",
    ]


def test_chart_svg_has_no_script(report):
    from rtcm.reports.render import chart_svg

    for chart in report.sections[0].charts:
        svg = chart_svg(chart)
        assert "<script" not in svg
        assert "DejaVu Sans" in svg
        assert "640" in svg or "702" in svg


def test_xlsx_has_a_report_sheet_and_one_sheet_per_table(report):
    data, name = render_report(report, "xlsx")
    assert name == "rtcm-activity-report-20260402-0930.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Report",
        "Participants by country a title",
        "Curriculum modules",
        "Waiting lists",
    ]
    summary = list(workbook["Report"].iter_rows(values_only=True))
    assert summary[0][0] == "Activity report"
    assert ("Scope", "1 Jan 2026 – 31 Mar 2026 · Central Asia") in [r[:2] for r in summary]
    # 09:30 UTC, written in the center's time (Baku, UTC+4).
    assert ("Generated", naive("2026-04-02T13:30")) in [r[:2] for r in summary]
    assert ("start", naive("2026-01-01T00:00")) in [r[:2] for r in summary]
    assert ("regions", "CA") in [r[:2] for r in summary]
    assert ("Headline figures", "Participants", 1234, 1100) in summary
    assert ("Headline figures", "Countries", 9, None) in summary

    sheet = workbook["Participants by country a title"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Country", "Trainings", "Hours", "Last training")
    assert sheet["A1"].font.bold
    assert rows[1] == (NAMES["cyrillic"], "Kazakhstan", 3, 24.5, naive("2026-03-12T00:00"))
    assert [row[0] for row in rows[1:6]] == list(NAMES.values())
    assert rows[6] == ('\'=HYPERLINK("http://evil")', "'-2+3", -5, 0, None)
    assert not sheet["A2"].font.bold

    modules = workbook["Curriculum modules"]
    assert not modules["A2"].font.bold
    assert modules["A3"].font.bold  # the highlighted row
    assert modules["C3"].value == 0
    assert list(workbook["Waiting lists"].iter_rows(values_only=True)) == [("Training", "People")]


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("A/B: [C]*?\\", taken) == "AB C"
    assert sheet_title("ab c", taken) == "ab c (2)"
    long = "x" * 40
    assert sheet_title(long, taken) == "x" * 31
    assert sheet_title(long, taken) == "x" * 27 + " (2)"
    assert all(len(title) <= 31 for title in taken)


def test_csv_zip_has_one_file_per_table_and_the_report_description(report):
    data, name = render_report(report, "csv")
    assert name == "rtcm-activity-report-20260402-0930.csv.zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == [
        "modules.csv",
        "participants.csv",
        "report.txt",
        "waiting.csv",
    ]
    raw = archive.read("participants.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Country", "Trainings", "Hours", "Last training"]
    assert rows[1] == [NAMES["cyrillic"], "Kazakhstan", "3", "24.5", "2026-03-12"]
    assert [row[0] for row in rows[1:6]] == list(NAMES.values())
    assert rows[3][4] == ""
    assert rows[6] == ['\'=HYPERLINK("http://evil")', "'-2+3", "-5", "0", ""]
    waiting = archive.read("waiting.csv").decode("utf-8-sig")
    assert waiting.splitlines() == ["Training,People"]
    description = archive.read("report.txt").decode("utf-8-sig")
    for expected in ("Activity report", "First quarter 2026", "Central Asia", "start: 2026-01-01"):
        assert expected in description


def test_renders_are_repeatable(report):
    assert render_report(report, "csv")[0] == render_report(report, "csv")[0]


def test_unknown_format_is_refused(report):
    with pytest.raises(ValueError, match="docx"):
        render_report(report, "docx")
