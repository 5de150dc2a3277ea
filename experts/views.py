"""Public pages of the Regional Expert Network: directory, profile, application, consent.

Every public read starts from ``selectors.public_experts()`` (active experts who
consent), so an expert who withdraws consent or is no longer active leaves the
directory, its search, its export, the profile and the photo at once. No page
here shows an e-mail, a phone number, a CV, a status or staff notes. Writes go
through ``experts.services``; their messages are shown beside the fields.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from experts import exports, selectors, services
from experts.filters import ExpertDirectoryFilter
from experts.forms import ApplicationForm
from experts.models import Expert
from experts.notifications import expert_id_for_consent_token
from rtcm.core.access import user_is_staff
from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error
from rtcm.core.models import Region
from rtcm.core.privacy import Purpose, consent_text
from rtcm.core.ratelimit import rate_limited
from rtcm.core.storage import stored_file_response

PAGE_SIZE = 20
PHOTO_CACHE_SECONDS = 300  # short: a withdrawn consent must not linger in caches


# --- the directory --------------------------------------------------------------------


def _filter_query(request) -> str:
    """The current search as a query string, without the page (for links that keep it)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _facet_groups(request, facets: dict) -> list[dict]:
    """Each facet with the link that narrows the current search to it (back to page 1)."""
    groups = [
        ("topic", _("By expertise"), facets["topic"]),
        ("region", _("By region"), facets["region"]),
        ("language", _("By working language"), facets["language"]),
    ]
    result = []
    for name, heading, facet_list in groups:
        items = []
        for value, label, count in facet_list:
            params = request.GET.copy()
            params.pop("page", None)
            params[name] = value
            items.append(
                {
                    "label": label,
                    "count": count,
                    "url": f"?{params.urlencode()}",
                    "active": request.GET.get(name) == value,
                }
            )
        result.append({"name": name, "heading": heading, "items": items})
    return result


@require_GET
def directory(request):
    directory_filter = ExpertDirectoryFilter(request.GET, choices_in_use=True)
    params = directory_filter.directory_arguments()
    experts = directory_filter.qs
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    region_labels = directory_filter.region_labels
    for expert in page.object_list:
        expert.region_label = region_labels.get(expert.region_code, expert.region_code)
    filter_query = _filter_query(request)
    context = {
        "form": directory_filter.form,
        "page": page,
        "facet_groups": _facet_groups(request, selectors.directory_facets(experts)),
        "query": params["query"],
        "filtering": any(params.values()),
        "filter_query": filter_query,
    }
    return render(request, "experts/directory.html", context)


@require_GET
def directory_export(request, fmt):
    """The public directory (as filtered on the page) as XLSX or CSV: public columns only."""
    if fmt not in exports.FORMATS:
        raise Http404
    experts = ExpertDirectoryFilter(request.GET, choices_in_use=True).qs
    return exports.export_response(experts, fmt=fmt, staff=False)


# --- a profile ------------------------------------------------------------------------


@require_GET
def profile(request, slug):
    expert = selectors.public_profile(slug)
    if expert is None:
        raise Http404
    region = Region.objects.filter(code=expert.region_code).first()
    context = {
        "expert": expert,
        "region_label": str(region) if region else "",
        "engagements": selectors.expert_engagements(expert, public=True),
    }
    return render(request, "experts/profile.html", context)


@require_GET
def photo(request, slug):
    """The stored photo of a public profile (staff: of any expert)."""
    experts = Expert.objects.filter(slug=slug)
    if not user_is_staff(request.user):
        experts = experts.filter(Expert.public_q())
    expert = experts.first()
    if expert is None:
        raise Http404
    # Staff looking at a profile that is not public: keep it out of every cache.
    response = stored_file_response(
        expert.photo,
        filename=f"{expert.slug}.jpg",
        as_attachment=False,
        content_type="image/jpeg",
        private=not expert.is_public,
    )
    if expert.is_public:
        patch_cache_control(response, public=True, max_age=PHOTO_CACHE_SECONDS)
    return response


# --- applying -------------------------------------------------------------------------


def correspondence_language() -> str:
    """The language the applicant is reading the site in, if the center writes in it."""
    language = translation.get_language() or ""
    codes = {code for code, _name in settings.LANGUAGES}
    if language in codes:
        return language
    base = language.split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE


def _too_many_applications(request) -> bool:
    limit = settings.RTCM_EXPERT_APPLY_RATE_PER_HOUR
    return rate_limited(request, scope="expert-apply", limit=limit, per_seconds=3600)


@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method != "POST":
        return render(request, "experts/apply.html", {"form": ApplicationForm()})
    form = ApplicationForm(request.POST, request.FILES)
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
            services.expert_apply(
                data=form.expert_data(correspondence_language=correspondence_language()),
                expertise=data["expertise"],
                languages=data["languages"],
                cv=data["cv"],
                photo=data.get("photo"),
                consent=data["consent"],
            )
        except (DomainError, ValidationError) as error:
            add_domain_error(form, error)
        else:
            return redirect("experts:applied")
    elif not form.cleaned_data.get("consent"):
        # Say it now rather than after the other fields are put right (the service's words).
        form.add_error("consent", str(services.ConsentRequired().message))
    form.ask_for_files_again()
    return render(request, "experts/apply.html", {"form": form}, status=status)


@require_GET
def applied(request):
    return render(request, "experts/applied.html")


# --- consent, by the link in every e-mail ---------------------------------------------


def _private(response):
    # The page's address carries the expert's token: no cache, no index, no referrer.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "POST"])
def consent(request, token):
    expert_id = expert_id_for_consent_token(token)
    expert = Expert.objects.filter(pk=expert_id).first() if expert_id is not None else None
    if expert is None:
        raise Http404
    if request.method == "POST":
        choice = request.POST.get("consent")
        if choice in ("give", "withdraw"):
            try:
                expert = services.expert_set_consent(expert=expert, consent=choice == "give")
            except DomainError as error:  # e.g. a declined expert giving consent
                messages.error(request, str(error.message))
            else:
                if choice == "withdraw":
                    text = _("Your consent is withdrawn: no public profile is shown.")
                elif expert.is_public:
                    text = _("Thank you: your profile is now public.")
                else:
                    text = _("Thank you: your consent is recorded.")
                messages.success(request, text)
                return _private(redirect(request.path))
        status = 400
    else:
        status = 200
    context = {
        "expert": expert,
        "can_give_consent": services.expert_can_give_consent(expert),
        "consent_text": consent_text(Purpose.EXPERT_PROFILE).text,
    }
    return _private(render(request, "experts/consent.html", context, status=status))
