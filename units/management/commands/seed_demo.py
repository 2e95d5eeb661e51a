import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audit import context as audit_context
from units import counts, demo, mail, scale
from units.scale import SCALES


def app_builders(module_name: str, function: str):
    """Yield (app label, function) for every app whose `module_name` module has
    `function`, in INSTALLED_APPS order, so each app adds its part after the apps
    it uses."""
    for config in apps.get_app_configs():
        name = f"{config.name}.{module_name}"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        if hasattr(module, function):
            yield config.label, getattr(module, function)


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
        for label, build in app_builders("demo", "build_demo"):
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
        self.stdout.write(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for account in demo.ACCOUNTS:
            roles = ", ".join(
                f"{role} @ {unit}" for unit, role, _p, _f in account.roles
            )
            if account.superuser:
                roles = "superuser"
            self.stdout.write(
                f"  {account.username:<22} {account.full_name:<20} {roles or 'member'}"
            )
        # Apps above units add their own demo accounts (the councils' members).
        for _label, accounts in app_builders("demo", "demo_accounts"):
            for group, people in accounts():
                self.stdout.write(f"{group} (same password):")
                for username, full_name, role in people:
                    self.stdout.write(f"  {username:<22} {full_name:<20} {role}")

    def build_scale(self, spec):
        """Add the provinces of the scale one at a time, each in one transaction."""
        builders = [
            build
            for label, build in app_builders("scale", "build_scale")
            if label != "units"
        ]
        plan = scale.ScalePlan(spec=spec, today=timezone.localdate())
        for number in range(1, spec.provinces + 1):
            started = time.monotonic()
            plan.start(number)
            with transaction.atomic(), mail.suppressed():
                scale.fast_inserts()
                built, added = scale.build_province(plan, number)
                if built is None:
                    self.stdout.write(
                        f"Scale {spec.name}, province {number}: already built."
                    )
                    continue
                for build in builders:
                    added.update(build(plan, built))
            summary = ", ".join(f"{count:,} {what}" for what, count in added.items())
            self.stdout.write(
                f"Scale {spec.name}, province {number} "
                f"({time.monotonic() - started:.0f} s): {summary}."
            )
