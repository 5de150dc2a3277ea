from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Library")

    def ready(self) -> None:
        # The library plugs its panel into the manage page; participants never imports it.
        from library.materials import materials_panel
        from participants.panels import registration_panel_register

        registration_panel_register(materials_panel, position=10)
