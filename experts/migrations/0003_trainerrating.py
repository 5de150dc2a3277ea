# TrainerRating moves from participants to experts (issue 11: it points to Expert,
# which sits above participants). State only: the table and its rows stay as they
# are (``db_table = "participants_trainerrating"``); participants 0005 drops the
# model from its own state. The content type moves too, so that the permissions
# already given on ratings (groups, users) follow the model.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    if rows.filter(app_label=target, model="trainerrating").exists():
        return  # created already (post_migrate of an earlier run): keep it
    rows.filter(app_label=source, model="trainerrating").update(app_label=target)


def content_type_to_experts(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="participants", target="experts")


def content_type_to_participants(apps, schema_editor):
    _move_content_type(apps, schema_editor, source="experts", target="participants")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0005_training_coordinators"),
        ("experts", "0002_network"),
        ("participants", "0004_trainerrating"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrainerRating",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "score",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ],
                                verbose_name="rating",
                            ),
                        ),
                        ("comment", models.TextField(blank=True, verbose_name="comment")),
                        ("created_at", models.DateTimeField(auto_now=True, verbose_name="rated at")),
                        (
                            "expert",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ratings",
                                to="experts.expert",
                                verbose_name="trainer",
                            ),
                        ),
                        (
                            "registration",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trainer_ratings",
                                to="participants.registration",
                                verbose_name="registration",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="trainer_ratings",
                                to="courses.session",
                                verbose_name="session",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "trainer rating",
                        "verbose_name_plural": "trainer ratings",
                        "db_table": "participants_trainerrating",
                        "ordering": ["-created_at", "-pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("registration", "session", "expert"),
                                name="trainer_rating_once",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("score__gte", 1), ("score__lte", 5)),
                                name="trainer_rating_1_to_5",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_experts, content_type_to_participants),
    ]
