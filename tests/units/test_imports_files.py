"""Reading uploaded files: formats, encodings, damaged files, limits and odd text."""

import codecs
import io
import unicodedata
import zipfile

import pytest
from django.test import override_settings
from django.utils.translation import override

from tests.units.import_helpers import (
    NAME,
    UNIT_HEADER,
    check,
    check_units,
    counts,
    csv_bytes,
    csv_text,
    encode_cp1258,
    problem,
    unit_row,
    vi,
    xlsx_bytes,
)
from units.imports import batches
from units.models import ImportBatch, Unit

pytestmark = pytest.mark.django_db

UNITS = ImportBatch.Kind.UNITS
# Every Vietnamese vowel with a tone that Windows-1258 has no single byte for.
LONG_NAME = "Công đoàn Trường Phổ thông Dân tộc Nội trú Nguyễn Bỉnh Khiêm Quảng Hòa"


@pytest.fixture(autouse=True)
def vietnamese():
    with override("vi"):
        yield


def only_error(batch: ImportBatch, message: str) -> None:
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows == []
    assert batch.errors == [problem(None, "", message)]


# --- Merged cells and formulas ----------------------------------------------------


def test_merged_cells_name_the_range_on_the_top_left_row(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Công đoàn Trường B"),
        unit_row("CB-A-N3", "Công đoàn Trường C"),
        unit_row("CB-A-N4", "Công đoàn Trường D"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin, merge=["B3:C3", "D4:D5"])

    message = "Merged cells %(range)s: unmerge them and fill in every cell."
    assert batch.status == ImportBatch.Status.INVALID
    assert problem(3, "B3:C3", vi(message, range="B3:C3")) in batch.errors
    assert problem(4, "D4:D5", vi(message, range="D4:D5")) in batch.errors
    assert not Unit.objects.filter(code="CB-A-N1").exists()


def test_formula_in_a_workbook_names_the_cell(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", '=CONCATENATE("Công đoàn ", A3)'),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)

    assert batch.status == ImportBatch.Status.INVALID
    assert (
        problem(
            3,
            "B3",
            vi("Cell %(cell)s holds a formula; paste its value instead.", cell="B3"),
        )
        in batch.errors
    )
    # The formula is not taken as the name.
    assert problem(3, NAME, vi("The name is missing.")) in batch.errors


def test_formula_text_in_a_csv_names_the_cell(cast):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", '=HYPERLINK("http://example.com";"x")'),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin, fmt="csv")

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(
            3,
            "B",
            vi("Cell %(cell)s holds a formula; write its value instead.", cell="B3"),
        )
    ]


# --- Encodings and delimiters -----------------------------------------------------


def test_cp1258_helper_writes_combining_tone_marks():
    # The test below would prove nothing if the bytes held only composed letters.
    data = encode_cp1258(LONG_NAME)
    decoded = data.decode("cp1258")
    assert decoded != LONG_NAME
    assert unicodedata.normalize("NFC", decoded) == LONG_NAME
    assert b"\xde" in data  # the combining tilde of "Nguyễn"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "starts_with"),
    [
        ("utf-8", ",", b"M"),
        ("utf-8-sig", ",", codecs.BOM_UTF8),
        ("utf-16", "\t", codecs.BOM_UTF16),
        ("utf-16", ",", codecs.BOM_UTF16),
        ("cp1258", ",", b"M"),
        ("utf-8", ";", b"M"),
        ("cp1258", ";", b"M"),
    ],
)
def test_csv_encodings_and_delimiters(cast, encoding, delimiter, starts_with):
    rows = [
        UNIT_HEADER,
        unit_row("CB-A-N1", LONG_NAME, "Công đoàn cơ sở", "CB-A", "05/09/2010"),
        unit_row("CB-A-N2", "Công đoàn Trường Mầm non Sơn Ca", "cấp trên"),
    ]
    data = csv_bytes(rows, encoding=encoding, delimiter=delimiter)
    assert data.startswith(starts_with)
    batch = check(cast.tree.a, UNITS, data, cast.a_admin, name="don-vi.csv")

    assert batch.errors == []
    assert batch.rows[0]["name"] == LONG_NAME
    assert batch.rows[0]["kind"] == "grassroots"
    assert batch.rows[0]["established_on"] == "2010-09-05"
    assert batch.rows[1]["kind"] == "upper"

    batches.apply_batch(batch=batch, actor=cast.a_admin)
    unit = Unit.objects.get(code="CB-A-N1")
    assert unit.name == LONG_NAME
    assert unicodedata.is_normalized("NFC", unit.name)
    assert unit.names.get().name == LONG_NAME


