from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Trainings")

    def ready(self):
        # The header's partner logos are cached (courses.context_processors): a saved or
        # deleted organisation drops them.
        from django.db.models.signals import post_delete, post_save

        from courses.context_processors import header_partners_forget
        from courses.models import Organisation

        for signal in (post_save, post_delete):
            signal.connect(
                header_partners_forget,
                sender=Organisation,
                dispatch_uid=f"courses-header-partners-{signal is post_save}",
            )
