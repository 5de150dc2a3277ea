from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Migration Volunteers")

    def ready(self) -> None:
        # Certificates of service are verified on participants' page; it never imports us.
        from participants.hooks import certificate_verifier_register
        from volunteers.certificates import service_certificate_verification

        certificate_verifier_register(service_certificate_verification)
