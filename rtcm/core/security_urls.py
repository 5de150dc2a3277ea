"""The staff member's own account security (``security:``), included at the top under
``/staff/security/`` with ``home_url_name`` (core reverses no namespace above it)."""

from django.urls import path

from rtcm.core import security_views

app_name = "security"

urlpatterns = [
    path("", security_views.index, name="index"),
    path("recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("remove/", security_views.remove, name="remove"),
    path("confirm/", security_views.confirm, name="confirm"),
    path("language/", security_views.language, name="language"),
]
