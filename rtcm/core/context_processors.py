from django.conf import settings

from rtcm.core.access import user_is_staff


def site(request):
    """Names every template may show; ``user_is_staff`` is ``rtcm.core.access``'s answer."""
    return {
        "CENTER_NAME": settings.CENTER_NAME,
        "SITE_URL": settings.SITE_URL,
        "user_is_staff": user_is_staff(getattr(request, "user", None)),
    }
