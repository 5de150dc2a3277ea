from django.urls import path

from library import download, views

app_name = "library"

urlpatterns = [
    path("", views.library_home, name="home"),
    path("<slug:slug>/", views.document_detail, name="document"),
    path("<slug:slug>/download/", download.document_download, name="download"),
]
