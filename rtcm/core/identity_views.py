"""The brand stylesheet: the identity's colours as CSS custom properties (no inline style)."""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from rtcm.core.identity import brand_css, current_identity
from rtcm.core.models import Identity
from rtcm.core.storage import stored_file_response

# Pages link ``/brand.css?v=<version>``: a new colour or logo is a new URL, so a versioned
# one may be cached long; the bare URL only briefly.
VERSIONED_MAX_AGE = 365 * 24 * 60 * 60
UNVERSIONED_MAX_AGE = 5 * 60


@require_safe
def brand_stylesheet(request):
    identity = current_identity()
    response = HttpResponse(brand_css(identity), content_type="text/css; charset=utf-8")
    versioned = request.GET.get("v") == identity.version
    patch_cache_control(
        response,
        public=True,
        max_age=VERSIONED_MAX_AGE if versioned else UNVERSIONED_MAX_AGE,
        **({"immutable": True} if versioned else {}),
    )
    return response


@require_safe
def brand_logo(request):
    """The uploaded logo (a PNG re-encoded on upload), public; 404 while there is none."""
    row = Identity.objects.filter(pk=1).exclude(logo="").first()
    if row is None:
        raise Http404
    response = stored_file_response(
        row.logo, filename="logo.png", as_attachment=False, content_type="image/png", private=False
    )
    patch_cache_control(response, public=True, max_age=UNVERSIONED_MAX_AGE)
    return response
