"""The emulation part of the home page: for officers, emulation staff and unit
administrators, the movement of their unit and everything below it this year
against last year, and the award dossiers waiting for them."""

from django.utils import timezone

from awards.models import AwardRound, Dossier
from awards.report import STEP_LABELS, STEPS, change, funnel, report_url
from units import access
from units.models import Unit

LIMIT = 10


def _kept_units(user) -> list[Unit]:
    """The highest units the user keeps the movement of (several when their
    roles sit in separate parts of the tree; a few roots for a superuser)."""
    return access.highest_units(user, "view_report", Unit, roots=3)


def for_user(user, to_count: dict) -> dict:
    """The context for the home page; totals to show are added to `to_count`
    (name → queryset), which the page counts in one query."""
    units = _kept_units(user)
    if not units:
        return {}
    unit, others = units[0], units[1:]
    this_year = timezone.localdate().year
    rows = funnel(unit, [this_year - 1, this_year])
    now, before = rows[this_year], rows[this_year - 1]
    to_count["dossiers_waiting"] = access.objects_for(
        user, "answer", Dossier.objects.filter(status=Dossier.Status.SENT)
    )
    return {
        "movement": {
            "unit": unit,
            "year": this_year,
            "steps": [
                {
                    "label": STEP_LABELS[step],
                    "now": now[step],
                    "before": before[step],
                    "change": change(now[step].count, before[step].count),
                }
                for step in STEPS
            ],
            "report_url": report_url(unit, this_year),
            "others": [(other, report_url(other, this_year)) for other in others],
        },
        # Seen by the keepers of the round's unit and above: those who run it.
        "rounds_open": access.visible(user, AwardRound)
        .filter(status=AwardRound.Status.OPEN)
        .select_related("unit")
        .order_by("deadline", "id")[:LIMIT],
    }