def test_utf16_big_endian_with_bom(cast):
    text = csv_text([UNIT_HEADER, unit_row("CB-A-N1", LONG_NAME)])
    data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    batch = check(cast.tree.a, UNITS, data, cast.a_admin, name="don-vi.csv")

    assert batch.errors == []
    assert batch.rows[0]["name"] == LONG_NAME


def test_semicolon_file_starting_with_blank_lines(cast):
    text = "\r\n\r\n" + csv_text(
        [UNIT_HEADER, unit_row("CB-A-N1", "Công đoàn, Trường A")], delimiter=";"
    )
    batch = check(cast.tree.a, UNITS, text.encode(), cast.a_admin, name="x.csv")

    assert batch.errors == []
    assert batch.rows[0]["name"] == "Công đoàn, Trường A"
    assert batch.rows[0]["row"] == 4


# --- Files that cannot be read ----------------------------------------------------


def test_old_xls_file(cast):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    batch = check(cast.tree.a, UNITS, data, cast.a_admin, name="cu.xls")

    only_error(
        batch, vi("This is an old Excel file (.xls). Save it as .xlsx and retry.")
    )


def test_damaged_zip_named_xlsx(cast):
    good = xlsx_bytes([UNIT_HEADER, unit_row("CB-A-N1", "Công đoàn Trường A")])
    batch = check(cast.tree.a, UNITS, good[: len(good) // 2], cast.a_admin)

    only_error(batch, vi("The Excel file is damaged."))


def test_zip_that_is_not_a_workbook(cast):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("thu.txt", "Xin chào")
    batch = check(cast.tree.a, UNITS, buffer.getvalue(), cast.a_admin)

    only_error(
        batch,
        vi("The Excel file could not be opened. Save it again as .xlsx and retry."),
    )


def test_unknown_encoding(cast):
    # Bytes Windows-1258 leaves undefined, and not UTF-8 either.
    data = "Mã đơn vị,Tên\r\n".encode() + b"\x81\x8a\x8d\x8e\x8f\x90\r\n"
    batch = check(cast.tree.a, UNITS, data, cast.a_admin, name="x.csv")

    only_error(
        batch,
        vi(
            "The CSV file's encoding is not recognised. Save it as CSV UTF-8 and retry."
        ),
    )


@pytest.mark.parametrize(
    "data",
    [
        # A UTF-8 mark before Windows-1258 text, and UTF-16 text cut in the middle
        # of a letter.
        codecs.BOM_UTF8 + encode_cp1258("Mã đơn vị,Tên đơn vị\r\n"),
        codecs.BOM_UTF16_LE + "Mã đơn vị,Tên đơn vị".encode("utf-16-le")[:-1],
    ],
)
def test_byte_order_mark_that_does_not_fit_the_text(cast, data):
    batch = check(cast.tree.a, UNITS, data, cast.a_admin, name="x.csv")

    only_error(
        batch,
        vi(
            "The CSV file's encoding is not recognised. Save it as CSV UTF-8 and retry."
        ),
    )


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "rong.csv"),
        (b"\r\n \r\n,,,\r\n", "rong.csv"),
        (xlsx_bytes([]), "rong.xlsx"),
    ],
)
def test_empty_file(cast, data, name):
    batch = check(cast.tree.a, UNITS, data, cast.a_admin, name=name)

    only_error(batch, vi("The file is empty."))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_header_only_file(cast, fmt):
    batch = check_units(cast.tree.a, [], cast.a_admin, fmt=fmt)

    only_error(batch, vi("The file has a header row but no data."))


