from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_menus(sender, **kwargs) -> None:
    from website.selectors import menus_forget

    menus_forget()


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = _("Website")

    def ready(self) -> None:
        from website.models import Page

        # A page saved or deleted: the header and footer menus are read again.
        post_save.connect(_forget_menus, sender=Page, dispatch_uid="website.menus.save")
        post_delete.connect(_forget_menus, sender=Page, dispatch_uid="website.menus.delete")
