"""The shape of every report: what the builders produce and the renderers print.

Renderers know nothing of trainings or regions; builders know nothing of PDF
or XLSX. A table is the unit of the XLSX (one sheet each) and CSV (one file
each) exports; sections order them in the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Table:
    """Rows of plain values (str, int, Decimal, float, date, None)."""

    key: str  # stable, ASCII: the sheet / CSV file name
    title: str
    columns: list[str]
    rows: list[list[Any]]
    # Column indexes holding numbers: right-aligned in the PDF, numeric in XLSX.
    numeric: list[int] = field(default_factory=list)
    # A short line printed under the table (e.g. "Modules never delivered are in bold").
    note: str = ""
    # Row indexes to highlight (e.g. curriculum modules never delivered).
    highlight: list[int] = field(default_factory=list)


@dataclass
class Chart:
    """A bar or pie chart, drawn server-side as SVG (no JavaScript in PDFs)."""

    title: str
    kind: Literal["bar", "pie"]
    labels: list[str]
    values: list[float]


@dataclass
class Figure:
    """A headline number: "Participants 1,234 (+12 % on the previous period)"."""

    label: str
    value: Any
    previous: Any = None  # the same figure for the previous period, when compared


@dataclass
class Section:
    title: str
    text: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    kind: Literal["training", "activity", "coverage", "programme"]
    title: str
    subtitle: str
    generated_at: dt.datetime
    # What the report covers, in words, for the cover ("1 Jan 2026 – 31 Mar 2026 · Central Asia").
    scope: str
    sections: list[Section]
    # The machine-readable parameters it was built with (echoed in exports).
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def filename(self, extension: str) -> str:
        stamp = self.generated_at.strftime("%Y%m%d-%H%M")
        return f"rtcm-{self.kind}-report-{stamp}.{extension}"
