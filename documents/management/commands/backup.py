from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump in custom format, or a copy of the SQLite "
        "file) and the media folder into a new folder under --output."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "backups"),
            help="Folder that receives the backup (default: backups/).",
        )

    def handle(self, *args, output, **options):
        try:
            folder = backup(Path(output))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written to {folder}")
