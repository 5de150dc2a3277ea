"""What a certificate looks like: its context, its template, its QR code, its PDF.

Rendering reads the database and returns bytes; it writes nothing, so a task
that dies half-way may simply render again. The services decide what to
render and save the result.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import segno
from django.conf import settings
from django.http import FileResponse
from django.template import engines
from django.template.loader import get_template
from django.utils import translation

from courses.models import Training
from participants.models import Certificate
from rtcm.core.pdf import is_rtl, render_pdf
from rtcm.core.storage import stored_file_response

CSS_PATH = Path(__file__).parent / "templates" / "participants" / "certificates" / "certificate.css"


@cache
def certificate_css() -> str:
    return CSS_PATH.read_text()


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URI (no file, no fetch, no Pillow)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _image_data_uri(field_file) -> str | None:
    if not field_file:
        return None
    with field_file.open("rb") as handle:
        head = handle.read()
    mime = "image/png" if head.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(head).decode()


def name_font_size(name: str) -> float:
    """Points for the name line: 30 pt, shrunk for long names so that it stays one line."""
    fits = 34  # characters of average width that fit at 30 pt on the A4 landscape line
    return round(30 * min(1.0, fits / max(len(name), 1)), 1) if len(name) > fits else 30.0


@dataclass(frozen=True)
class TrainingFacts:
    """What every certificate of one training shares: read once per batch."""

    training: Training
    hours: Decimal
    modules: list
    signatories: list[dict]


def _hours(sessions: list, modules: list) -> Decimal:
    """The sessions' hours; the modules' when the training has no session."""
    if sessions:
        return sum((s.hours for s in sessions), Decimal(0))
    return sum((m.hours for m in modules), Decimal(0))


def plain_hours(hours: Decimal) -> Decimal:
    """Hours as people write them: 12.0 → 12, 7.50 → 7.5, and 20.0 → 20 where
    ``normalize()`` alone would print 2E+1."""
    if hours == hours.to_integral_value():
        return hours.quantize(Decimal(1))
    return hours.normalize()


def training_hours(training: Training) -> Decimal:
    """The hours a certificate of ``training`` states."""
    sessions = list(training.sessions.all())
    modules = [] if sessions else list(training.modules.all())
    return plain_hours(_hours(sessions, modules))


def training_facts(training: Training) -> TrainingFacts:
    sessions = list(training.sessions.all())
    modules = list(training.modules.select_related("topic"))
    hours = _hours(sessions, modules)
    signatories = [
        {"name": s.name, "title": s.title, "signature": _image_data_uri(s.signature)}
        for s in training.signatories.all()
    ]
    return TrainingFacts(training=training, hours=hours, modules=modules, signatories=signatories)


def certificate_html(certificate: Certificate, facts: TrainingFacts | None = None) -> str:
    """The certificate's HTML, in the center's certificate language.

    One language for the whole page (``RTCM_CERTIFICATE_LANGUAGE``): the
    participant's name stays in its own script, but dates and wording do not
    switch language from one person to the next, nor mix two on one page.
    """
    registration = certificate.registration
    participant = registration.participant
    training = registration.training
    facts = facts or training_facts(training)
    name = participant.full_name
    language = settings.RTCM_CERTIFICATE_LANGUAGE
    with translation.override(language):
        context = {
            "certificate": certificate,
            "participant": participant,
            "name": name,
            "name_rtl": is_rtl(name),
            "name_size": name_font_size(name),
            "training": training,
            "title_rtl": is_rtl(training.title),
            "hours": plain_hours(facts.hours),
            "modules": facts.modules,
            "signatories": facts.signatories,
            "qr": qr_data_uri(certificate.get_verification_url()),
            "verification_url": certificate.get_verification_url(),
            "issued_on": certificate.issued_at.date()
            if isinstance(certificate.issued_at, dt.datetime)
            else certificate.issued_at,
            "CENTER_NAME": settings.CENTER_NAME,
            "LANGUAGE_CODE": language,
        }
        if training.certificate_template.strip():
            template = engines["django"].from_string(training.certificate_template)
        else:
            template = get_template("participants/certificates/default.html")
        return template.render(context)


def certificate_pdf(certificate: Certificate, facts: TrainingFacts | None = None) -> bytes:
    return render_pdf(certificate_html(certificate, facts), css=certificate_css())


def certificate_file_response(certificate: Certificate) -> FileResponse:
    """The stored PDF as a download (404 when there is none). Callers check access."""
    return stored_file_response(
        certificate.pdf, filename=f"{certificate.serial}.pdf", content_type="application/pdf"
    )
