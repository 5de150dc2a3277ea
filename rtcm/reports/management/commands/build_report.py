"""``manage.py build_report``: a report straight to a file, for the server's operators.

No job and no access check: whoever runs manage.py already holds the server.
The file is the one the staff page and beat produce (``services.report_build``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtcm.reports import services
from rtcm.reports.render import FORMATS

# The service names the fields as the page and the API do; operators read the options.
OPTION_NAMES = {
    "format": "--format",
    "training": "--training",
    "start": "--from",
    "end": "--to",
    "region": "--region",
    "topic": "--topic",
    "training_format": "--training-format",
    "programme": "--programme",
    "donor": "--donor",
}


class Command(BaseCommand):
    help = "Build a report (training, activity, coverage or programme) and write it to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=services.KINDS)
        parser.add_argument("--training", default="", help="Training slug (training report).")
        parser.add_argument("--from", dest="start", default="", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", default="", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--region", default="", help="Region code (activity report).")
        parser.add_argument("--topic", default="", help="Topic slug (activity report).")
        parser.add_argument(
            "--training-format", default="", help="in_person, online or hybrid (activity report)."
        )
        parser.add_argument(
            "--programme",
            default="",
            help="Programme slug (programme report; a filter of the activity report).",
        )
        parser.add_argument(
            "--donor", default="", help="Donor organisation slug (activity report)."
        )
        parser.add_argument("--format", default="pdf", choices=FORMATS)
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, **options) -> None:
        data = {
            "kind": options["kind"],
            "format": options["format"],
            "training": options["training"],
            "start": options["start"],
            "end": options["end"],
            "region": options["region"],
            "topic": options["topic"],
            "training_format": options["training_format"],
            "programme": options["programme"],
            "donor": options["donor"],
        }
        try:
            request = services.report_request_validate(data)
        except ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{OPTION_NAMES.get(field, field)}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
            ) from error
        content, _filename = services.report_build(request)
        output = Path(options["output"])
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error}") from error
        self.stdout.write(f"{output.resolve()} ({len(content)} bytes)")
