"""`manage.py schedule_meetings [--msp SLUG]`: what the daily beat task does, now, and what it made."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from meetings.scheduling import meetings_schedule
from msp.models import Msp
from msp.tenancy import tenant_scope


class Command(BaseCommand):
    help = ("Plan the next 12 months of meetings for every MSP (or one), as the daily task does, and print "
            "what was created, re-planned and cancelled. Running it again changes nothing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--msp", help="The slug of one MSP (default: every MSP).")

    def handle(self, *args, **options) -> None:
        msps = Msp.objects.order_by("name")
        if options["msp"]:
            msps = msps.filter(slug=options["msp"])
            if not msps.exists():
                raise CommandError(f"No MSP with the slug {options['msp']!r}.")
        for msp in msps:
            with tenant_scope(msp):
                summary = meetings_schedule(msp=msp)
            self.stdout.write(f"{msp.name}: {len(summary.created)} created, {len(summary.replanned)} re-planned, "
                              f"{len(summary.cancelled)} cancelled, {summary.missed} marked missed")
            for label, lines in (("created", summary.created), ("re-planned", summary.replanned),
                                 ("cancelled", summary.cancelled)):
                for line in lines:
                    self.stdout.write(f"  {label:<10} {line}")
            for note in summary.skipped:
                self.stdout.write(f"  skipped    {note}")
