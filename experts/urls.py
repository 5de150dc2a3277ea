from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.applied, name="applied"),
    path("export.<str:fmt>", views.directory_export, name="export"),
    path("consent/<str:token>/", views.consent, name="consent"),
    path("<slug:slug>/", views.profile, name="profile"),
    path("<slug:slug>/photo/", views.photo, name="photo"),
]
