"""Report renderers: one ``Report`` to PDF, XLSX or CSV bytes. (Being written.)"""

from __future__ import annotations

from rtcm.reports.document import Report

FORMATS = ("pdf", "xlsx", "csv")


def render_report(report: Report, fmt: str) -> tuple[bytes, str]:
    """The file's bytes and its name."""
    raise NotImplementedError
