"""Sign-in links become logged e-mails (issue 11): the links mailed before are marked sent."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_validators_and_training_cancelled"),
    ]

    operations = [
        migrations.AddField(
            model_name="signinlink",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                db_index=True,
                default="sent",
                max_length=8,
                verbose_name="status",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="signinlink",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                db_index=True,
                default="queued",
                max_length=8,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="signinlink",
            name="recipient",
            field=models.EmailField(default="", max_length=254, verbose_name="recipient"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signinlink",
            name="language",
            field=models.CharField(default="", max_length=10, verbose_name="language"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signinlink",
            name="subject",
            field=models.CharField(blank=True, max_length=300, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="signinlink",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="signinlink",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="last error"),
        ),
        migrations.AlterField(
            model_name="signinlink",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AddField(
            model_name="signinlink",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed"),
        ),
        migrations.AddField(
            model_name="signinlink",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent"),
        ),
    ]
