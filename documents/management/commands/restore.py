from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from documents.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the configured database (empty, "
        "or to be overwritten) and MEDIA_ROOT, then check rows and document files "
        "against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder to restore.")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Do not ask before overwriting the database.",
        )

    def handle(self, *args, folder, no_input, **options):
        folder = Path(folder)
        try:
            manifest = read_manifest(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        settings_dict = connections["default"].settings_dict
        if not no_input:
            answer = input(
                f"Restore the backup of {manifest['created_at']} into "
                f"{settings_dict['NAME']} and {settings.MEDIA_ROOT}? Everything "
                "there is replaced. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        connections["default"].close()
        try:
            problems = restore(folder, settings_dict, Path(settings.MEDIA_ROOT))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError("The restored data differs from the backup.")
        tables = len(manifest["counts"])
        documents = len(manifest["documents"])
        self.stdout.write(
            f"Restored {folder}: {tables} tables and {documents} documents match "
            "the backup."
        )
