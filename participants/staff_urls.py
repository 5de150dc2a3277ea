from django.urls import path

from participants import staff_views

# No app_name: these pages live in the ``staff:`` namespace that ``rtcm.staff.urls`` declares.

urlpatterns = [
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
]
