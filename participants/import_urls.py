"""Coordinators' spreadsheet import and export of a training's registrations."""

from django.urls import path, re_path

from participants import import_views

app_name = "staff_io"

urlpatterns = [
    path("<slug:slug>/import/", import_views.training_import, name="training_import"),
    path("<slug:slug>/import/confirm/", import_views.import_confirm, name="import_confirm"),
    path(
        "<slug:slug>/import/template.xlsx",
        import_views.import_template,
        name="import_template",
    ),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/registrations\.(?P<format>xlsx|csv)$",
        import_views.training_export,
        name="training_export",
    ),
]
