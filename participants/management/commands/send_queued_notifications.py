"""Send the e-mails still queued (e.g. after the mail server was down in the embedded mode,
which has no beat to retry them)."""

from django.core.management.base import BaseCommand

from participants.models import Notification
from participants.tasks import send_notification


class Command(BaseCommand):
    help = "Send every notification still queued, once each."

    def handle(self, *args, **options):
        queued = list(
            Notification.objects.filter(status=Notification.Status.QUEUED).values_list(
                "pk", flat=True
            )
        )
        results = [send_notification.apply(args=[pk]).get() for pk in queued]
        sent = results.count("sent")
        self.stdout.write(f"{sent} sent, {len(queued) - sent} still queued.")
