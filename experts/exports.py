"""The expert directory as a spreadsheet (XLSX or CSV).

Two column sets: ``PUBLIC`` — what a public profile shows, for anyone, over
public profiles only — and ``STAFF`` — every field, for network officers. The
caller passes the experts (a queryset from ``experts.selectors``): the public
export is given ``expert_directory()``, which holds public profiles only, and
this module never widens it. Four queries whatever the number of experts
(experts with their region, expertise, languages, engagements).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from experts.models import Expert
from rtcm.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    add_sheet,
    csv_bytes,
    workbook_bytes,
)
from rtcm.core.storage import content_disposition

FORMATS = ("xlsx", "csv")


def _public_columns() -> list[tuple[str, object]]:
    return [
        (gettext("Given name"), lambda e: e.given_name),
        (gettext("Family name"), lambda e: e.family_name),
        (gettext("Country"), lambda e: e.country.code),
        (gettext("Region"), lambda e: e.region_code),
        (gettext("Organisation"), lambda e: e.organisation),
        (gettext("Position"), lambda e: e.position),
        (gettext("Expertise"), lambda e: "; ".join(t.name for t in e.expertise.all())),
        (gettext("Working languages"), lambda e: " ".join(e.language_codes())),
        (gettext("Biography"), lambda e: e.bio),
        (gettext("Profile"), lambda e: settings.SITE_URL + e.get_absolute_url()),
    ]


def _staff_columns() -> list[tuple[str, object]]:
    def when(value):
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    return [
        (gettext("ID"), lambda e: e.pk),
        *_public_columns()[:-1],
        (gettext("E-mail"), lambda e: e.email),
        (gettext("Phone"), lambda e: e.phone),
        (gettext("Status"), lambda e: e.status),
        (gettext("Status changed"), lambda e: when(e.status_changed_at)),
        (gettext("Public profile consent given"), lambda e: when(e.public_profile_consent_at)),
        (
            gettext("Public profile consent withdrawn"),
            lambda e: when(e.public_profile_consent_withdrawn_at),
        ),
        (gettext("Language of e-mails"), lambda e: e.correspondence_language),
        (gettext("Sessions taught"), lambda e: e.sessions_taught),
        (gettext("CV"), lambda e: e.cv_original_name),
        (gettext("Staff notes"), lambda e: e.staff_notes),
        (gettext("Applied"), lambda e: when(e.created_at)),
        (gettext("Slug"), lambda e: e.slug),
    ]


def export_rows(experts: QuerySet[Expert], *, staff: bool) -> tuple[list[str], Iterator[list]]:
    """The header and the rows of the export of ``experts`` (shaped by the selectors)."""
    columns = _staff_columns() if staff else _public_columns()
    if staff:
        experts = experts.annotate(sessions_taught=Count("sessions", distinct=True))

    def rows() -> Iterator[list]:
        for expert in experts:
            yield [value(expert) for _title, value in columns]

    return [title for title, _value in columns], rows()


def export_xlsx(experts: QuerySet[Expert], *, staff: bool) -> bytes:
    header, rows = export_rows(experts, staff=staff)
    workbook = Workbook(write_only=True)
    add_sheet(workbook, gettext("Experts"), header, rows)
    return workbook_bytes(workbook)


def export_csv(experts: QuerySet[Expert], *, staff: bool) -> bytes:
    return csv_bytes(*export_rows(experts, staff=staff))


def export_response(experts: QuerySet[Expert], *, fmt: str, staff: bool) -> HttpResponse:
    """The download of the export in ``fmt`` (``xlsx`` or ``csv``; 404 for anything else)."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "xlsx":
        content, content_type = export_xlsx(experts, staff=staff), XLSX_CONTENT_TYPE
    else:
        content, content_type = export_csv(experts, staff=staff), CSV_CONTENT_TYPE
    stem = "experts-staff" if staff else "experts"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    if staff:
        response["Cache-Control"] = "private, no-store"
    return response
