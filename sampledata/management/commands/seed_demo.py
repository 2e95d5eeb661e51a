import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audit import context as audit_context
from sampledata.demo import awards as awards_demo
from sampledata.demo import councils as councils_demo
from sampledata.demo import goldbook as goldbook_demo
from sampledata.demo import initiatives as initiatives_demo
from sampledata.demo import people
from sampledata.demo import units as units_demo
from sampledata.scale import awards as awards_scale
from sampledata.scale import goldbook as goldbook_scale
from sampledata.scale import initiatives as initiatives_scale
from sampledata.scale import inserts
from sampledata.scale import units as units_scale
from sampledata.scale.units import SCALES
from units import counts, mail

# Each app's part, after the apps it uses: (app label, builder).
DEMO_BUILDERS = [
    ("units", units_demo.build_demo),
    ("initiatives", initiatives_demo.build_demo),
    ("goldbook", goldbook_demo.build_demo),
    ("awards", awards_demo.build_demo),
]
# The units and people of a province come first (units_scale.build_province).
SCALE_BUILDERS = [
    initiatives_scale.build_scale,
    goldbook_scale.build_scale,
    awards_scale.build_scale,
]


class Command(BaseCommand):
    help = (
        "Create the demo data: a union tree shaped like Cao Bằng's (with dissolved "
        "district federations kept in history), people in every role, emulation "
        "blocks, and each app's own demo records (registrations, ideas and requests "
        "in every state…); every member of a demo council can sign in with the demo "
        "password, and the accounts are listed at the end. Only what is missing "
        "is created, so running it again changes nothing. --scale adds data for "
        "benchmarks with bulk inserts: "
        "province (about 1,200 grassroots unions, 35,000 members, 40,000 requests "
        "over five years), national (eight provinces: about 10,000 units, 300,000 "
        "members, 200,000 requests) or tiny (a few of each, for tests)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", *SCALES],
            default="demo",
            help="How much data to build (default: demo).",
        )

    def handle(self, *args, scale, **options):
        for label, build in DEMO_BUILDERS:
            # Demo records notify nobody and leave no audit entries: the people
            # in them are made up and did none of it.
            with mail.suppressed(), audit_context.suspended():
                created = build()
            summary = ", ".join(f"{count} {what}" for what, count in created.items())
            self.stdout.write(f"Demo data, {label}: {summary or 'nothing'} created.")
        if scale in SCALES:
            self.build_scale(SCALES[scale])
            # Bulk inserts send no signals: counts cached before are out of date.
            counts.forget_all()
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {people.DEMO_PASSWORD}):")
        for account in people.ACCOUNTS:
            roles = ", ".join(
                f"{role} @ {unit}" for unit, role, _p, _f in account.roles
            )
            if account.superuser:
                roles = "superuser"
            self.stdout.write(
                f"  {account.username:<22} {account.full_name:<20} {roles or 'member'}"
            )
        # The demo councils' members sign in too.
        for group, seated in councils_demo.demo_accounts():
            self.stdout.write(f"{group} (same password):")
            for username, full_name, role in seated:
                self.stdout.write(f"  {username:<22} {full_name:<20} {role}")

    def build_scale(self, spec):
        """Add the provinces of the scale one at a time, each in one transaction."""
        plan = units_scale.ScalePlan(spec=spec, today=timezone.localdate())
        for number in range(1, spec.provinces + 1):
            started = time.monotonic()
            plan.start(number)
            with transaction.atomic(), mail.suppressed():
                inserts.fast_inserts()
                built, added = units_scale.build_province(plan, number)
                if built is None:
                    self.stdout.write(
                        f"Scale {spec.name}, province {number}: already built."
                    )
                    continue
                for build in SCALE_BUILDERS:
                    added.update(build(plan, built))
            summary = ", ".join(f"{count:,} {what}" for what, count in added.items())
            self.stdout.write(
                f"Scale {spec.name}, province {number} "
                f"({time.monotonic() - started:.0f} s): {summary}."
            )