# --- Limits -----------------------------------------------------------------------


def padded_csv(size: int) -> bytes:
    """A valid file padded with empty lines at the end to exactly size bytes."""
    data = csv_text([UNIT_HEADER, unit_row("CB-A-N1", "Công đoàn A")]).encode()
    return data + b"\n" * (size - len(data))


@override_settings(UPLOAD_MAX_MB=1)
def test_file_over_the_size_limit(cast):
    limit = 1024 * 1024
    at_limit = check(cast.tree.a, UNITS, padded_csv(limit), cast.a_admin, name="a.csv")
    assert at_limit.status == ImportBatch.Status.CHECKED
    assert at_limit.notices == []

    over = check(cast.tree.a, UNITS, padded_csv(limit + 1), cast.a_admin, name="b.csv")

    only_error(over, vi("The file is larger than %(mb)d MB.", mb=1))


@override_settings(IMPORT_MAX_ROWS=3)
def test_more_rows_than_allowed(cast):
    rows = [unit_row(f"CB-A-N{i}", f"Công đoàn Trường {i}") for i in range(1, 5)]
    allowed = check_units(cast.tree.a, rows[:3], cast.a_admin)
    assert allowed.status == ImportBatch.Status.CHECKED

    batch = check_units(cast.tree.a, rows, cast.a_admin)

    only_error(
        batch,
        vi(
            "The file has %(count)d rows; at most %(limit)d can be imported at once.",
            count=4,
            limit=3,
        ),
    )


# --- Odd text ---------------------------------------------------------------------


def test_nul_bytes_inside_cells_are_dropped(cast):
    rows = [
        UNIT_HEADER,
        unit_row("CB-A-\x00N1", "Công đoàn\x00 Trường\x00 A\x00"),
    ]
    batch = check(cast.tree.a, UNITS, csv_bytes(rows), cast.a_admin, name="x.csv")

    assert batch.errors == []
    assert batch.rows[0]["code"] == "CB-A-N1"
    assert batch.rows[0]["name"] == "Công đoàn Trường A"
    batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert Unit.objects.get(code="CB-A-N1").name == "Công đoàn Trường A"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_decomposed_vietnamese_is_stored_composed(cast, fmt):
    decomposed = unicodedata.normalize("NFD", LONG_NAME)
    assert decomposed != LONG_NAME
    header = [unicodedata.normalize("NFD", title) for title in UNIT_HEADER]
    rows = [unit_row("CB-A-N1", decomposed, unicodedata.normalize("NFD", "Cấp trên"))]
    batch = check_units(cast.tree.a, rows, cast.a_admin, header=header, fmt=fmt)

    assert batch.errors == []
    assert batch.rows[0]["name"] == LONG_NAME
    assert batch.rows[0]["kind"] == "upper"
    before = counts()
    batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert counts()["units"] == before["units"] + 1
    unit = Unit.objects.get(code="CB-A-N1")
    assert unit.name == LONG_NAME
    assert Unit.objects.filter(name=LONG_NAME).count() == 1


def test_text_of_100000_characters_and_emoji(cast):
    huge = "Công đoàn " + "ắ" * 99_990
    rows = [
        UNIT_HEADER,
        unit_row("CB-A-N1", "Công đoàn Trường Hoa Mai 🌸"),
        unit_row("CB-A-N2", huge),
    ]
    batch = check(cast.tree.a, UNITS, csv_bytes(rows), cast.a_admin, name="x.csv")

    assert batch.errors == [
        problem(
            3,
            NAME,
            vi(
                "At most %(limit)d characters (this has %(count)d).",
                limit=255,
                count=100_000,
            ),
        )
    ]
    assert batch.rows[0]["name"] == "Công đoàn Trường Hoa Mai 🌸"
