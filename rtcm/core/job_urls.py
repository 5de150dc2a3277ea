"""The staff's background jobs, in their own namespace (``jobs:``), included at the top.

Core names its own pages: nothing below the top reverses another app's namespace.
"""

from django.urls import path

from rtcm.core import job_views

app_name = "jobs"

urlpatterns = [
    path("", job_views.job_list, name="list"),
    path("<int:pk>/", job_views.job_detail, name="detail"),
    path("<int:pk>/download/", job_views.job_download, name="download"),
]
