from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply_done"),
]
