"""Imports read what the person sees: visible sheets only, the sheet read named
and another one offered, a header found under a title block, or a message
naming the header looked for. Units and people alike."""

import datetime
import html
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override
from openpyxl import Workbook

from tests.test_translations import LOCALE, parse_po
from tests.units.import_helpers import (
    PEOPLE_LABELS,
    UNIT_HEADER,
    check,
    counts,
    csv_bytes,
    person_row,
    problem,
    unit_row,
    vi,
    xlsx_bytes,
)
from units.imports import batches
from units.imports.columns import columns_for
from units.models import ImportBatch, Membership, Unit

pytestmark = pytest.mark.django_db

UNITS, PEOPLE = ImportBatch.Kind.UNITS, ImportBatch.Kind.PEOPLE
KINDS = [UNITS, PEOPLE]

HIDDEN = "Hidden sheets are never read: %(sheets)s."
ALSO = (
    "The sheets %(sheets)s also hold this import's columns; their rows are not in "
    "this check. To import them, choose their sheet on this page and check it."
)
HEADER_BELOW = (
    "The header is on row %(row)d; the rows above it (a title) were not read."
)
NO_HEADER = (
    'No header row was found in the first %(count)d rows of the sheet "%(sheet)s". '
    "The header row must name the columns: %(expected)s."
)
NO_HEADER_CSV = (
    "No header row was found in the first %(count)d rows. The header row must "
    "name the columns: %(expected)s."
)
READ_ONE_OF = "The sheet “%(sheet)s” was read. The file's visible sheets: %(names)s."


@pytest.fixture(autouse=True)
def vietnamese():
    with override("vi"):
        yield


def table(kind, tag: str) -> list[list]:
    """A header and two good rows of the kind; the tag tells the sheets apart."""
    if kind == UNITS:
        return [
            UNIT_HEADER,
            unit_row(f"CB-A-{tag}1", f"Công đoàn Trường {tag} Một"),
            unit_row(f"CB-A-{tag}2", f"Công đoàn Trường {tag} Hai"),
        ]
    return [
        PEOPLE_LABELS,
        person_row("CB-A1", f"Nguyễn Thị {tag.title()}"),
        person_row("CB-A1", f"Trần Văn {tag.title()}"),
    ]


def names(batch: ImportBatch) -> list[str]:
    key = "name" if batch.kind == UNITS else "full_name"
    return [record[key] for record in batch.rows]


def names_in(kind, tag: str) -> list[str]:
    # The name is the second column of both kinds.
    return [row[1] for row in table(kind, tag)[1:]]


def written(kind) -> set[str]:
    if kind == UNITS:
        return set(Unit.objects.values_list("name", flat=True))
    return set(Membership.objects.values_list("user__full_name", flat=True))


