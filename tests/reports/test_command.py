"""``manage.py build_report``: the same file as the job's, no job, readable errors."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rtcm.core.models import Job
from rtcm.reports import services
from tests.factories import TrainingFactory
from tests.reports.fakes import install_fake_reports, real_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_reports(monkeypatch):
    return install_fake_reports(monkeypatch)


@pytest.fixture
def training():
    return TrainingFactory(slug="readmission-2026", title="Readmission 2026")


def run(*args) -> str:
    out = io.StringIO()
    call_command("build_report", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_file_report_build_makes_and_prints_path_and_size(
    tmp_path, fake_reports, training
):
    output = tmp_path / "activity.xlsx"
    out = run(
        "activity",
        "--from=2026-01-01",
        "--to=2026-03-31",
        "--region=central-asia",
        "--training-format=online",
        "--format=xlsx",
        f"--output={output}",
    )
    expected, _ = services.report_build(
        services.ReportRequest(
            kind="activity",
            fmt="xlsx",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 3, 31),
            region="central-asia",
            training_format="online",
        )
    )
    assert output.read_bytes() == expected
    assert out.strip() == f"{output.resolve()} ({len(expected)} bytes)"
    assert not Job.objects.exists()


def test_training_report_by_slug(tmp_path, fake_reports, training):
    output = tmp_path / "training.pdf"
    run("training", "--training=readmission-2026", f"--output={output}")
    assert fake_reports.calls == [("training", {"training": training})]
    assert output.read_bytes().startswith(b"training|pdf|")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["activity", "--from=2026-03-01", "--to=2026-02-01"], "--to: The period ends before"),
        (["coverage", "--to=2026-02-01"], "--from: Give the first day"),
        (["training"], "--training: Choose the training"),
        (["training", "--training=nope"], "--training: There is no training “nope”"),
        (["activity", "--from=2026-01-01", "--to=2026-01-31", "--region=x"], "--region: "),
        (["activity", "--from=2026-01-01", "--to=2026-01-31", "--topic=x"], "--topic: "),
        (
            ["activity", "--from=2026-01-01", "--to=2026-01-31", "--training-format=x"],
            "--training-format: ",
        ),
        (["activity", "--from=1 Jan", "--to=2026-01-31"], "--from: Enter a date as YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_command_error_naming_the_option(tmp_path, fake_reports, args, message):
    output = tmp_path / "never.pdf"
    with pytest.raises(CommandError, match=message):
        run(*args, f"--output={output}")
    assert not output.exists()
    assert fake_reports.calls == []


def test_an_unwritable_output_is_a_command_error(tmp_path, fake_reports):
    with pytest.raises(CommandError, match="cannot write"):
        run("coverage", "--from=2026-01-01", "--to=2026-01-31", f"--output={tmp_path}")


# --- the real builders and renderer (skipped while they are stubs) -------------------


@pytest.fixture
def frozen_now(monkeypatch):
    moment = dt.datetime(2026, 4, 1, 6, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_real_command_csv_is_byte_for_byte_report_build(tmp_path, training, frozen_now):
    request = services.report_request_validate(
        {"kind": "activity", "format": "csv", "start": "2026-01-01", "end": "2026-03-31"}
    )
    expected, _ = real_or_skip(lambda: services.report_build(request))
    output = tmp_path / "activity.csv.zip"
    run("activity", "--from=2026-01-01", "--to=2026-03-31", "--format=csv", f"--output={output}")
    assert output.read_bytes() == expected


def test_real_command_pdf_reads_the_same_as_report_build(tmp_path, training, frozen_now):
    from pypdf import PdfReader

    request = services.report_request_validate(
        {"kind": "training", "format": "pdf", "training": training.slug}
    )
    expected, _ = real_or_skip(lambda: services.report_build(request))
    output = tmp_path / "training.pdf"
    run("training", f"--training={training.slug}", f"--output={output}")

    def text(source) -> list[str]:
        return [page.extract_text() for page in PdfReader(source).pages]

    assert text(output) == text(io.BytesIO(expected))
    assert "Readmission 2026" in "".join(text(output))
