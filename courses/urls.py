from django.urls import path

from courses import views
from participants import views as participant_views

app_name = "courses"

urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("<slug:slug>/", views.training_detail, name="training_detail"),
    path("<slug:slug>/register/", participant_views.register, name="training_register"),
]
