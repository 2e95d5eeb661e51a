"""The movement report: how the movement went in a unit and every unit below it.

One unit, one year. The numbers follow a request from registration to award —
registered, filed, accepted, recognised, written in a Gold Book, awarded — by
the units directly below, by field, kind, level and status, over five years; the
units that have not launched the movement, signed a pact or held a review; and
the units with the most recognised initiatives.

Every count comes from a grouped query over the subtree: the number of queries
does not grow with the number of units or years. Every count carries the address
of the list behind it, filtered the same way, so a reader can check any number.

What is counted where:
- registered: registrations of the year, not withdrawn, by the registrant's union;
- filed / accepted / recognised: requests of the year at that stage
  (`initiatives.stages`), by the union they were filed from;
- in a Gold Book: entries in force recognised in the year, by the unit whose
  book holds them;
- awarded: awards of the year, by the unit awarded or the awardee's unit.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models import Award, MovementRecord, PactSignatory
from goldbook.models import GoldBookEntry
from initiatives.models import Initiative, Kind, Registration, Scope, Status
from initiatives.stages import OTHER_FIELD, Stage, stage_q
from units import counts as cached_counts
from units.models import Unit, UnitKind

YEARS_COMPARED = 5
STRONGEST = 10

REGISTERED, FILED, ACCEPTED, RECOGNISED, GOLDBOOK, AWARDED = (
    "registered",
    Stage.FILED.value,
    Stage.ACCEPTED.value,
    Stage.RECOGNISED.value,
    "goldbook",
    "awarded",
)
STEPS = (REGISTERED, FILED, ACCEPTED, RECOGNISED, GOLDBOOK, AWARDED)
STEP_LABELS = {
    REGISTERED: pgettext_lazy("movement step", "Registered"),
    FILED: pgettext_lazy("movement step", "Requests filed"),
    ACCEPTED: pgettext_lazy("movement step", "Accepted for review"),
    RECOGNISED: pgettext_lazy("movement step", "Recognised"),
    GOLDBOOK: pgettext_lazy("movement step", "In a Gold Book"),
    AWARDED: pgettext_lazy("movement step", "Awarded"),
}
# The Vietnamese labels of official documents and exports.
STEP_LABELS_VI = {
    REGISTERED: "Đăng ký",
    FILED: "Nộp đơn",
    ACCEPTED: "Tiếp nhận",
    RECOGNISED: "Được công nhận",
    GOLDBOOK: "Ghi Sổ vàng",
    AWARDED: "Được khen thưởng",
}

LAUNCH, PACT, REVIEW = "launch", "pact", "review"
GAPS = (LAUNCH, PACT, REVIEW)
GAP_LABELS = {
    LAUNCH: _("Have not launched the movement"),
    PACT: _("Have not signed an emulation pact"),
    REVIEW: _("Have not held a review"),
}
GAP_LABELS_VI = {
    LAUNCH: "Chưa phát động phong trào",
    PACT: "Chưa ký kết giao ước thi đua",
    REVIEW: "Chưa sơ kết, tổng kết",
}
# The units expected to run the movement: every union level, not the
# federation's own departments.
RUNNING_KINDS = (
    UnitKind.NATIONAL,
    UnitKind.PROVINCE,
    UnitKind.UPPER,
    UnitKind.GRASSROOTS,
)


# --- The addresses of the lists behind the numbers ---------------------------


def _address(name: str, params: dict, *args) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{reverse(name, args=args)}?{query}"


def step_url(
    step: str,
    *,
    root: Unit,
    unit: Unit,
    year: int,
    direct: bool = False,
    **filters,
) -> str:
    """The list behind a count: `unit` and the units below it (or `unit` alone
    with `direct`), in `year`, at `step`; `root` is the report's unit (the Gold
    Book roll-up is opened from its book)."""
    params = {"year": year, "unit": unit.pk, "direct": "on" if direct else ""}
    if step == REGISTERED:
        return _address("initiatives:registration_list", {**params, "state": "active"})
    if step in (FILED, ACCEPTED, RECOGNISED):
        return _address("initiatives:list", {**params, "stage": step, **filters})
    if step == GOLDBOOK:
        return _address(
            "goldbook:rollup",
            {**params, "status": GoldBookEntry.Status.ACTIVE},
            root.pk,
        )
    if step == AWARDED:
        return _address("awards:awarded", params)
    raise ValueError(step)


def gap_url(gap: str, *, unit: Unit, year: int) -> str:
    return _address("awards:report_gaps", {"unit": unit.pk, "year": year, "gap": gap})


def report_url(unit: Unit, year: int) -> str:
    return _address("awards:report", {"unit": unit.pk, "year": year})


# --- Counting ---------------------------------------------------------------


@dataclass
class Cell:
    count: int
    url: str


@dataclass
class Row:
    """One line of a table: a label, its counts by step and their lists."""

    label: str
    unit: Unit | None = None
    own: bool = False
    report: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)

    def __getitem__(self, step):
        return self.cells[step]

    @property
    def ordered(self) -> list[Cell]:
        return [self.cells[step] for step in STEPS]


def _branch_counts(unit: Unit, years: list[int]) -> dict:
    """Count every step by (branch path, year) in four grouped queries.

    A branch is a unit directly below `unit` (its path) or `unit` itself; the
    count of a branch covers it and everything below it.
    """
    length = len(unit.path) + Unit.steplen
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(STEPS, 0)
    )

    def grouped(queryset, path_field, **aggregates):
        return (
            queryset.annotate(branch=Substr(path_field, 1, length))
            .values("branch", "year")
            .annotate(**aggregates)
            .order_by()
        )

    subtree = {"unit__path__startswith": unit.path, "year__in": years}
    for row in grouped(
        Registration.objects.filter(**subtree, withdrawn_at__isnull=True),
        "unit__path",
        n=Count("id"),
    ):
        counts[row["branch"], row["year"]][REGISTERED] = row["n"]
    requests = Initiative.objects.filter(
        Q(**subtree) & (stage_q(FILED) | stage_q(ACCEPTED) | stage_q(RECOGNISED))
    )
    for row in grouped(
        requests,
        "unit__path",
        **{
            step: Count("id", filter=stage_q(step))
            for step in (FILED, ACCEPTED, RECOGNISED)
        },
    ):
        cell = counts[row["branch"], row["year"]]
        for step in (FILED, ACCEPTED, RECOGNISED):
            cell[step] = row[step]
    for row in grouped(
        GoldBookEntry.objects.filter(
            book__unit__path__startswith=unit.path,
            year__in=years,
            status=GoldBookEntry.Status.ACTIVE,
        ),
        "book__unit__path",
        n=Count("id"),
    ):
        counts[row["branch"], row["year"]][GOLDBOOK] = row["n"]
    for row in grouped(Award.objects.filter(**subtree), "unit__path", n=Count("id")):
        counts[row["branch"], row["year"]][AWARDED] = row["n"]
    return counts


# The grouped counts are what the report and the home funnel cost at scale: they
# are cached until a registration, request, Gold Book entry or award is written
# (see AwardsConfig.ready), five minutes at most.
COUNTS_TOPIC = "report"
COUNTS_TTL = 300


def branch_counts(unit: Unit, years: list[int]) -> dict:
    """_branch_counts, from the cache when nothing it counts was written since."""
    return cached_counts.cached(
        COUNTS_TOPIC,
        f"{unit.pk}:{unit.path}:{years[0]}:{years[-1]}",
        lambda: {
            where: dict(steps) for where, steps in _branch_counts(unit, years).items()
        },
        COUNTS_TTL,
    )


def _year_rows(unit: Unit, years: list[int], counts) -> dict[int, Row]:
    rows = {}
    for year in years:
        totals = dict.fromkeys(STEPS, 0)
        for (_branch, counted_year), steps in counts.items():
            if counted_year == year:
                for step in STEPS:
                    totals[step] += steps[step]
        rows[year] = Row(
            label=str(year),
            unit=unit,
            cells={
                step: Cell(
                    totals[step], step_url(step, root=unit, unit=unit, year=year)
                )
                for step in STEPS
            },
        )
    return rows


def funnel(unit: Unit, years: list[int]) -> dict[int, Row]:
    """The steps of the whole subtree, one row per year (for the home page)."""
    return _year_rows(unit, years, branch_counts(unit, years))


def change(now: int, before: int) -> int | None:
    """The change in per cent from last year (None when last year had none)."""
    if not before:
        return None
    return round((now - before) * 100 / before)


@dataclass
class Breakdown:
    """Filed requests of the year counted by one property."""

    title: str
    title_vi: str
    rows: list[tuple[str, Cell]]

    @property
    def total(self) -> int:
        return sum(cell.count for _label, cell in self.rows)


@dataclass
class Gap:
    key: str
    label: str
    label_vi: str
    count: int
    url: str


@dataclass
class MovementReport:
    unit: Unit
    year: int
    years: list[int]
    by_year: dict[int, Row]
    by_unit: list[Row]
    total: Row
    breakdowns: list[Breakdown]
    expected_units: int
    gaps: list[Gap]
    strongest: list[dict]

    @property
    def this_year(self) -> Row:
        return self.by_year[self.year]

    @property
    def last_year(self) -> Row:
        return self.by_year[self.year - 1]

    @property
    def changes(self) -> list[tuple[str, int, int, int | None]]:
        """(step, this year, last year, change in per cent) for each step."""
        return [
            (
                step,
                self.this_year[step].count,
                self.last_year[step].count,
                change(self.this_year[step].count, self.last_year[step].count),
            )
            for step in STEPS
        ]

    @property
    def glance(self) -> list[dict]:
        """Each step this year and last year, with their lists and the change."""
        return [
            {
                "label": STEP_LABELS[step],
                "now": self.this_year[step],
                "before": self.last_year[step],
                "change": change(
                    self.this_year[step].count, self.last_year[step].count
                ),
            }
            for step in STEPS
        ]

    @property
    def years_newest_first(self) -> list[Row]:
        return [self.by_year[year] for year in reversed(self.years)]

    @property
    def trend(self) -> list[tuple[str, list[Cell]]]:
        """For each step, its cells year by year, oldest first."""
        return [
            (step, [self.by_year[year][step] for year in self.years]) for step in STEPS
        ]


def _rows_by_unit(unit: Unit, year: int, counts) -> list[Row]:
    children = list(
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by(
            "path"
        )
    )
    rows = []
    for branch, direct in [(child, False) for child in children] + [(unit, True)]:
        steps = counts.get((branch.path, year), dict.fromkeys(STEPS, 0))
        if (direct or not branch.is_active) and not any(steps.values()):
            # The unit's own line, and a dissolved unit's, only with something
            # to count.
            continue
        rows.append(
            Row(
                label=branch.name,
                unit=branch,
                own=direct,
                report="" if direct else report_url(branch, year),
                cells={
                    step: Cell(
                        steps[step],
                        step_url(
                            step, root=unit, unit=branch, year=year, direct=direct
                        ),
                    )
                    for step in STEPS
                },
            )
        )
    return rows


def _breakdowns(unit: Unit, year: int) -> list[Breakdown]:
    """Filed requests of the year by field, kind, level and status: one query."""
    rows = (
        Initiative.objects.filter(
            stage_q(FILED), unit__path__startswith=unit.path, year=year
        )
        .values("field_id", "field__name", "kind", "level", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    tallies = {name: defaultdict(int) for name in ("field", "kind", "level", "status")}
    field_names = {}
    for row in rows:
        tallies["field"][row["field_id"] or OTHER_FIELD] += row["n"]
        field_names[row["field_id"]] = row["field__name"]
        for name in ("kind", "level", "status"):
            tallies[name][row[name]] += row["n"]

    def cell(count, **filters):
        return Cell(count, step_url(FILED, root=unit, unit=unit, year=year, **filters))

    fields = sorted(
        tallies["field"].items(),
        key=lambda item: (-item[1], field_names.get(item[0], "~")),
    )

    def labelled(choices, name):
        return [
            (label, cell(tallies[name][value], **{name: value}))
            for value, label in choices
            if tallies[name].get(value)
        ]

    return [
        Breakdown(
            _("By field"),
            "Theo lĩnh vực",
            [
                (
                    field_names.get(key) or str(_("other fields (typed in)")),
                    cell(count, field=key),
                )
                for key, count in fields
            ],
        ),
        Breakdown(_("By kind"), "Theo loại", labelled(Kind.choices, "kind")),
        Breakdown(
            _("By level registered for"), "Theo cấp", labelled(Scope.choices, "level")
        ),
        Breakdown(
            _("By status"), "Theo tình trạng", labelled(Status.choices, "status")
        ),
    ]


def running_units(unit: Unit):
    """The units of the subtree expected to run the movement, still active."""
    return Unit.objects.filter(
        path__startswith=unit.path, kind__in=RUNNING_KINDS
    ).active()


def _gap_annotations(year: int) -> dict:
    return {
        LAUNCH: Exists(
            MovementRecord.objects.filter(
                unit=OuterRef("pk"), year=year, kind=MovementRecord.Kind.LAUNCH
            )
        ),
        PACT: Exists(
            PactSignatory.objects.filter(unit=OuterRef("pk"), pact__year=year)
        ),
        REVIEW: Exists(
            MovementRecord.objects.filter(
                unit=OuterRef("pk"),
                year=year,
                kind__in=[
                    MovementRecord.Kind.ANNUAL_REVIEW,
                    MovementRecord.Kind.INTERIM_REVIEW,
                ],
            )
        ),
    }


def gap_units(unit: Unit, year: int, gap: str):
    """The units of the subtree that lack the launch, the pact or the review."""
    condition = _gap_annotations(year)[gap]
    return running_units(unit).filter(~condition).order_by("path")


def _gaps(unit: Unit, year: int) -> tuple[int, list[Gap]]:
    annotations = _gap_annotations(year)
    counted = (
        running_units(unit)
        .annotate(**{f"has_{key}": value for key, value in annotations.items()})
        .aggregate(
            units=Count("id"),
            **{key: Count("id", filter=Q(**{f"has_{key}": False})) for key in GAPS},
        )
    )
    return counted["units"], [
        Gap(
            key,
            GAP_LABELS[key],
            GAP_LABELS_VI[key],
            counted[key],
            gap_url(key, unit=unit, year=year),
        )
        for key in GAPS
    ]


def _strongest(unit: Unit, year: int) -> list[dict]:
    """The units with the most recognised requests of their own in the year."""
    rows = (
        Initiative.objects.filter(
            stage_q(FILED), unit__path__startswith=unit.path, year=year
        )
        .values("unit_id", "unit__name", "unit__kind")
        .annotate(
            filed=Count("id"),
            recognised=Count("id", filter=stage_q(RECOGNISED)),
        )
        .filter(recognised__gt=0)
        .order_by("-recognised", "-filed", "unit__name")[:STRONGEST]
    )
    strongest = []
    for row in rows:
        member = Unit(pk=row["unit_id"], name=row["unit__name"], kind=row["unit__kind"])
        strongest.append(
            {
                "name": row["unit__name"],
                "filed": Cell(
                    row["filed"],
                    step_url(FILED, root=unit, unit=member, year=year, direct=True),
                ),
                "recognised": Cell(
                    row["recognised"],
                    step_url(
                        RECOGNISED, root=unit, unit=member, year=year, direct=True
                    ),
                ),
                "rate": round(row["recognised"] * 100 / row["filed"]),
            }
        )
    return strongest


def movement_report(unit: Unit, year: int) -> MovementReport:
    years = list(range(year - YEARS_COMPARED + 1, year + 1))
    counts = branch_counts(unit, years)
    by_year = _year_rows(unit, years, counts)
    expected, gaps = _gaps(unit, year)
    return MovementReport(
        unit=unit,
        year=year,
        years=years,
        by_year=by_year,
        by_unit=_rows_by_unit(unit, year, counts),
        total=by_year[year],
        breakdowns=_breakdowns(unit, year),
        expected_units=expected,
        gaps=gaps,
        strongest=_strongest(unit, year),
    )
