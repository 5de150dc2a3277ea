"""``/programmes/`` and ``/programmes/<slug>/`` (mounted by ``rtcm.urls``)."""

from django.urls import path

from courses import programme_views

app_name = "programmes"

urlpatterns = [
    path("", programme_views.programme_list, name="list"),
    path("<slug:slug>/", programme_views.programme_detail, name="detail"),
    path(
        "<slug:slug>/logos/<slug:organisation>.png",
        programme_views.organisation_logo,
        name="logo",
    ),
]
