import datetime

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from initiatives.lifecycle import council_item
from initiatives.models import CouncilItem, ReviewAssignment, ScoreSheet
from initiatives.services.councils import reviewers_remind


class Command(BaseCommand):
    help = (
        "Mail every reviewer whose score sheet is late (past the date they were given "
        "and not submitted), at most once every --every days per item. Meant to run "
        "daily from cron; running it twice in a day mails nobody twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=3,
            help="Days between two reminders about the same item (default 3).",
        )

    def handle(self, *args, every, **options):
        today = timezone.localdate()
        recently = timezone.now() - datetime.timedelta(days=every)
        submitted = ScoreSheet.objects.filter(
            item=OuterRef("item"), member=OuterRef("member"), submitted_at__isnull=False
        )
        late = (
            ReviewAssignment.objects.filter(
                due_on__lt=today,
                item__status__in=council_item.OPEN,
            )
            .exclude(Exists(submitted))
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=recently))
        )
        items = CouncilItem.objects.filter(pk__in=late.values("item_id"))
        total = 0
        for item in items:
            total += reviewers_remind(item=item, actor=None)
        self.stdout.write(f"Reminded {total} reviewers about {items.count()} requests.")
