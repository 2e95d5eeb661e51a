"""The imports under generated files: units and people (units/imports/, through
the upload, batch and apply pages) and the year's ratings (awards/imports_ratings.py,
through its page).

Files are .xlsx or CSV (UTF-8 with or without BOM, UTF-16, Windows-1258; comma,
semicolon or tab) or not spreadsheets at all, with the template's header or
another (aliases, other order, unknown, missing or twice), cells good or bad
(formulas, NUL bytes, 100,000 characters, duplicate codes, user names and emails,
bad or future dates, unknown kinds and roles), blank rows and merged cells. About
half the tables hold nothing but good cells.

- the check never fails: a batch is "checked" or "invalid" with its problems,
  each a message shown on the batch page, and nothing else is written;
- a file the model knows is good is checked; one with a known fault is refused;
- applying writes every row (as checked) or, when the data changed in between or
  the batch was invalid, nothing.
"""

import codecs
import datetime
import io
import unicodedata
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.models import AuditEntry
from awards import services as award_services
from awards.models import MemberRating, UnitRating, UnitRatingLevel
from core.text import fold
from tests.factories import UserFactory, make_unit
from tests.fuzz.strategies import (
    BAD_DATES,
    WORDS,
    future_dates,
    fuzz,
    past_dates,
    rolled_back,
    texts,
)
from tests.units.import_helpers import counts, csv_text, encode_cp1258
from units.imports.columns import columns_for
from units.models import ImportBatch, Membership, Unit, User

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def clean_cell(text: str) -> str:
    """A cell as the importer reads it: composed, without NUL bytes, trimmed."""
    return unicodedata.normalize("NFC", text).replace("\x00", "").strip()


# --- A generated table ------------------------------------------------------------


@dataclass
class Table:
    """A header and rows of cells (text or dates), with what the model knows."""

    header: list
    rows: list = field(default_factory=list)  # None is a blank row
    faults: list = field(default_factory=list)  # why it must be refused
    unknown: bool = False  # some cell is anything: no expectation either way
    merged: bool = False

    @property
    def data_rows(self) -> list:
        return [row for row in self.rows if row is not None]


def header_strategy(columns, *, faulty: bool):
    """The template's header, or its aliases, another order, or a broken one.
    Returns (header cells, the column keys in order (None for ignored), fault)."""
    labels = [c.label for c in columns]
    keys = [c.key for c in columns]

    def variant(choice):
        kind, order = choice
        cells = list(zip(labels, keys, strict=True))
        if kind == "unaccented":
            cells = [(fold(label).upper(), key) for label, key in cells]
        if order:
            cells = cells[::-1]
        return [c for c, _k in cells], [k for _c, k in cells], ""

    good = st.tuples(st.sampled_from(["template", "unaccented"]), st.booleans()).map(
        variant
    )

    def broken(choice):
        kind, extra = choice
        cells, order = list(labels), list(keys)
        if kind == "unknown column":
            cells.append(extra or "Ghi chú")
            order.append(None)
        elif kind == "missing column":
            required = next(i for i, c in enumerate(columns) if c.required)
            del cells[required], order[required]
        elif kind == "twice":
            cells.append(labels[0])
            order.append(None)
        elif kind == "blank column":
            cells.insert(1, "")
            order.insert(1, None)
            return cells, order, ""
        return cells, order, kind

    bad = st.tuples(
        st.sampled_from(["unknown column", "missing column", "twice", "blank column"]),
        st.sampled_from(["Ghi chú", "Số CMND", "=A1", "   x"]),
    ).map(broken)
    # Anything at all: the required columns are missing.
    random = st.lists(texts(long=False), min_size=1, max_size=len(columns)).map(
        lambda cells: (cells, [None] * len(cells), "random header")
    )
    return st.one_of(good, good, bad, random) if faulty else good


def names():
    pieces = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)
    return st.tuples(pieces, st.sampled_from(["NFC", "NFD"])).map(
        lambda pair: unicodedata.normalize(pair[1], " ".join(pair[0]))
    )


def typed_day(day: datetime.date):
    return st.sampled_from(
        [day, day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day.isoformat()]
    )


ANY = texts(long=False)
FORMULAS = ["=1+1", "=SUM(A1:A3)", '=HYPERLINK("http://127.0.0.1:9/","x")']


