# TrainerRating now belongs to experts (experts 0003 takes it into its state with
# the same table). State only: nothing in the database changes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0004_trainerrating"),
        ("experts", "0003_trainerrating"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TrainerRating")],
            database_operations=[],
        ),
    ]
