"""What a certificate of service looks like (its PDF) and says (its verification page);
and the .ics of an assignment.

Rendering reads and returns bytes; it writes nothing (``volunteers.services`` stores).
The PDF carries a QR code of ``/certificates/verify/<code>/``, the page training
certificates are verified on: participants asks ``service_certificate_verification``
through its hook (``participants.hooks``, registered in ``volunteers.apps``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import icalendar
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.calendar import PRODID
from participants.certificates import plain_hours, qr_data_uri
from rtcm.core.center import center_name
from rtcm.core.pdf import is_rtl, render_pdf
from volunteers.models import Assignment, ServiceCertificate

CSS_PATH = Path(__file__).parent / "templates" / "volunteers" / "certificate.css"


@cache
def certificate_css() -> str:
    return CSS_PATH.read_text()


def verification_url(certificate: ServiceCertificate) -> str:
    return settings.SITE_URL + reverse(
        "certificates:verify_code", kwargs={"code": certificate.code}
    )


def name_lines(volunteer) -> list[dict]:
    """The name as written (any script), and below it in Latin letters when given and other."""
    lines = [volunteer.full_name]
    latin = f"{volunteer.given_name_latin} {volunteer.family_name_latin}".strip()
    if latin and latin != lines[0]:
        lines.append(latin)
    return [{"text": line, "rtl": is_rtl(line)} for line in lines]


def assignment_lines(assignments: Iterable[Assignment]) -> list[dict]:
    lines = []
    for assignment in assignments:
        title = assignment.activity_title  # a training's in the active language
        lines.append(
            {
                "title": title,
                "title_rtl": is_rtl(title),
                "role": assignment.get_role_display(),
                "start": timezone.localtime(assignment.starts_at).date(),
                "end": timezone.localtime(assignment.ends_at).date(),
                "hours": plain_hours(assignment.hours),
            }
        )
    return lines


def service_certificate_html(certificate: ServiceCertificate, assignments: list[Assignment]) -> str:
    language = certificate.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "certificate": certificate,
            "name_lines": name_lines(certificate.volunteer),
            "lines": assignment_lines(assignments),
            "hours": plain_hours(certificate.hours),
            "qr": qr_data_uri(verification_url(certificate)),
            "verification_url": verification_url(certificate),
            "issued_on": timezone.localtime(certificate.issued_at or timezone.now()).date(),
            "CENTER_NAME": center_name(language),
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        }
        return render_to_string("volunteers/certificate.html", context)


def service_certificate_pdf(
    certificate: ServiceCertificate, assignments: list[Assignment]
) -> bytes:
    return render_pdf(service_certificate_html(certificate, assignments), css=certificate_css())


def service_certificate_verification(code: str) -> tuple[str, dict] | None:
    """``participants.hooks.certificate_verifier_register``: the page of a certificate of
    service with ``code`` — valid or revoked, the name, period, hours and the center —
    or None when no certificate of service has it. Nothing else of the volunteer."""
    from volunteers.selectors import service_certificate_by_code

    certificate = service_certificate_by_code(code)
    if certificate is None:
        return None
    lines = name_lines(certificate.volunteer)
    return (
        "volunteers/verify_result.html",
        {
            "service_certificate": certificate,
            "name": " / ".join(line["text"] for line in lines),
            "hours": plain_hours(certificate.hours),
            "center": center_name(),
        },
    )


# --- the .ics of an assignment --------------------------------------------------------


def assignment_calendar(assignment: Assignment, *, cancelled: bool = False) -> bytes:
    """One event in UTC (as ``courses.calendar``'s feeds); a cancellation has the same UID,
    a higher sequence and ``STATUS:CANCELLED``, so the volunteer's calendar drops it."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"volunteer-assignment-{assignment.pk}@rtcm")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", assignment.starts_at.astimezone(dt.UTC))
    event.add("dtend", assignment.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{assignment.activity_title} — {assignment.get_role_display()}")
    training = assignment.training
    if training is not None:
        if training.is_online:
            location = gettext("Online")
        else:
            parts = [training.venue_city]
            if training.venue_country:
                parts.append(str(training.venue_country.name))
            location = ", ".join(part for part in parts if part)
        if location:
            event.add("location", location)
        event.add("url", settings.SITE_URL + training.get_absolute_url())
    if assignment.notes:
        event.add("description", assignment.notes)
    event.add("sequence", 1 if cancelled else 0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
