"""The movement report as an official document (Báo cáo kết quả phong trào, PDF
through `documents/`) and as an Excel workbook. Both are in Vietnamese."""

from django.utils import timezone, translation
from django.utils.translation import gettext

from awards import charts
from awards.report import (
    GAP_LABELS_VI,
    STEP_LABELS,
    STEP_LABELS_VI,
    STEPS,
    MovementReport,
    gap_units,
)
from documents.header import header_for
from documents.rendering import render_pdf
from documents.signing import SignerBlock, unit_signer
from initiatives.models import Kind, Scope, Status
from units.leadership import SigningKind
from units.models import Unit
from units.spreadsheets import workbook_sheets_bytes

MOVEMENT = "Đổi mới, sáng tạo, hiệu quả trong hoạt động của tổ chức Công đoàn"
# Units lacking a launch, a pact or a review named in the printed report; the
# rest are counted ("và 12 đơn vị khác") and listed in full in the workbook.
GAP_NAMES_PRINTED = 30


def _chart_set(report: MovementReport, labels: dict, names: dict) -> dict:
    """The report's charts, titled and labelled with the given texts."""
    last, this = report.year - 1, report.year
    # The units with something to show, busiest first.
    rows = sorted(
        (row for row in report.by_unit if not row.own and row["filed"].count),
        key=lambda row: (-row["filed"].count, -row["recognised"].count, row.label),
    )
    return {
        "funnel": charts.compare_bars(
            names["funnel"].format(this=this, last=last),
            [labels[step] for step in STEPS],
            [
                (str(this), [report.this_year[step].count for step in STEPS]),
                (str(last), [report.last_year[step].count for step in STEPS]),
            ],
        ),
        "units": charts.compare_bars(
            names["units"].format(this=this),
            [row.label for row in rows],
            [
                (labels["filed"], [row["filed"].count for row in rows]),
                (labels["recognised"], [row["recognised"].count for row in rows]),
            ],
        )
        if rows
        else "",
        "trend": charts.trend_lines(
            names["trend"],
            report.years,
            [
                (labels[step], [cell.count for cell in cells])
                for step, cells in report.trend
            ],
        ),
    }


def page_charts(report: MovementReport) -> dict:
    return _chart_set(
        report,
        {step: str(label) for step, label in STEP_LABELS.items()},
        {
            "funnel": gettext("The movement in {this}, against {last}"),
            "units": gettext("Requests filed and recognised in {this}, by unit"),
            "trend": gettext("The movement over five years"),
        },
    )


def print_charts(report: MovementReport) -> dict:
    return _chart_set(
        report,
        STEP_LABELS_VI,
        {
            "funnel": "Kết quả năm {this} so với năm {last}",
            "units": "Đơn nộp và sáng kiến được công nhận năm {this}, theo đơn vị",
            "trend": "Phong trào qua 5 năm",
        },
    )


def _signer(unit: Unit, day) -> SignerBlock:
    return unit_signer(unit, SigningKind.MOVEMENT_REPORT, day)


CHOICES_VI = {
    "kind": {Kind.INITIATIVE: "Sáng kiến", Kind.RESEARCH: "Đề tài nghiên cứu"},
    "level": {
        Scope.GRASSROOTS: "Cơ sở",
        Scope.UPPER: "Công đoàn cấp trên trực tiếp cơ sở",
        Scope.PROVINCE: "Tỉnh",
        Scope.NATIONAL: "Toàn quốc",
    },
    "status": {
        Status.SUBMITTED: "Đã nộp",
        Status.RETURNED: "Trả lại để bổ sung",
        Status.ACCEPTED: "Đã tiếp nhận",
        Status.UNDER_REVIEW: "Đang xem xét",
        Status.DEFERRED: "Hoãn xét",
        Status.RECOGNISED: "Được công nhận",
        Status.NOT_RECOGNISED: "Không được công nhận",
        Status.WITHDRAWN: "Rút đơn",
    },
}


