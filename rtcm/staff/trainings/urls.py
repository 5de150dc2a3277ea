"""The staff training workspace, included by ``rtcm.staff.urls`` under ``trainings/``.

Same prefix as ``participants.import_urls`` (``/staff/trainings/<slug>/import/`` …) and
``participants.staff_urls`` (``trainings/<slug>/certificates/``): no pattern here matches
one of theirs. Fixed segments ("new") must come before ``<slug:slug>/`` and be reserved slugs.
"""

from django.urls import path

from rtcm.staff.trainings import edit, messages, registrations, views

urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("new/", edit.training_create, name="training_create"),
    path("<slug:slug>/", views.training_detail, name="training_detail"),
    path("<slug:slug>/do/<slug:action>/", views.training_action, name="training_action"),
    path("<slug:slug>/clone/", views.training_clone, name="training_clone"),
    path("<slug:slug>/edit/", edit.training_edit, name="training_edit"),
    path("<slug:slug>/messages/", messages.training_messages, name="training_messages"),
    path(
        "<slug:slug>/registrations/",
        registrations.training_registrations,
        name="training_registrations",
    ),
    path(
        "<slug:slug>/registrations/<int:pk>/",
        registrations.registration_detail,
        name="registration_detail",
    ),
]
