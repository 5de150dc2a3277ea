"""The public curriculum (``/curriculum/``), mounted by ``rtcm.urls``."""

from django.urls import path

from website import curriculum_views as views

app_name = "curriculum"

urlpatterns = [
    path("", views.index, name="index"),
    path("booklet.pdf", views.booklet, name="booklet"),
    path("<int:pk>/", views.version, name="version"),
]
