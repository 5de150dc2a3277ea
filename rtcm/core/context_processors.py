from django.conf import settings


def site(request):
    """Names every template may show."""
    return {"CENTER_NAME": settings.CENTER_NAME, "SITE_URL": settings.SITE_URL}
