"""``manage.py seed_demo [--participants N] [--seed S] [--demo-login]``: the demo center.

A thin wrapper around ``rtcm.demo.seed.seed_demo`` (what it builds, and why a second
run changes nothing, is told there). N may be written 100000, 100_000, 100,000 or 100k.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtcm.demo.seed import DEFAULT_PARTICIPANTS, DEFAULT_SEED, SeedRefused, parse_size, seed_demo
from rtcm.demo.trainings import MIN_TRAININGS, PARTICIPANTS_PER_TRAINING


def participants_option(value: str) -> int:
    try:
        return parse_size(value)
    except SeedRefused as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = "Seed demo data: topics, curriculum, experts, trainings, participants, registrations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants",
            type=participants_option,
            default=DEFAULT_PARTICIPANTS,
            help=f"How many participants (default {DEFAULT_PARTICIPANTS}; 100k is 100000); "
            f"trainings scale as max({MIN_TRAININGS}, N // {PARTICIPANTS_PER_TRAINING}).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same rows)."
        )
        parser.add_argument(
            "--demo-login",
            action="store_true",
            help="Also create the superuser demo / rtcm-demo (only with DEBUG on).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            seeded = seed_demo(
                size=options["participants"],
                seed=options["seed"],
                demo_login=options["demo_login"],
                verbosity=options["verbosity"],
                write=self.stdout.write,
            )
        except SeedRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"seed_demo: created {seeded.created.summary()} in {seeded.seconds:.1f} s"
        )
        if seeded.login:
            self.stdout.write(seeded.login)
