from django.urls import path

from participants import staff_views
from rtcm.core import job_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path(
        "sessions/<int:pk>/attendance/",
        staff_views.attendance_sheet,
        name="attendance_sheet",
    ),
    path("sessions/<int:pk>/sign-in.pdf", staff_views.sign_in_sheet, name="sign_in_sheet"),
    # Under the same prefix as participants.import_urls (staff_io: "<slug>/import/…",
    # "<slug>/registrations.<format>"): no pattern of one matches a path of the other.
    path(
        "trainings/<slug:slug>/certificates/",
        staff_views.training_certificates,
        name="training_certificates",
    ),
    path(
        "trainings/<slug:slug>/certificates/<int:pk>.pdf",
        staff_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
]
