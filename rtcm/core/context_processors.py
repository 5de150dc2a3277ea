from django.conf import settings
from django.utils.functional import SimpleLazyObject

from rtcm.core.access import user_is_staff
from rtcm.core.center import center_name
from rtcm.core.identity import current_identity


def site(request):
    """Names every template may show; ``user_is_staff`` is ``rtcm.core.access``'s answer;
    ``identity`` is the center's visual identity (``rtcm.core.identity``: read lazily,
    cached between requests)."""
    return {
        "CENTER_NAME": center_name(),
        "SITE_URL": settings.SITE_URL,
        "user_is_staff": user_is_staff(getattr(request, "user", None)),
        "identity": SimpleLazyObject(current_identity),
    }