def people_cell(key: str, index: int):
    """(value, fault) strategies for one cell of a people row."""
    day = past_dates().flatmap(typed_day)
    good = {
        "unit_code": st.sampled_from(["CB-A1", "cb-a2", "CB-A", " CB-A1 "]),
        # NUL bytes are dropped by the importer (and by the workbook writer).
        "full_name": st.tuples(names(), st.sampled_from(["", "\x00"])).map(
            lambda pair: f"{pair[0]}{pair[1]} {index}"
        ),
        "username": st.sampled_from(["", f"moi.{index}", f"Nguoi_Moi{index}"]),
        "email": st.sampled_from(["", f"moi{index}@vi-du.vn"]),
        "phone": st.sampled_from(
            ["", "0912345678", "+84 912 345 678", "(024) 3825 1234"]
        ),
        "date_of_birth": st.one_of(st.just(""), day),
        "qualification": st.sampled_from(["", "Thạc sĩ", "Cử nhân Luật"]),
        "role": st.sampled_from(["", "Đoàn viên", "doan vien", "Tổ hỗ trợ"]),
        "position": st.sampled_from(["", "Tổ trưởng"]),
        "full_time": st.just(""),
    }[key]
    bad = {
        "unit_code": ["CB-B1", "KHONG-CO", "CB"],
        "full_name": ["", "Đặng " * 40, "Nguyễn " * 15_000],
        "username": ["có dấu", "a b", "a" * 151, "a1_member"],
        "email": ["abc@", "a1_member@example.vn", "x@" + "a" * 260 + ".vn"],
        "phone": ["123", "+" + "1" * 20, "(...) ---"],
        "date_of_birth": [*BAD_DATES[:4], "01/01/1800"],
        "qualification": ["Q" * 151],
        "role": ["giám đốc", "admin!"],
        "position": ["P" * 151],
        "full_time": ["có", "maybe"],
    }[key]
    if key == "date_of_birth":
        bad_values = st.one_of(st.sampled_from(bad), future_dates().flatmap(typed_day))
    else:
        bad_values = st.sampled_from(bad)
    return good, bad_values


def unit_cell(key: str, index: int):
    """(value, fault) strategies for one cell of a units row."""
    day = past_dates().flatmap(typed_day)
    good = {
        "code": st.sampled_from([f"CB-A-N{index}", f"cb-a-n{index}.x_{index}"]),
        "name": names().map(lambda n: f"Công đoàn {n} {index}"),
        "short_name": st.sampled_from(["", "CĐ Mới"]),
        "kind": st.sampled_from(
            ["Công đoàn cơ sở", "cdcs", "grassroots", "Công đoàn cấp trên cơ sở"]
        ),
        "parent_code": st.sampled_from(["CB-A", "cb-a", " CB-A "]),
        "abbreviation": st.sampled_from(["", "CĐCS"]),
        "place_name": st.sampled_from(["", "Cao Bằng"]),
        "established_on": st.one_of(st.just(""), day),
    }[key]
    bad = {
        "code": ["", "CÓ-DẤU", "CB-A1", "-X", "C" * 41],
        "name": ["", "N" * 256],
        "short_name": ["S" * 101],
        "kind": ["giám đốc", "Ban LĐLĐ tỉnh"],
        "parent_code": ["", "CB-B", "KHONG-CO", "CB"],
        "abbreviation": ["A" * 31],
        "place_name": ["P" * 101],
        "established_on": [*BAD_DATES[:4], "01/01/1800"],
    }[key]
    if key == "established_on":
        bad_values = st.one_of(st.sampled_from(bad), future_dates().flatmap(typed_day))
    else:
        bad_values = st.sampled_from(bad)
    return good, bad_values


@st.composite
def tables(draw, kind: str):
    """A table: about half of them with nothing but good cells."""
    faulty = draw(st.booleans(), label="faulty")
    columns = columns_for(kind)
    cell = people_cell if kind == ImportBatch.Kind.PEOPLE else unit_cell
    header, order, fault = draw(header_strategy(columns, faulty=faulty))
    table = Table(header=header, faults=[fault] if fault else [])
    count = draw(st.integers(0 if faulty else 1, 5), label="rows")
    if count == 0:
        table.faults.append("no data")
    for index in range(count):
        if draw(st.integers(0, 5)) == 0:
            table.rows.append(None)  # a blank row between data rows
        states = ["good", "good", "good", "bad", "any", "copy"] if faulty else ["good"]
        state = draw(st.sampled_from(states))
        earlier = table.data_rows
        if state == "copy" and earlier:
            # The same row again: the same code, user name or email twice.
            row = list(earlier[-1])
            unique = [
                order.index(k) for k in ("code", "username", "email") if k in order
            ]
            if any(str(row[i]).strip() for i in unique):
                table.faults.append(f"row {index}: the same as the row before")
            table.rows.append(row)
            continue
        broken = draw(st.sampled_from(order)) if state in ("bad", "any") else None
        row = []
        for key in order:
            if key is None:
                row.append(draw(st.sampled_from(["", "ghi chú"])))
                continue
            good, bad = cell(key, index)
            if key == broken and state == "bad":
                value = draw(bad, label=f"bad {key}")
                table.faults.append(f"row {index}: {key}={value!r}")
            elif key == broken and state == "any":
                value = draw(ANY, label=f"any {key}")
                table.unknown = True
            else:
                value = draw(good, label=key)
            row.append(value)
        if faulty and draw(st.integers(0, 9)) == 0:
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(FORMULAS))
            table.faults.append("formula")
        table.rows.append(row)
    if draw(st.integers(0, 4)) == 0:
        table.rows.append(None)  # trailing blank rows are never a problem
    table.merged = faulty and draw(st.integers(0, 9)) == 0
    if table.merged:
        table.faults.append("merged cells")
    return table


