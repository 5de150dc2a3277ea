"""Manage tokens are stored hashed (issue 12): each registration's token becomes the
hash of one valid link, so the links in e-mails already sent keep working."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def hash_existing_tokens(apps, schema_editor):
    Registration = apps.get_model("participants", "Registration")
    ManageToken = apps.get_model("participants", "ManageToken")
    rows = Registration.objects.order_by("pk").values_list("pk", "token").iterator(BATCH)
    batch = []
    for pk, token in rows:
        digest = hashlib.sha256(token.encode()).hexdigest()
        # Mailed to the person with every notification so far: they proved the inbox.
        batch.append(ManageToken(registration_id=pk, token_hash=digest, emailed=True))
        if len(batch) >= BATCH:
            ManageToken.objects.bulk_create(batch)
            batch = []
    ManageToken.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0007_signinlink_logged_email"),
    ]

    operations = [
        migrations.CreateModel(
            name="ManageToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("emailed", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="manage_tokens",
                        to="participants.registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "manage link",
                "verbose_name_plural": "manage links",
            },
        ),
        # Irreversible on purpose: the plain tokens are gone once hashed.
        migrations.RunPython(hash_existing_tokens, elidable=True),
        migrations.RemoveField(
            model_name="registration",
            name="token",
        ),
    ]
