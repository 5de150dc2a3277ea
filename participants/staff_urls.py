from django.urls import path

from participants import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path(
        "sessions/<int:pk>/attendance/",
        staff_views.attendance_sheet,
        name="attendance_sheet",
    ),
    path("sessions/<int:pk>/sign-in.pdf", staff_views.sign_in_sheet, name="sign_in_sheet"),
]
