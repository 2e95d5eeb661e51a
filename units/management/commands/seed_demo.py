from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from units import demo, mail

SCALES = {
    # communes, grassroots unions per commune, members per grassroots union
    "province": (50, 24, 29),
}


def app_demos():
    """Yield (app label, build function) for every app with a `demo.build_demo`,
    in INSTALLED_APPS order, so each app adds its part after the apps it uses."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        if hasattr(module, "build_demo"):
            yield config.label, module.build_demo


class Command(BaseCommand):
    help = (
        "Create the demo data: a union tree shaped like Cao Bằng's (with dissolved "
        "district federations kept in history), people in every role, emulation "
        "blocks, and each app's own demo records (registrations, ideas and requests "
        "in every state…). Only what is missing is created, so running it again "
        "changes nothing. --scale province adds about 1,200 grassroots unions and "
        "35,000 members with bulk inserts, for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", *SCALES],
            default="demo",
            help="How much data to build (default: demo).",
        )

    def handle(self, *args, scale, **options):
        for label, build in app_demos():
            # Demo records notify nobody: the people in them are made up.
            with mail.suppressed():
                created = build()
            summary = ", ".join(f"{count} {what}" for what, count in created.items())
            self.stdout.write(f"Demo data, {label}: {summary or 'nothing'} created.")
        if scale in SCALES:
            communes, per_commune, per_unit = SCALES[scale]
            added = demo.build_scale(
                communes=communes,
                grassroots_per_commune=per_commune,
                members_per_grassroots=per_unit,
            )
            self.stdout.write(
                "Scale {scale}: {units} units and {people} people added.".format(
                    scale=scale, **added
                )
            )
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
