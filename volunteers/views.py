"""Public pages of the Migration Volunteers: what they do and how to join, the application.

No page lists or shows a volunteer: the public page counts the active ones, no more.
Writes go through ``volunteers.services``; their messages are shown beside the fields.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.ratelimit import rate_limited
from volunteers import selectors, services
from volunteers.forms import ApplicationForm
from volunteers.models import Volunteer


@require_GET
def index(request):
    context = {
        "active_count": selectors.volunteers_active_count(),
        "skills": Volunteer.Skill.choices,
    }
    return render(request, "volunteers/index.html", context)


def correspondence_language() -> str:
    """The language the applicant reads the site in, if the center writes in it."""
    language = translation.get_language() or ""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes:
        return language
    base = language.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def _too_many_applications(request) -> bool:
    limit = settings.RTCM_VOLUNTEER_APPLY_RATE_PER_HOUR
    return rate_limited(request, scope="volunteer-apply", limit=limit, per_seconds=3600)


@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method != "POST":
        return render(request, "volunteers/apply.html", {"form": ApplicationForm()})
    form = ApplicationForm(request.POST)
    status = 200
    if _too_many_applications(request):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many applications were sent from your network in the last hour. "
                "Please try again later."
            ),
        )
        status = 429
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.volunteer_apply(
                data=form.volunteer_data(correspondence_language=correspondence_language()),
                languages=data["languages"],
                skills=data["skills"],
                consent=data["consent"],
            )
        except (DomainError, ValidationError) as error:
            add_domain_error(form, error)
        else:
            return redirect("volunteers:apply_done")
    elif not form.cleaned_data.get("consent"):
        form.add_error("consent", str(services.ConsentRequired().message))
    return render(request, "volunteers/apply.html", {"form": form}, status=status)


@require_GET
def apply_done(request):
    return render(request, "volunteers/applied.html")