def workbook(*sheets) -> bytes:
    """A workbook of (title, rows, state) sheets; state is "visible", "hidden" or
    "veryHidden"."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value not in ("", None):
                    sheet.cell(row=number, column=column, value=value)
        sheet.sheet_state = state
    book.active = next(i for i, sheet in enumerate(sheets) if sheet[2] == "visible")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def start_url(unit):
    return reverse("units:import_start", args=[unit.pk])


def translated(message: str) -> str:
    """The Vietnamese text of a message id in the catalogue."""
    entry = next(e for e in parse_po(LOCALE / "django.po") if e["msgid"] == message)
    return entry["msgstr"]


# --- Hidden sheets ------------------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_hidden_first_sheet_is_never_read(cast, kind, state):
    data = workbook(
        ("Cũ", table(kind, "HOA"), state),
        ("Mới", table(kind, "LAN"), "visible"),
    )

    batch = check(cast.tree.a, kind, data, cast.a_admin)

    assert batch.status == ImportBatch.Status.CHECKED, batch.errors
    assert names(batch) == names_in(kind, "LAN")
    assert batch.sheet == "Mới"
    assert batch.sheets == ["Mới"]
    assert batch.notices == [vi(HIDDEN, sheets="“Cũ”")]
    # One visible sheet: nothing else to choose, the file is not kept.
    assert not batch.upload

    batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert set(names_in(kind, "LAN")) <= written(kind)
    assert not set(names_in(kind, "HOA")) & written(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_hidden_table_is_not_read_when_the_visible_sheet_has_none(cast, kind):
    notes = [["Ghi chú: danh sách ở trang tính khác."]]
    data = workbook(
        ("Dữ liệu", table(kind, "HOA"), "veryHidden"),
        ("Ghi chú", notes, "visible"),
    )

    batch = check(cast.tree.a, kind, data, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows == []
    expected = ", ".join(c.label for c in columns_for(kind))
    assert batch.errors == [
        problem(None, "", vi(NO_HEADER, count=1, sheet="Ghi chú", expected=expected))
    ]


# --- Several visible sheets -----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_preview_names_the_sheet_read_and_offers_the_other(cast, client_for, kind):
    client = client_for(cast.a_admin)
    data = workbook(
        ("Đợt 1", table(kind, "HOA"), "visible"),
        ("Đợt 2", table(kind, "LAN"), "visible"),
    )
    before = counts()

    client.post(
        start_url(cast.tree.a),
        {"kind": kind, "file": SimpleUploadedFile("hai-dot.xlsx", data)},
    )

    first = ImportBatch.objects.get()
    assert first.status == ImportBatch.Status.CHECKED, first.errors
    assert names(first) == names_in(kind, "HOA")
    assert first.sheet == "Đợt 1"
    assert first.sheets == ["Đợt 1", "Đợt 2"]
    # The rows on the other sheet are not dropped without a word.
    assert first.notices == [vi(ALSO, sheets="“Đợt 2”")]
    page = client.get(first.get_absolute_url())
    text = html.unescape(page.content.decode())
    assert vi(READ_ONE_OF, sheet="Đợt 1", names="Đợt 1, Đợt 2") in text
    assert vi(ALSO, sheets="“Đợt 2”") in text
    choices = page.context["sheet_form"].fields["sheet"].choices
    assert choices == [("Đợt 2", "Đợt 2")]
    assert '<option value="Đợt 2">' in text

    response = client.post(
        start_url(cast.tree.a), {"source": first.pk, "sheet": "Đợt 2"}
    )

    second = ImportBatch.objects.latest("pk")
    assert second.pk != first.pk
    assert response.status_code == 302
    assert response.url == second.get_absolute_url()
    assert second.status == ImportBatch.Status.CHECKED, second.errors
    assert second.sheet == "Đợt 2"
    assert names(second) == names_in(kind, "LAN")
    assert second.notices == [vi(ALSO, sheets="“Đợt 1”")]
    # Nothing is applied until confirmed; the first check is left as it was.
    assert counts() == before
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.CHECKED
    assert names(first) == names_in(kind, "HOA")

    client.post(reverse("units:import_apply", args=[second.pk]))

    second.refresh_from_db()
    assert second.status == ImportBatch.Status.APPLIED
    assert set(names_in(kind, "LAN")) <= written(kind)
    assert not set(names_in(kind, "HOA")) & written(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_the_first_visible_sheet_holding_the_header_is_read(cast, kind):
    data = workbook(
        ("Hướng dẫn", [["Điền danh sách vào trang tính bên cạnh."]], "visible"),
        ("Danh sách", table(kind, "MAI"), "visible"),
    )

    batch = check(cast.tree.a, kind, data, cast.a_admin)

    assert batch.status == ImportBatch.Status.CHECKED, batch.errors
    assert batch.sheet == "Danh sách"
    assert batch.sheets == ["Hướng dẫn", "Danh sách"]
    assert names(batch) == names_in(kind, "MAI")
    assert batch.notices == []


@pytest.mark.parametrize(
    "sheet", ["Bí mật", "Không có", "Đợt 1"], ids=["hidden", "absent", "same"]
)
def test_only_another_visible_sheet_can_be_chosen(cast, client_for, sheet):
    client = client_for(cast.a_admin)
    data = workbook(
        ("Đợt 1", table(UNITS, "HOA"), "visible"),
        ("Bí mật", table(UNITS, "MAI"), "hidden"),
        ("Đợt 2", table(UNITS, "LAN"), "visible"),
    )
    first = check(cast.tree.a, UNITS, data, cast.a_admin)
    assert first.sheets == ["Đợt 1", "Đợt 2"]

    response = client.post(start_url(cast.tree.a), {"source": first.pk, "sheet": sheet})

    assert response.status_code == 302
    assert response.url == first.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        vi("Choose one of the other sheets of the file.")
    ]
    assert ImportBatch.objects.count() == 1


def test_a_sheet_of_another_units_file_cannot_be_chosen(cast, client_for):
    data = workbook(
        ("Đợt 1", table(UNITS, "HOA"), "visible"),
        ("Đợt 2", table(UNITS, "LAN"), "visible"),
    )
    first = check(cast.tree.a, UNITS, data, cast.a_admin)
    posted = {"source": first.pk, "sheet": "Đợt 2"}

    # CB-B's administrator, through CB-B's page or CB-A's.
    other = client_for(cast.b_admin)
    assert other.post(start_url(cast.tree.b), posted).status_code == 404
    assert other.post(start_url(cast.tree.a), posted).status_code == 404
    assert ImportBatch.objects.count() == 1


def test_a_one_sheet_file_offers_no_choice(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check(cast.tree.a, UNITS, xlsx_bytes(table(UNITS, "HOA")), cast.a_admin)

    page = client.get(batch.get_absolute_url())

    assert batch.sheet == "Sheet"
    assert page.context["sheet_form"] is None
    assert vi("The sheet “%(sheet)s” was read.", sheet="Sheet") in html.unescape(
        page.content.decode()
    )


# --- A header below a title block -----------------------------------------------------


def title_block(kind) -> list[list]:
    """The form an office downloads: a title, a subtitle and a date above the
    header (the title merged across the columns, the date a formula)."""
    return [
        ["LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"],
        [
            "DANH SÁCH ĐƠN VỊ CÔNG ĐOÀN"
            if kind == UNITS
            else "DANH SÁCH ĐOÀN VIÊN, CÁN BỘ CÔNG ĐOÀN"
        ],
        ["Ngày lập:", datetime.date(2026, 12, 1), "", "", "=TODAY()"],
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_header_under_a_title_block_is_found(cast, kind):
    data = xlsx_bytes(
        [*title_block(kind), *table(kind, "HOA")], merge=["A1:E1", "A2:E2"]
    )

    batch = check(cast.tree.a, kind, data, cast.a_admin)

    assert batch.status == ImportBatch.Status.CHECKED, batch.errors
    assert names(batch) == names_in(kind, "HOA")
    # Rows are numbered as the person sees them.
    assert [record["row"] for record in batch.rows] == [5, 6]
    assert batch.notices == [vi(HEADER_BELOW, row=4)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_header_under_a_title_is_found_in_a_csv_file(cast, kind):
    title = [["DANH SÁCH"], ["Ngày lập: 01/12/2026"], []]
    data = csv_bytes([*title, *table(kind, "HOA")], delimiter=";")

    batch = check(cast.tree.a, kind, data, cast.a_admin, name="x.csv")

    assert batch.status == ImportBatch.Status.CHECKED, batch.errors
    assert names(batch) == names_in(kind, "HOA")
    assert [record["row"] for record in batch.rows] == [5, 6]
    assert batch.notices == [vi(HEADER_BELOW, row=4)]


@pytest.mark.parametrize("kind", KINDS)
def test_merged_cells_under_the_header_are_still_refused(cast, kind):
    data = xlsx_bytes(
        [*title_block(kind), *table(kind, "HOA")], merge=["A1:E1", "B5:C5"]
    )

    batch = check(cast.tree.a, kind, data, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    message = "Merged cells %(range)s: unmerge them and fill in every cell."
    assert problem(5, "B5:C5", vi(message, range="B5:C5")) in batch.errors
    assert not [p for p in batch.errors if p["column"] == "A1:E1"]


# --- No header anywhere --------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_no_header_names_the_columns_and_the_rows_searched(cast, kind):
    # A header below the rows searched is not looked for.
    title = [[f"Dòng giới thiệu số {n}"] for n in range(1, 22)]
    data = xlsx_bytes([*title, *table(kind, "HOA")])

    batch = check(cast.tree.a, kind, data, cast.a_admin)

    expected = ", ".join(c.label for c in columns_for(kind))
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows == []
    assert batch.errors == [
        problem(None, "", vi(NO_HEADER, count=20, sheet="Sheet", expected=expected))
    ]
    # In Vietnamese, naming the columns in the words of the template.
    assert translated(NO_HEADER).startswith("Không tìm thấy dòng tiêu đề")
    assert expected.startswith("Mã đơn vị")


@pytest.mark.parametrize("kind", KINDS)
def test_no_header_in_a_csv_file(cast, kind):
    rows = [["DANH SÁCH"], ["STT", "Ghi chú"], ["1", "Không rõ"]]

    batch = check(cast.tree.a, kind, csv_bytes(rows), cast.a_admin, name="x.csv")

    expected = ", ".join(c.label for c in columns_for(kind))
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(None, "", vi(NO_HEADER_CSV, count=3, expected=expected))
    ]
    assert batch.sheet == ""
    assert translated(NO_HEADER_CSV).startswith("Không tìm thấy dòng tiêu đề")
