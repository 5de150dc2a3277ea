"""Public programme pages: the list of programmes and a programme's page, with the
logos of its organisations."""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from courses import selectors
from rtcm.core.storage import stored_file_response

LOGO_CACHE_SECONDS = 24 * 3600


def _may_preview(user) -> bool:
    """Staff who may see programmes in the admin also see unpublished ones here."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("courses.view_programme")
    )


def programme_list(request):
    context = {"programmes": selectors.programme_list_public()}
    return render(request, "courses/programmes/list.html", context)


def programme_detail(request, slug):
    programme = selectors.programme_get_for_page(
        slug=slug, include_unpublished=_may_preview(request.user)
    )
    if programme is None:
        raise Http404
    upcoming, past = selectors.programme_trainings(programme)
    context = {"programme": programme, "upcoming": upcoming, "past": past}
    return render(request, "courses/programmes/detail.html", context)


def organisation_logo(request, slug, organisation):
    """The logo of an organisation taking part in the programme (checked and
    re-encoded when uploaded: ``courses.services.organisation_logo_check``)."""
    preview = _may_preview(request.user)
    found = selectors.programme_organisation_for_logo(
        programme_slug=slug, organisation_slug=organisation, include_unpublished=preview
    )
    if found is None:
        raise Http404
    response = stored_file_response(
        found.logo,
        filename=f"{found.slug}.png",
        as_attachment=False,
        content_type="image/png",
        private=preview,  # a staff preview may show an unpublished programme's
    )
    if not preview:
        patch_cache_control(response, public=True, max_age=LOGO_CACHE_SECONDS)
    return response
