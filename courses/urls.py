from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("calendar.ics", views.catalogue_calendar_ics, name="catalogue_calendar"),
    path("<slug:slug>/", views.training_detail, name="training_detail"),
    path("<slug:slug>/calendar.ics", views.training_calendar_ics, name="training_calendar"),
    # "<slug>/register/" (the registration form, participants' page) is wired at the top,
    # in rtcm/urls.py: courses imports no app above it.
]
