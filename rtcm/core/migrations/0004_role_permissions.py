"""Give the role groups their model permissions from ``rtcm.core.roles.ROLE_PERMISSIONS``.

Until now the groups had none (0002 only made them), so the admin either
refused coordinators or bypassed Django's permissions with its own checks.

Permissions exist only once their models' content types do, and Django makes
those after ``migrate`` (a ``post_migrate`` receiver). So this migration makes
them itself for every app in its state (``create_permissions``), and depends on
the latest migration of each app that has models, so that all their models are
in that state: these are edges of the migration graph, not Python imports, so
``rtcm.core`` still imports no app. A model added later is granted by the
receiver in ``rtcm.core.apps``, which applies the same table after every
``migrate``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from rtcm.core.roles import ALL_ROLES, role_permissions_apply


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # historical app configs have none
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    role_permissions_apply(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ALL_ROLES):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_job"),
        ("courses", "0005_training_coordinators"),
        ("participants", "0005_trainerrating_to_experts"),
        ("experts", "0003_trainerrating"),
        ("library", "0002_search_vector"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
