from django.conf import settings

from rtcm.core.access import user_is_staff
from rtcm.core.center import center_name


def site(request):
    """Names every template may show; ``user_is_staff`` is ``rtcm.core.access``'s answer."""
    return {
        "CENTER_NAME": center_name(),
        "SITE_URL": settings.SITE_URL,
        "user_is_staff": user_is_staff(getattr(request, "user", None)),
    }
