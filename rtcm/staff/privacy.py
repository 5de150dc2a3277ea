"""Data-protection requests: a manager looks a person up by e-mail, sees what is held
(a participant and / or an expert with that address), downloads it all as one ZIP,
and erases it after typing the address again.

It reads across participants and experts, so it stands at the top (``rtcm.staff``);
the rules are the apps' services (``participant_erase``, ``expert_erase``…).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from experts import services as expert_services
from experts.models import Expert
from participants import services as participant_services
from participants.models import Participant
from participants.services.privacy import participant_data_files, zip_archive
from rtcm.core.access import role_required
from rtcm.core.audit import audit_event
from rtcm.core.errors import DomainError
from rtcm.core.forms import StyledFormMixin, add_domain_error
from rtcm.core.models import AuditEvent
from rtcm.core.reauth import (
    authentication_is_recent,
    reauthentication_redirect,
    recent_authentication_required,
)
from rtcm.core.roles import MANAGER
from rtcm.core.storage import content_disposition

manager_required = role_required(MANAGER)  # managers and superusers


class LookupForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address of the person"), max_length=254)


class EraseForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput, max_length=254)
    confirm_email = forms.CharField(
        label=gettext_lazy("Type the e-mail address again to confirm"),
        max_length=254,
        required=False,
    )

    def clean(self):
        data = super().clean()
        typed = (data.get("confirm_email") or "").strip()
        if "email" in data and typed and typed.lower() != data["email"].strip().lower():
            self.add_error(
                "confirm_email", _("This is not the address looked up: nothing was erased.")
            )
        return data


def people_with_email(email: str) -> tuple[Participant | None, Expert | None]:
    """The participant and the expert that ``email`` names (any letter case), not yet erased."""
    address = email.strip()
    participant = (
        Participant.objects.filter(email__iexact=address, erased_at__isnull=True)
        .prefetch_related("registrations__training")
        .first()
    )
    expert = Expert.objects.filter(email__iexact=address, erased_at__isnull=True).first()
    return participant, expert


def _privacy_url(email: str = "") -> str:
    url = reverse("staff:privacy")
    return f"{url}?{urlencode({'email': email})}" if email else url


def _not_recent(request: HttpRequest) -> HttpResponse | None:
    """The confirm page, then back to the look-up (a POST cannot be replayed), unless the
    sign-in is recent: exports and erasures of personal data ask for it."""
    if authentication_is_recent(request):
        return None
    return reauthentication_redirect(request, _privacy_url(request.POST.get("email", "")))


@never_cache
@manager_required
@recent_authentication_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    participant = expert = None
    looked_up = False
    if request.GET and form.is_valid():
        looked_up = True
        participant, expert = people_with_email(form.cleaned_data["email"])
    context = {
        "form": form,
        "looked_up": looked_up,
        "email": form.cleaned_data["email"] if looked_up else "",
        "participant": participant,
        "registrations": list(participant.registrations.all()) if participant else [],
        "expert": expert,
        "erase_form": EraseForm(initial={"email": form.cleaned_data["email"]})
        if looked_up
        else None,
    }
    return render(request, "staff/privacy.html", context, status=400 if form.errors else 200)


@never_cache
@manager_required
@require_POST
def privacy_export(request: HttpRequest) -> HttpResponse:
    """One ZIP of what is held under the address: ``participant/…`` and ``expert/…``."""
    if (confirm := _not_recent(request)) is not None:
        return confirm
    form = LookupForm(request.POST)
    if not form.is_valid():
        return redirect(_privacy_url())
    email = form.cleaned_data["email"]
    participant, expert = people_with_email(email)
    if participant is None and expert is None:
        messages.warning(request, _("Nothing is held under this address."))
        return redirect(_privacy_url(email))
    files: dict[str, bytes] = {}
    if participant is not None:
        files.update(participant_data_files(participant, folder="participant/"))
    if expert is not None:
        files.update(expert_services.expert_data_files(expert, folder="expert/"))
    for person in (participant, expert):
        if person is not None:
            audit_event(
                request,
                AuditEvent.Kind.EXPORT,
                summary="Personal data export (data-protection request)",
                obj=person,
            )
    response = HttpResponse(zip_archive(files), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        f"personal-data-{timezone.localdate():%Y-%m-%d}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@manager_required
@require_POST
def privacy_erase(request: HttpRequest) -> HttpResponse:
    """Erase the participant and the expert of the address, once it is typed again.

    Without the typed address this only shows the confirmation step; with a
    different one it refuses (400) and erases nothing.
    """
    if (confirm := _not_recent(request)) is not None:
        return confirm
    form = EraseForm(request.POST)
    if not form.is_valid():
        participant, expert = people_with_email(form.data.get("email", ""))
        return _confirm(request, form, participant, expert, status=400)
    email = form.cleaned_data["email"]
    participant, expert = people_with_email(email)
    if participant is None and expert is None:
        messages.warning(request, _("Nothing is held under this address."))
        return redirect(_privacy_url())
    if not form.cleaned_data["confirm_email"].strip():
        return _confirm(request, form, participant, expert, status=200)
    try:
        with transaction.atomic():
            if participant is not None:
                participant_services.participant_erase(participant=participant, by=request.user)
            if expert is not None:
                expert_services.expert_erase(expert=expert, by=request.user)
    except DomainError as error:
        add_domain_error(form, error, default_field="confirm_email")
        return _confirm(request, form, participant, expert, status=409)
    messages.success(
        request,
        _(
            "The personal data held under this address was erased; "
            "the registrations stay as anonymous counts."
        ),
    )
    return redirect(_privacy_url())


def _confirm(request, form, participant, expert, *, status: int) -> HttpResponse:
    context = {
        "form": form,
        "email": form.data.get("email", ""),
        "participant": participant,
        "registrations": list(participant.registrations.all()) if participant else [],
        "expert": expert,
    }
    return render(request, "staff/privacy_erase.html", context, status=status)
