"""The API router: the one place that wires every app's endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from courses.api import CurriculumViewSet, SessionViewSet, TopicViewSet, TrainingViewSet
from courses.staff_api import TrainingTransitionView
from experts.api import ExpertViewSet
from experts.staff_api import (
    SessionTrainersView,
    SessionTrainerView,
    StaffExpertViewSet,
    TrainingExpertSuggestionsView,
)
from library.api import DocumentViewSet
from participants.api import (
    CertificateVerifyView,
    RegistrationSubmitView,
    RegistrationViewSet,
    SessionAttendanceView,
    TrainingCertificatesView,
    TrainingCertificatesZipView,
)
from rtcm.core.api import JobViewSet
from rtcm.reports.api import ReportCreateView

router = DefaultRouter()
router.register("topics", TopicViewSet, basename="topic")
router.register("trainings", TrainingViewSet, basename="training")
router.register("sessions", SessionViewSet, basename="session")
router.register("curricula", CurriculumViewSet, basename="curriculum")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("jobs", JobViewSet, basename="job")
router.register("library/documents", DocumentViewSet, basename="document")
router.register("experts", ExpertViewSet, basename="expert")
router.register("staff/experts", StaffExpertViewSet, basename="staff-expert")

urlpatterns = [
    path(
        "trainings/<slug:slug>/register/",
        RegistrationSubmitView.as_view(),
        name="training-register",
    ),
    path(
        "trainings/<slug:slug>/certificates/",
        TrainingCertificatesView.as_view(),
        name="training-certificates",
    ),
    path(
        "trainings/<slug:slug>/certificates/zip/",
        TrainingCertificatesZipView.as_view(),
        name="training-certificates-zip",
    ),
    path(
        "trainings/<slug:slug>/status/",
        TrainingTransitionView.as_view(),
        name="training-status",
    ),
    path(
        "certificates/verify/<str:code>/",
        CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    path(
        "sessions/<int:pk>/attendance/",
        SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    path(
        "sessions/<int:pk>/trainers/",
        SessionTrainersView.as_view(),
        name="session-trainers",
    ),
    path(
        "sessions/<int:pk>/trainers/<int:expert_id>/",
        SessionTrainerView.as_view(),
        name="session-trainer",
    ),
    path(
        "trainings/<slug:slug>/expert-suggestions/",
        TrainingExpertSuggestionsView.as_view(),
        name="training-expert-suggestions",
    ),
    path("reports/", ReportCreateView.as_view(), name="report-create"),
    *router.urls,
]
