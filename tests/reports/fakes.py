"""Stand-ins for the report builders and renderer, for the tests of the jobs, pages,
API and command: what they check is the plumbing, not the report's content."""

from __future__ import annotations

import datetime as dt

from rtcm.reports import builders, services
from rtcm.reports.document import Report, Section, Table


def fake_report(kind: str, **params) -> Report:
    return Report(
        kind=kind,
        title=f"{kind} report",
        subtitle="",
        generated_at=dt.datetime(2026, 2, 1, 6, 0, tzinfo=dt.UTC),
        scope="test",
        sections=[Section(title="S", tables=[Table("t", "T", ["a"], [[1]])])],
        params={key: str(value) for key, value in params.items()},
    )


def fake_render(report: Report, fmt: str) -> tuple[bytes, str]:
    params = ",".join(f"{key}={value}" for key, value in sorted(report.params.items()))
    return f"{report.kind}|{fmt}|{params}".encode(), report.filename(fmt)


class FakeBuilders:
    """Records the builder calls; ``fail`` makes every build raise."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.fail: Exception | None = None

    def make(self, kind: str):
        def build(**kwargs):
            self.calls.append((kind, kwargs))
            if self.fail is not None:
                raise self.fail
            return fake_report(kind, **kwargs)

        return build


def install_fake_reports(monkeypatch) -> FakeBuilders:
    """Fake builders and renderer in place of the real ones (each test module's fixture)."""
    fakes = FakeBuilders()
    for kind in ("training", "activity", "coverage"):
        monkeypatch.setattr(builders, f"{kind}_report", fakes.make(kind))
    monkeypatch.setattr(services, "render_report", fake_render)
    return fakes


def real_or_skip(call):
    """Run the real builders/renderer (they were stubs while these tests were written;
    now a NotImplementedError would fail the test, as it should)."""
    return call()
