"""Staff pages: import a training's participants from a spreadsheet, export its registrations.

For the coordinators of the training (``rtcm.core.access``: managers may download the
export and the template; importing changes the training, so only its coordinators do).
URLs, mounted at ``/staff/trainings/``:

- ``<slug>/import/`` (``staff_io:training_import``): GET the upload form; POST a
  file to see every row checked, with a confirm button when all are valid;
- ``<slug>/import/confirm/`` (``staff_io:import_confirm``): POST, registers the
  previewed rows and goes to the training's admin page;
- ``<slug>/import/template.xlsx`` (``staff_io:import_template``): an empty file
  with the columns, the training's questions included;
- ``<slug>/registrations.xlsx`` and ``<slug>/registrations.csv``
  (``staff_io:training_export`` with ``format="xlsx"`` or ``"csv"``).

Between preview and confirm the rows wait in the server-side session, never
in the page: the confirm step posts only a random token naming them, and
validates the rows again before importing, since registrations may have
changed in between.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.access import training_for_user_or_404
from courses.models import Training
from participants import exports, imports, services
from rtcm.core import audit
from rtcm.core.access import CHANGE, VIEW, training_staff_required
from rtcm.core.errors import DomainError
from rtcm.core.forms import StyledFormMixin, add_domain_error
from rtcm.core.reauth import recent_authentication_required
from rtcm.core.storage import content_disposition

SESSION_KEY = "staff_io_import"


coordinator_required = training_staff_required  # and each view scopes its training


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


@never_cache
@coordinator_required
@require_http_methods(["GET", "POST"])
def training_import(request: HttpRequest, slug: str) -> HttpResponse:
    training = training_for_user_or_404(request.user, slug, action=CHANGE)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = imports.read_rows(form.cleaned_data["file"])
        except imports.ImportFileError as error:
            add_domain_error(form, error, default_field="file")
        else:
            preview = imports.validate_rows(training, rows)
            token = _remember(request, training, rows) if preview.is_valid else ""
            if not preview.is_valid:
                request.session.pop(SESSION_KEY, None)
            return _render_preview(request, training, preview, token)
    context = {
        "training": training,
        "form": form,
        "columns": imports.import_columns(training),
        "max_rows": imports.MAX_ROWS,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participants/staff_io/import.html", context, status=status)


@never_cache
@coordinator_required
@require_POST
def import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    training = training_for_user_or_404(request.user, slug, action=CHANGE)
    rows = _recall(request, training, request.POST.get("token", ""))
    if rows is None:
        messages.error(
            request,
            _(
                "This import is no longer waiting (expired, or replaced by another upload). "
                "Please upload the file again."
            ),
        )
        return redirect("staff_io:training_import", slug=training.slug)
    preview = imports.validate_rows(training, rows)
    if not preview.is_valid:
        request.session.pop(SESSION_KEY, None)
        messages.error(
            request,
            _(
                "Registrations changed since the preview and some rows are no longer valid: "
                "nothing was imported."
            ),
        )
        return _render_preview(request, training, preview, "", status=409)
    try:
        registrations = services.registrations_import(
            training=training, preview=preview, actor=request.user
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("staff_io:training_import", slug=training.slug)
    request.session.pop(SESSION_KEY, None)
    count = len(registrations)
    messages.success(
        request,
        ngettext("%(count)d registration imported.", "%(count)d registrations imported.", count)
        % {"count": count},
    )
    return redirect("admin:courses_training_change", training.pk)


@never_cache
@coordinator_required
@require_GET
def import_template(request: HttpRequest, slug: str) -> HttpResponse:
    training = training_for_user_or_404(request.user, slug, action=VIEW)
    return _attachment(
        imports.import_template_xlsx(training),
        exports.XLSX_CONTENT_TYPE,
        f"{training.slug}-import-template.xlsx",
    )


@never_cache
@coordinator_required
@recent_authentication_required  # personal data: a recent sign-in (rtcm.core.reauth)
@require_GET
def training_export(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    """``format`` is ``xlsx`` or ``csv`` (the URL allows no other)."""
    training = training_for_user_or_404(request.user, slug, action=VIEW)
    if format == "csv":
        content, content_type = exports.export_csv(training), exports.CSV_CONTENT_TYPE
    else:
        content, content_type = exports.export_xlsx(training), exports.XLSX_CONTENT_TYPE
    audit.audit_event(request, audit.Kind.EXPORT, obj=training, summary=f"registrations.{format}")
    return _attachment(content, content_type, f"{training.slug}-registrations.{format}")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def _render_preview(request, training, preview, token: str, status: int = 200) -> HttpResponse:
    context = {"training": training, "preview": preview, "token": token}
    return render(request, "participants/staff_io/preview.html", context, status=status)


def _remember(request: HttpRequest, training: Training, rows: list[dict]) -> str:
    """Keep the rows in the session (one pending import per person) under a new token."""
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {"token": token, "training": training.pk, "rows": rows}
    return token


def _recall(request: HttpRequest, training: Training, token: str) -> list[dict] | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or not token or stored.get("training") != training.pk:
        return None
    if not constant_time_compare(stored.get("token", ""), token):
        return None
    return stored["rows"]
