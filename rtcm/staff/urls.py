"""The ``staff:`` namespace: the dashboard here, the apps' per-training staff pages under it.

``participants.staff_urls`` has no namespace of its own, so its pages keep their
names (``staff:attendance_sheet`` …) while the namespace is declared at the top.
"""

from django.urls import include, path

from rtcm.staff import audit, privacy, today, views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Today's sessions with their sheets (coordinators on a phone).
    path("today/", today.today, name="today"),
    # Data-protection requests (managers): look up, export, erase.
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/export/", privacy.privacy_export, name="privacy_export"),
    path("privacy/erase/", privacy.privacy_erase, name="privacy_erase"),
    # The audit log (managers): who did what, when, from where.
    path("audit/", audit.audit_log, name="audit"),
    path("", include("participants.staff_urls")),
    # The coordinators' training workspace (list, overview, actions, clone, edit …).
    path("trainings/", include("rtcm.staff.trainings.urls")),
]
