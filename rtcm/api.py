"""The API router: the one place that wires every app's endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from courses.api import CurriculumViewSet, SessionViewSet, TopicViewSet, TrainingViewSet
from participants.api import RegistrationSubmitView, RegistrationViewSet, SessionAttendanceView

router = DefaultRouter()
router.register("topics", TopicViewSet, basename="topic")
router.register("trainings", TrainingViewSet, basename="training")
router.register("sessions", SessionViewSet, basename="session")
router.register("curricula", CurriculumViewSet, basename="curriculum")
router.register("registrations", RegistrationViewSet, basename="registration")

urlpatterns = [
    path(
        "trainings/<slug:slug>/register/",
        RegistrationSubmitView.as_view(),
        name="training-register",
    ),
    path(
        "sessions/<int:pk>/attendance/",
        SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    *router.urls,
]
