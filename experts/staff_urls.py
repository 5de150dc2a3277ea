from django.urls import path

from experts import staff_views

app_name = "experts_staff"

urlpatterns = [
    path("", staff_views.expert_list, name="list"),
    path("export.<str:fmt>", staff_views.expert_export, name="export"),
    path("<int:pk>/", staff_views.expert_detail, name="detail"),
    path("<int:pk>/cv/", staff_views.expert_cv, name="cv"),
    path("trainings/<slug:slug>/", staff_views.training_matching, name="matching"),
]
