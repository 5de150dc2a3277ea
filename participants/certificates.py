"""What a certificate looks like: its context, its template, its QR code, its PDF.

Rendering reads the database and returns bytes; it writes nothing, so a task
that dies half-way may simply render again. The services decide what to
render and save the result.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import segno
from django.conf import settings
from django.http import FileResponse
from django.template import engines
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import strip_tags

from courses.models import Training
from participants.models import Certificate
from participants.names import certificate_name_lines
from rtcm.core.center import center_name
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


def name_font_size(name: str, *, width: float = 1.0) -> float:
    """Points for the name line: 30 pt, shrunk for long names so that it stays one line
    of ``width`` (1: the page's; 0.5: one column of a bilingual certificate)."""
    fits = int(34 * width)  # characters of average width that fit at 30 pt on that line
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


def certificate_languages(training: Training, participant) -> list[str]:
    """The languages a certificate of ``training`` prints for ``participant``, in order.

    ``Training.certificate_language``: English only; the participant's language
    (``Participant.preferred_language``); or bilingual, English first and the
    participant's language beside it — English alone for an English reader.
    """
    own = participant.preferred_language or "en"
    if own not in dict(settings.LANGUAGES):
        own = "en"
    mode = training.certificate_language
    if mode == Training.CertificateLanguage.ENGLISH:
        return ["en"]
    if mode == Training.CertificateLanguage.PARTICIPANT:
        return [own]
    return ["en"] if own == "en" else ["en", own]


def printed_name_lines(participant, *, width: float = 1.0) -> list[dict]:
    """The name as the person chose it (``participants.names``), a line each, with its
    direction and a font size that keeps it on one line of ``width`` (a share of the page)."""
    lines = certificate_name_lines(participant)
    return [
        {
            "text": line,
            "rtl": is_rtl(line),
            # Both: the Latin line below the name as written, smaller.
            "size": round(name_font_size(line, width=width) * (1 if number == 0 else 0.7), 1),
        }
        for number, line in enumerate(lines)
    ]


def certificate_context(
    certificate: Certificate, facts: TrainingFacts, *, languages: list[str]
) -> dict:
    """What the certificate's template and the verify page read.

    ``parts`` has one entry per language, rendered by the template inside
    ``{% language part.language %}``: the statement, the training's title
    (django-modeltranslation reads the active language), dates and place.
    """
    registration = certificate.registration
    participant = registration.participant
    training = registration.training
    two = len(languages) > 1
    name_lines = printed_name_lines(participant, width=0.5 if two else 1.0)
    name = " / ".join(line["text"] for line in name_lines)
    parts = []
    for language in languages:
        with translation.override(language):
            title = training.title  # in this language, or its fallback
            parts.append(
                {
                    "language": language,
                    "rtl": translation.get_language_bidi(),
                    "title": title,
                    "title_rtl": is_rtl(title),
                }
            )
    return {
        "certificate": certificate,
        "participant": participant,
        "parts": parts,
        "bilingual": two,
        "name_lines": name_lines,
        # The single-language keys a training's own template may use (its first language).
        "name": name,
        "name_rtl": is_rtl(name),
        "name_size": name_lines[0]["size"],
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
        "CENTER_NAME": center_name(languages[0]),
        "LANGUAGE_CODE": languages[0],
        "LANGUAGE_BIDI": parts[0]["rtl"],
    }


def certificate_statement_text(certificate: Certificate, facts: TrainingFacts) -> str:
    """What the certificate says, as plain text in the active language (the API's
    verification): the statement the PDF and the verify page print, name as printed."""
    context = certificate_context(
        certificate, facts, languages=[translation.get_language() or "en"]
    )
    context["part"] = context["parts"][0]
    markup = render_to_string("participants/certificates/_statement.html", context)
    return " ".join(html.unescape(strip_tags(markup)).split())


def certificate_html(certificate: Certificate, facts: TrainingFacts | None = None) -> str:
    """The certificate's HTML, in the training's certificate language(s).

    Each language's part is worded, dated and titled in that language; the
    participant's name stays in its own script (and in Latin letters when they
    asked). A training's own template renders in its first language, and may
    loop over ``parts`` with ``{% language %}`` as the default one does.
    """
    registration = certificate.registration
    training = registration.training
    facts = facts or training_facts(training)
    languages = certificate_languages(training, registration.participant)
    with translation.override(languages[0]):
        context = certificate_context(certificate, facts, languages=languages)
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