# --- Files ------------------------------------------------------------------------

FORMATS = [
    "xlsx",
    "csv utf-8",
    "csv utf-8-sig",
    "csv utf-16",
    "csv utf-16-le",  # without a byte-order mark
    "csv cp1258",
    "csv semicolon",
    "csv tab",
]
NOT_SPREADSHEETS = [
    b"",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    b"PK\x03\x04garbage",
    codecs.BOM_UTF8 + b"\xff\xfe\xfd",
    codecs.BOM_UTF16_LE + b"\x00",
    PDF,
    b"\x00" * 100,
    b"\n\n\n",
    "Mã đơn vị;Tên\n".encode("utf-32"),
]


def xlsx_bytes(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for number, row in enumerate([table.header, *table.rows], start=1):
        for column, value in enumerate(row or [], start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value not in ("", None):
                sheet.cell(row=number, column=column, value=value)
    if table.merged:
        sheet.merge_cells("A2:B2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cp1258_safe(value):
    """Text Windows-1258 can hold (what it cannot hold becomes "?")."""
    if not isinstance(value, str):
        return value
    out = []
    for char in value:
        try:
            encode_cp1258(char)
            out.append(char)
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def file_bytes(table: Table, fmt: str) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(table)

    def text(value):
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value

    rows = [[text(v) for v in row] if row else [] for row in table.rows]
    delimiter = {"csv semicolon": ";", "csv tab": "\t"}.get(fmt, ",")
    content = csv_text([table.header, *rows], delimiter)
    if fmt == "csv cp1258":
        return encode_cp1258(content)
    encoding = fmt.split()[1]
    if encoding not in ("utf-8-sig", "utf-16", "utf-16-le"):
        encoding = "utf-8"
    return content.encode(encoding)


def fit(table: Table, fmt: str) -> Table:
    """Make the table's text fit the format (merged cells only in workbooks)."""
    if fmt == "csv cp1258":
        table.header = [cp1258_safe(v) for v in table.header]
        table.rows = [[cp1258_safe(v) for v in r] if r else r for r in table.rows]
    if fmt != "xlsx" and table.merged:
        table.merged = False
        table.faults.remove("merged cells")
    return table


def problems_shown(client, batch) -> None:
    """Every problem of the batch is on its page, with a message."""
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for problem in batch.errors:
        assert set(problem) == {"row", "column", "message"}
        assert problem["row"] is None or isinstance(problem["row"], int)
        assert isinstance(problem["message"], str) and problem["message"].strip()
        assert escape(problem["message"]) in html, problem


# --- Units and people -------------------------------------------------------------


def snapshot() -> tuple:
    """The rows an import writes (the batch itself and its history aside)."""
    return (counts(),)


def check_applied_people(batch) -> None:
    for record in batch.rows:
        person = User.objects.get(username=record["username"])
        assert person.full_name == record["full_name"]
        assert person.email == record.get("email", "")
        membership = Membership.objects.get(user=person)
        assert membership.unit.code.upper() == record["unit_code"]
        assert membership.role == (record["role"] or "member")


def check_applied_units(batch) -> None:
    for record in batch.rows:
        unit = Unit.objects.get(code=record["code"])
        assert unit.name == record["name"]
        assert unit.kind == record["kind"]
        parent = Unit.objects.get_parent(unit)
        assert parent.code.upper() == record["parent_code"]


def expected_names(table: Table, kind: str, order_key: str) -> list[str]:
    """The names the rows hold, as the importer should read them."""
    label = next(c.label for c in columns_for(kind) if c.key == order_key)
    where = [fold(h) for h in table.header].index(fold(label))
    return [clean_cell(row[where]) for row in table.data_rows]


@fuzz(max_examples=60)
@given(data=st.data())
def test_an_import_file_is_checked_and_applied_whole_or_refused(cast, client_for, data):
    kind = data.draw(st.sampled_from(ImportBatch.Kind.values), label="kind")
    client = client_for(cast.a_admin)
    not_a_spreadsheet = data.draw(st.integers(0, 9), label="junk") == 0
    if not_a_spreadsheet:
        content, table = data.draw(st.sampled_from(NOT_SPREADSHEETS)), None
        fmt = "junk"
    else:
        fmt = data.draw(st.sampled_from(FORMATS), label="format")
        table = fit(data.draw(tables(kind), label="table"), fmt)
        content = file_bytes(table, fmt)
    clash = data.draw(st.integers(0, 4), label="clash") == 0
    with rolled_back():
        before = snapshot()
        response = client.post(
            reverse("units:import_start", args=[cast.tree.a.pk]),
            {"kind": kind, "file": SimpleUploadedFile(f"tep.{fmt[:4]}", content)},
        )
        if not content:
            # The upload form refuses an empty file beside its field.
            assert response.status_code == 200
            assert response.context["form"].errors["file"]
            assert snapshot() == before
            return
        assert response.status_code == 302
        batch = ImportBatch.objects.latest("pk")
        assert response["Location"] == batch.get_absolute_url()
        assert snapshot() == before, "the check wrote more than its batch"
        problems_shown(client, batch)
        if batch.errors:
            assert batch.status == ImportBatch.Status.INVALID
        else:
            assert batch.status == ImportBatch.Status.CHECKED
            assert len(batch.rows) == len(table.data_rows)
        if table is None or table.faults:
            event(f"{kind}: refused")
            assert batch.status == ImportBatch.Status.INVALID, (table, batch.rows)
        elif not table.unknown:
            event(f"{kind}: checked")
            assert batch.status == ImportBatch.Status.CHECKED, batch.errors
            key = "full_name" if kind == ImportBatch.Kind.PEOPLE else "name"
            assert [r[key] for r in batch.rows] == expected_names(table, kind, key)
        apply_and_check(client, batch, kind, clash)


def apply_and_check(client, batch, kind, clash) -> None:
    checked = batch.status == ImportBatch.Status.CHECKED
    if checked and clash:
        # Someone takes a code or a user name between the check and the apply.
        if kind == ImportBatch.Kind.PEOPLE:
            UserFactory(username=batch.rows[-1]["username"].upper())
        else:
            make_unit(
                Unit.objects.get(code="CB-A"),
                Unit.Kind.GRASSROOTS,
                batch.rows[-1]["code"].lower(),
            )
    before = snapshot()
    response = client.post(reverse("units:import_apply", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    if not checked or clash:
        assert batch.status == ImportBatch.Status.INVALID
        assert snapshot() == before, "a refused batch wrote rows"
        if checked:
            event(f"{kind}: changed before apply")
            problems_shown(client, batch)
        return
    event(f"{kind}: applied")
    assert batch.status == ImportBatch.Status.APPLIED
    (after,) = snapshot()
    added = len(batch.rows)
    if kind == ImportBatch.Kind.PEOPLE:
        assert after["users"] == before[0]["users"] + added
        assert after["memberships"] == before[0]["memberships"] + added
        check_applied_people(batch)
    else:
        assert after["units"] == before[0]["units"] + added
        check_applied_units(batch)


# --- Ratings ----------------------------------------------------------------------

GRADE_WORDS = {
    "Xuất sắc": "excellent",
    "xuat sac": "excellent",
    "KHÁ": "good",
    "Trung Binh": "average",
    "yếu": "weak",
    "good": "good",
}


@st.composite
def rating_tables(draw, kind: str, levels: list[str]):
    """(header, rows, faults, the ratings the file sets) for the ratings import;
    about half of them without any fault."""
    faulty = draw(st.booleans(), label="faulty")
    if kind == "units":
        header = ["Mã đơn vị", "Tên đơn vị", "Xếp loại"]
        targets = {"CB-A1": "CB-A1", "cb-a2": "CB-A2", " CB-A1": "CB-A1"}
        words = {name: name for name in levels}
        words.update({fold(name).upper(): name for name in levels})
        bad_targets = ["CB-B1", "CB-A", "", "KHONG-CO"]
        bad_words = ["Rất tốt", "", "Cũ"]
    else:
        header = ["Tên đăng nhập hoặc email", "Họ và tên", "Xếp loại"]
        targets = {
            "a1_member": "a1_member",
            "A1_SUPPORT@EXAMPLE.VN": "a1_support",
            "A1_Member@example.vn": "a1_member",
        }
        words = GRADE_WORDS
        bad_targets = ["b1_member", "", "khong.ton.tai"]
        bad_words = ["Giỏi", "", "5"]
    faults = []
    if faulty and draw(st.integers(0, 5)) == 0:
        header = draw(
            st.sampled_from([header[:1], [*header, header[0]], ["A", "B", "C"]])
        )
        faults.append("header")
    rows, seen, sets = [], set(), {}
    states = ["good", "good", "bad target", "bad word", "any"] if faulty else ["good"]
    for _index in range(draw(st.integers(0 if faulty else 1, 4))):
        if draw(st.integers(0, 5)) == 0:
            rows.append([])
        free = sorted(t for t in targets if targets[t] not in seen)
        if not faulty and not free:
            break
        target = draw(st.sampled_from(free if not faulty else sorted(targets)))
        word = draw(st.sampled_from(sorted(words)))
        state = draw(st.sampled_from(states))
        if state == "bad target":
            target = draw(st.sampled_from(bad_targets))
            faults.append(f"target {target!r}")
        elif state == "bad word":
            word = draw(st.sampled_from(bad_words))
            faults.append(f"rating {word!r}")
        elif state == "any":
            word = draw(ANY)
            faults.append("any text")  # never a rating's name here
        elif targets[target] in seen:
            faults.append("twice")
        if target in targets:
            seen.add(targets[target])
            sets[targets[target]] = words.get(word)
        rows.append([target, "", word])
    if not [row for row in rows if row]:
        faults.append("no rows")
    return header, rows, faults, sets


def ratings_state() -> tuple:
    return (
        list(UnitRating.objects.order_by("pk").values_list("unit", "year", "level")),
        list(MemberRating.objects.order_by("pk").values_list("user", "year", "grade")),
        AuditEntry.objects.count(),
    )


def ratings_stored(kind: str) -> dict:
    if kind == "units":
        return {
            r.unit.code: r.level.name
            for r in UnitRating.objects.filter(year=THIS_YEAR).select_related(
                "unit", "level"
            )
        }
    return dict(
        MemberRating.objects.filter(year=THIS_YEAR).values_list(
            "user__username", "grade"
        )
    )


@fuzz(max_examples=40)
@given(data=st.data())
def test_a_ratings_file_is_imported_whole_or_refused(cast, client_for, data):
    kind = data.draw(st.sampled_from(["units", "members"]), label="kind")
    unit = cast.tree.a if kind == "units" else cast.tree.a1
    levels = list(
        UnitRatingLevel.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    header, rows, faults, sets = data.draw(rating_tables(kind, levels))
    formats = ["xlsx", "csv", "junk"] if faults else ["xlsx"]
    fmt = data.draw(st.sampled_from(formats), label="format")
    if fmt == "xlsx":
        content = xlsx_bytes(Table(header=header, rows=rows))
    elif fmt == "csv":
        content = csv_text([header, *rows]).encode("utf-8")
    else:
        content = data.draw(st.sampled_from(NOT_SPREADSHEETS[1:]))
    rated_before = data.draw(st.booleans(), label="rated before")
    client = client_for(cast.a_admin)
    with rolled_back():
        UnitRatingLevel.objects.create(name="Cũ", is_active=False)
        if rated_before:
            # An earlier rating, which a refused file must leave as it was.
            if kind == "units":
                award_services.unit_rating_set(
                    unit=cast.tree.a1,
                    year=THIS_YEAR,
                    level=UnitRatingLevel.objects.get(name=levels[-1]),
                    actor=cast.a_admin,
                )
            else:
                award_services.member_rating_set(
                    user=cast.a1_member,
                    unit=cast.tree.a1,
                    year=THIS_YEAR,
                    grade="weak",
                    actor=cast.a_admin,
                )
        before, stored_before = ratings_state(), ratings_stored(kind)
        response = client.post(
            reverse("awards:ratings_import", args=[unit.pk]),
            {
                "kind": kind,
                "year": THIS_YEAR,
                "file": SimpleUploadedFile("xep-loai.xlsx", content),
            },
        )
        if faults or fmt != "xlsx":
            event(f"ratings of {kind}: refused")
            assert response.status_code == 200
            problems = response.context["problems"]
            assert problems, "refused without a message"
            html = response.content.decode()
            for problem in problems:
                assert problem["message"].strip()
                assert escape(problem["message"]) in html
            assert ratings_state() == before
            return
        event(f"ratings of {kind}: saved")
        assert response.status_code == 302, response.context["problems"]
        assert ratings_stored(kind) == {**stored_before, **sets}