def breakdowns_vi(report: MovementReport) -> list[tuple[str, list[tuple[str, int]]]]:
    """The breakdowns with Vietnamese labels whatever the reader's language."""
    with translation.override("vi"):
        return [
            (
                breakdown.title_vi,
                [(str(label), cell.count) for label, cell in breakdown.rows],
            )
            for breakdown in report.breakdowns
        ]


def _gap_names(report: MovementReport) -> list[dict]:
    listed = []
    for gap in report.gaps:
        names = list(
            gap_units(report.unit, report.year, gap.key).values_list("name", flat=True)[
                :GAP_NAMES_PRINTED
            ]
        )
        listed.append(
            {
                "label": gap.label_vi,
                "count": gap.count,
                "names": names,
                "more": max(0, gap.count - len(names)),
            }
        )
    return listed


def report_pdf(report: MovementReport) -> bytes:
    """The report as a draft official document ("DỰ THẢO" until it is issued)."""
    today = timezone.localdate()
    unit = report.unit
    parent = Unit.objects.get_parent(unit) if unit.depth > 1 else None
    return render_pdf(
        "documents/movement_report.html",
        {
            "header": header_for(unit, day=today, symbol=None, code="BC"),
            "report": report,
            "movement": MOVEMENT,
            "unit_name": unit.name_on(today),
            "steps": [(STEP_LABELS_VI[step], step) for step in STEPS],
            "changes": [
                (STEP_LABELS_VI[step], now, before, change)
                for step, now, before, change in report.changes
            ],
            "trend": [
                (STEP_LABELS_VI[step], [cell.count for cell in cells])
                for step, cells in report.trend
            ],
            "breakdowns": breakdowns_vi(report),
            "gaps": _gap_names(report),
            "charts": print_charts(report),
            "addressee": parent.name_on(today) if parent else "",
            "recipients": [
                *([f"{parent.name_on(today)};"] if parent else []),
                "Lưu: VT.",
            ],
            "signer": _signer(unit, today),
        },
        draft=True,
    )


def report_xlsx(report: MovementReport) -> bytes:
    step_headers = [STEP_LABELS_VI[step] for step in STEPS]
    year = report.year
    sheets = [
        (
            "Tong hop",
            ["Năm", *step_headers],
            [
                [row_year, *(report.by_year[row_year][step].count for step in STEPS)]
                for row_year in reversed(report.years)
            ],
            [10] + [16] * len(STEPS),
        ),
        (
            f"Theo don vi {year}",
            ["Đơn vị", *step_headers],
            [
                [
                    f"{row.label} (trực tiếp)" if row.own else row.label,
                    *(row[step].count for step in STEPS),
                ]
                for row in report.by_unit
            ]
            + [["Tổng cộng", *(report.total[step].count for step in STEPS)]],
            [50] + [16] * len(STEPS),
        ),
    ]
    for title, rows in breakdowns_vi(report):
        sheets.append(
            (f"{title} {year}"[:31], [title, "Số đơn đã nộp"], rows, [50, 16])
        )
    gaps = []
    for gap in report.gaps:
        for unit in gap_units(report.unit, year, gap.key).only("code", "name"):
            gaps.append([GAP_LABELS_VI[gap.key], unit.code, unit.name])
    sheets.append(
        (
            f"Don vi chua thuc hien {year}",
            ["Nội dung", "Mã đơn vị", "Đơn vị"],
            gaps,
            [34, 16, 50],
        )
    )
    sheets.append(
        (
            f"Tieu bieu {year}",
            ["Đơn vị", "Số đơn đã nộp", "Được công nhận", "Tỷ lệ (%)"],
            [
                [row["name"], row["filed"].count, row["recognised"].count, row["rate"]]
                for row in report.strongest
            ],
            [50, 16, 16, 12],
        )
    )
    return workbook_sheets_bytes(sheets)
