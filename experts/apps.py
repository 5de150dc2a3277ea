from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Expert network")

    def ready(self) -> None:
        # The expert network plugs its rules into the apps below it; they never import it.
        from courses import hooks
        from experts.models import Expert
        from experts.panels import rate_trainers_panel
        from participants.panels import registration_panel_register

        hooks.public_trainers_filter_register(Expert.public_q)
        registration_panel_register(rate_trainers_panel, position=20)
        from experts.services import trainer_refusal

        hooks.trainer_refusal_register(trainer_refusal)
        from experts.services import on_participant_erased
        from participants.services.privacy import participant_erased

        participant_erased.connect(on_participant_erased, dispatch_uid="experts-erased-person")
