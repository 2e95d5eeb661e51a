"""The header block: names as they were on the day, capitals with diacritics, the
date and number lines as Nghị định 30/2020 writes them."""

import datetime
import unicodedata

import pytest

from documents.header import (
    DocumentHeader,
    date_line,
    header_for,
    symbol_line,
    upper_vi,
    vietnamese_date,
)
from units.models import Unit
from units.services import unit_rename

D = datetime.date


def test_header_of_the_province(tree):
    header = header_for(tree.province, day=D(2019, 1, 16), symbol="05/TTr-LĐLĐ")
    assert header == DocumentHeader(
        parent_body="TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        issuer="LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG",
        symbol_line="Số: 05/TTr-LĐLĐ",
        date_line="Cao Bằng, ngày 16 tháng 01 năm 2019",
        place="Cao Bằng",
        day=D(2019, 1, 16),
        symbol="05/TTr-LĐLĐ",
    )


def test_parent_body_is_the_unit_above_not_the_issuer(tree):
    header = header_for(tree.a1, day=D(2026, 3, 2), symbol=None)
    assert header.parent_body == "CÔNG ĐOÀN NGÀNH GIÁO DỤC"
    assert header.issuer == "CÔNG ĐOÀN TRƯỜNG THPT CHUYÊN"
    assert header.parent_body != header.issuer


def test_a_root_has_no_parent_body(tree):
    header = header_for(tree.national, day=D(2026, 3, 2), symbol=None)
    assert header.parent_body == ""
    assert header.issuer == "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
    # No place anywhere above: the date line stands alone.
    assert header.date_line == "Ngày 02 tháng 3 năm 2026"


def test_place_falls_back_to_the_nearest_ancestor(tree):
    Unit.objects.filter(pk=tree.a1.pk).update(place_name="")
    Unit.objects.filter(pk=tree.a.pk).update(place_name="Hoà An")
    unit = Unit.objects.get(pk=tree.a1.pk)
    header = header_for(unit, day=D(2026, 3, 2), symbol=None)
    assert header.place == "Hoà An"
    assert header.date_line == "Hoà An, ngày 02 tháng 3 năm 2026"


def test_past_documents_keep_past_names(tree):
    unit_rename(
        unit=tree.a,
        name="Công đoàn Giáo dục tỉnh Cao Bằng",
        short_name="",
        abbreviation="CĐGD",
        effective_on=D(2025, 7, 1),
        actor=None,
    )
    unit = Unit.objects.get(pk=tree.a.pk)
    old = header_for(unit, day=D(2024, 5, 10), symbol=None, code="QĐ")
    new = header_for(unit, day=D(2025, 7, 1), symbol=None, code="QĐ")
    assert old.issuer == "CÔNG ĐOÀN NGÀNH GIÁO DỤC"
    assert new.issuer == "CÔNG ĐOÀN GIÁO DỤC TỈNH CAO BẰNG"
    assert old.symbol_line == "Số:       /QĐ"
    assert new.symbol_line == "Số:       /QĐ-CĐGD"
    # A unit below names its parent as it was on the day, too.
    child = Unit.objects.get(pk=tree.a1.pk)
    assert header_for(child, day=D(2024, 5, 10), symbol=None).parent_body == (
        "CÔNG ĐOÀN NGÀNH GIÁO DỤC"
    )
    assert header_for(child, day=D(2025, 8, 1), symbol=None).parent_body == (
        "CÔNG ĐOÀN GIÁO DỤC TỈNH CAO BẰNG"
    )


def test_a_body_of_the_unit_issues_under_the_units_name(tree):
    header = header_for(
        tree.province,
        day=D(2026, 3, 2),
        symbol="01/QĐ-HĐSK",
        issuer="Hội đồng sáng kiến",
    )
    assert header.parent_body == "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"
    assert header.issuer == "HỘI ĐỒNG SÁNG KIẾN"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (D(2019, 1, 16), "ngày 16 tháng 01 năm 2019"),
        (D(2020, 2, 3), "ngày 03 tháng 02 năm 2020"),
        (D(2020, 2, 29), "ngày 29 tháng 02 năm 2020"),
        (D(2020, 3, 15), "ngày 15 tháng 3 năm 2020"),
        (D(2020, 9, 9), "ngày 09 tháng 9 năm 2020"),
        (D(2020, 10, 10), "ngày 10 tháng 10 năm 2020"),
        (D(2020, 12, 31), "ngày 31 tháng 12 năm 2020"),
    ],
)
def test_dates_take_a_leading_zero_for_days_under_10_and_months_under_3(day, expected):
    assert vietnamese_date(day) == expected


def test_date_and_number_lines():
    assert (
        date_line("Cao Bằng", D(2019, 1, 16)) == "Cao Bằng, ngày 16 tháng 01 năm 2019"
    )
    assert symbol_line("05/TTr-LĐLĐ") == "Số: 05/TTr-LĐLĐ"
    assert symbol_line(None, code="TTr", abbreviation="LĐLĐ") == "Số:       /TTr-LĐLĐ"
    assert symbol_line(None) == "Số: ……"


def test_capitals_keep_every_diacritic():
    assert upper_vi("Liên đoàn Lao động tỉnh Cao Bằng") == (
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"
    )
    decomposed = unicodedata.normalize("NFD", "Công đoàn Trường Tiểu học Hoà Thuận")
    upper = upper_vi(decomposed)
    assert upper == "CÔNG ĐOÀN TRƯỜNG TIỂU HỌC HOÀ THUẬN"
    assert unicodedata.is_normalized("NFC", upper)
