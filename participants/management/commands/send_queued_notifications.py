"""Send the e-mails still queued (e.g. after the mail server was down in the embedded mode,
which has no beat to retry them): notifications and the copies of coordinators' messages."""

from django.core.management.base import BaseCommand

from participants.models import MessageEmail, Notification
from participants.tasks import send_message_email, send_notification


class Command(BaseCommand):
    help = "Send every notification and message e-mail still queued, once each."

    def handle(self, *args, **options):
        results = []
        for model, task in ((Notification, send_notification), (MessageEmail, send_message_email)):
            queued = model.objects.filter(status=model.Status.QUEUED).values_list("pk", flat=True)
            results += [task.apply(args=[pk]).get() for pk in list(queued)]
        sent = results.count("sent")
        self.stdout.write(f"{sent} sent, {len(results) - sent} still queued.")
