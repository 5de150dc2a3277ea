"""Staff API of trainings: the life-cycle, through ``courses.services.training_transition``.

The public catalogue API (``courses.api``) is read-only; a training's status
changes here only, as in the admin, by the moves of ``TRANSITIONS``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.access import training_for_user_or_404
from courses.services import TRANSITIONS, training_allowed_actions, training_transition
from rtcm.core.access import CHANGE
from rtcm.core.permissions import IsTrainingStaff


class TrainingTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Told to the people registered when the training is cancelled.",
    )


class TrainingStatusSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    status = serializers.CharField()
    allowed_actions = serializers.ListField(child=serializers.CharField())


def _status(training) -> dict:
    return {
        "slug": training.slug,
        "status": training.status,
        "allowed_actions": training_allowed_actions(training),
    }


class TrainingTransitionView(APIView):
    """A training's status and the moves it allows (GET); make one (POST ``action``:
    publish, close, complete or cancel). A refused move answers 409. Cancelling
    cancels every active registration and mails each person. The training's
    coordinators (and managers) only."""

    permission_classes = [IsTrainingStaff]

    @extend_schema(responses=TrainingStatusSerializer)
    def get(self, request, slug):
        return Response(_status(training_for_user_or_404(request.user, slug, action=CHANGE)))

    @extend_schema(request=TrainingTransitionSerializer, responses=TrainingStatusSerializer)
    def post(self, request, slug):
        training = training_for_user_or_404(request.user, slug, action=CHANGE)
        body = TrainingTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        training = training_transition(
            training=training,
            action=body.validated_data["action"],
            actor=request.user,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(_status(training))
