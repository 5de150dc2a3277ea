"""The API router: the one place that wires every app's endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from courses.api import TopicViewSet, TrainingViewSet
from participants.api import RegistrationSubmitView, RegistrationViewSet

router = DefaultRouter()
router.register("topics", TopicViewSet, basename="topic")
router.register("trainings", TrainingViewSet, basename="training")
router.register("registrations", RegistrationViewSet, basename="registration")

urlpatterns = [
    path(
        "trainings/<slug:slug>/register/",
        RegistrationSubmitView.as_view(),
        name="training-register",
    ),
    *router.urls,
]
