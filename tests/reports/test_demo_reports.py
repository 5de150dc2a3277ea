"""Every report from the demo center, in every format, checked against counts made here."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.db.models import Count
from django.utils import timezone
from pypdf import PdfReader

from courses.models import Training
from participants.models import Registration
from rtcm.reports import services
from tests.demo.seeding import demo_fixture

pytestmark = pytest.mark.django_db

SCRIPTS = {
    "Cyrillic": re.compile(r"[\u0400-\u04FF]"),
    "Georgian": re.compile(r"[\u10A0-\u10FF]"),
    "Armenian": re.compile(r"[\u0530-\u058F]"),
    "Azerbaijani ə": re.compile(r"[əƏ]"),
    "Arabic": re.compile(r"[\u0600-\u06FF]"),
}


_demo_database, demo = demo_fixture(name="demo")  # seeded once for the module


def build(**data):
    return services.report_build(services.report_request_validate(data))


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_training_report_of_the_demo_holds_its_people_and_counts(demo):
    training = (
        Training.objects.filter(status="completed")
        .annotate(n=Count("registrations"))
        .order_by("-n")
        .first()
    )
    confirmed = Registration.objects.filter(training=training, status="confirmed")
    pdf, _ = build(kind="training", training=training.slug, format="pdf")
    text = pdf_text(pdf)
    assert training.title in text
    names = [r.participant.family_name for r in confirmed.select_related("participant")]
    for name in names:
        assert name in text or name[::-1] in text
    printed_scripts = {script for script, p in SCRIPTS.items() if any(p.search(n) for n in names)}
    assert len(printed_scripts) >= 3  # the demo's biggest training is a mix of scripts
    by_region = {}
    for region in confirmed.values_list("region__name", flat=True):
        by_region[region] = by_region.get(region, 0) + 1

    xlsx, _ = build(kind="training", training=training.slug, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    book.close()
    region_sheet = next(rows for title, rows in sheets.items() if "region" in title.lower())
    counted = {row[0]: row[1] for row in region_sheet[1:] if row[1]}
    assert counted == by_region

    csv_zip, name = build(kind="training", training=training.slug, format="csv")
    with zipfile.ZipFile(io.BytesIO(csv_zip)) as archive:
        participants = archive.read("participants.csv").decode("utf-8-sig")
    assert participants.count("\n") >= confirmed.count() + 1


def test_activity_report_of_the_demo_prints_every_script_and_the_totals(demo):
    pdf, _ = build(kind="activity", start="2020-01-01", end="2030-12-31", format="pdf")
    text = pdf_text(pdf)
    held = (
        Training.objects.filter(start_date__lte=timezone.localdate(), end_date__gte="2020-01-01")
        .exclude(status__in=["draft", "cancelled"])
        .count()
    )
    assert str(held) in text
    xlsx, _ = build(kind="activity", start="2020-01-01", end="2030-12-31", format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    names = " ".join(
        str(cell)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if cell
    )
    book.close()
    experts_and_countries = names + text
    assert "Central Asia" in experts_and_countries


def test_the_demo_current_period_lists_next_february_as_scheduled_not_held(demo):
    """The demo has trainings next February: in a period reaching them they are listed
    as scheduled, never among the trainings held at 0 %; the headline is the home page's."""
    from courses.selectors import trainings_held
    from participants.selectors import center_totals
    from rtcm.reports.builders import activity_report

    today = timezone.localdate()
    february = (
        Training.objects.filter(start_date__gt=today, start_date__month=2)
        .exclude(status__in=["draft", "cancelled"])
        .order_by("start_date")
        .first()
    )
    assert february is not None, "the demo schedules trainings next February"
    start = today.replace(month=1, day=1)
    report = activity_report(start=start, end=february.end_date)
    tables = {table.key: table for table in report.tables}
    held = [(row[0], row[1]) for row in tables["trainings"].rows]
    scheduled = [(row[0], row[1]) for row in tables["trainings_scheduled"].rows]
    assert (february.title, february.start_date) in scheduled
    assert (february.title, february.start_date) not in held
    assert all(row_start <= today for _title, row_start in held)
    figures = {f.label: f.value for s in report.sections for f in s.figures}
    assert figures["Trainings held"] == len(held)
    everything = {
        f.label: f.value
        for s in activity_report(start=dt.date(2000, 1, 1), end=dt.date(2100, 12, 31)).sections
        for f in s.figures
    }
    totals = center_totals()
    assert everything["Trainings held"] == totals["trainings_held"] == trainings_held().count()
    assert everything["Unique participants"] == totals["participants_trained"]


def test_coverage_report_of_the_demo_lists_every_module(demo):
    from courses.models import Curriculum

    curriculum = Curriculum.objects.get(status="approved")
    pdf, _ = build(kind="coverage", start="2020-01-01", end="2030-12-31", format="pdf")
    text = pdf_text(pdf)
    for module in curriculum.modules.all():
        assert module.code in text
