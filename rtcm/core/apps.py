from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _apply_role_permissions(sender, using, apps=None, **kwargs):
    """After every ``migrate``: the role groups hold ``ROLE_PERMISSIONS`` again.

    Connected for core's own ``post_migrate`` (sent once per ``migrate``); it makes
    every app's permissions first (Django would make the later apps' only after),
    so that a model added since the data migration is granted too, and a group
    changed by hand is put back to the table.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from rtcm.core.roles import role_permissions_apply

    apps = apps or global_apps  # ``flush`` sends no state
    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using, apps=apps)
    role_permissions_apply(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


class CoreConfig(AppConfig):
    name = "rtcm.core"
    label = "core"
    verbose_name = _("Center")

    def ready(self):
        post_migrate.connect(
            _apply_role_permissions, sender=self, dispatch_uid="core-role-permissions"
        )
        # The identity's cache is dropped when its row is saved (rtcm.core.identity).
        # Their sign-in receivers: the time of the sign-in, whether the person has a
        # second factor (both kept with the session), the staff member's own language.
        from rtcm.core import identity, reauth, staff_language, two_factor  # noqa: F401

        _connect_audit_receivers()


def _connect_audit_receivers() -> None:
    """Sign-ins, failed sign-ins, sign-outs and API tokens go to the audit log."""
    from django.contrib.auth import signals as auth_signals
    from django.db.models.signals import post_save

    from rtcm.core import audit

    auth_signals.user_logged_in.connect(audit.on_signed_in, dispatch_uid="audit-sign-in")
    auth_signals.user_logged_out.connect(audit.on_signed_out, dispatch_uid="audit-sign-out")
    auth_signals.user_login_failed.connect(
        audit.on_sign_in_failed, dispatch_uid="audit-sign-in-failed"
    )
    # The admin saves tokens through its proxy model, whose saves name the proxy.
    for sender in ("authtoken.Token", "authtoken.TokenProxy"):
        post_save.connect(audit.on_token_saved, sender=sender, dispatch_uid=f"audit-{sender}")
