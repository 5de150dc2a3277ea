from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self) -> None:
        # Participants plugs into the apps below it; they never import it.
        from courses import seats
        from participants.hooks import RegistrationSeatCounter

        seats.seat_counter_register(RegistrationSeatCounter())

        from courses.signals import training_cancelled
        from participants.receivers import on_training_cancelled

        training_cancelled.connect(on_training_cancelled, dispatch_uid="participants-cancel")

        from courses.hooks import delete_refusal_register
        from courses.models import Question, Session
        from participants.hooks import question_delete_refusal, session_delete_refusal

        delete_refusal_register(Session, session_delete_refusal)
        delete_refusal_register(Question, question_delete_refusal)
