"""Report builders: database aggregation into ``Report`` documents. (Being written.)"""

from __future__ import annotations

import datetime as dt

from courses.models import Training
from rtcm.reports.document import Report


def training_report(*, training: Training) -> Report:
    raise NotImplementedError


def activity_report(
    *,
    start: dt.date,
    end: dt.date,
    region: str | None = None,
    topic: str | None = None,
    format: str | None = None,
) -> Report:
    raise NotImplementedError


def coverage_report(*, start: dt.date, end: dt.date) -> Report:
    raise NotImplementedError
