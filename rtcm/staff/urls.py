"""The ``staff:`` namespace: the dashboard here, the apps' per-training staff pages under it.

``participants.staff_urls`` has no namespace of its own, so its pages keep their
names (``staff:attendance_sheet`` …) while the namespace is declared at the top.
"""

from django.urls import include, path

from rtcm.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include("participants.staff_urls")),
]
