"""Numbers per series (issuer × code × year) are consecutive, unique and gap-free,
restart every 1 January, and are printed with a leading zero under 10."""

import threading
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from documents.header import format_symbol
from documents.models import IssuedDocument, NumberSeries
from documents.services import series_next_number
from tests.factories import make_unit
from units.models import Unit


def take(unit, code="TTr", year=2026):
    with transaction.atomic():
        return series_next_number(unit=unit, code=code, year=year)


def test_numbers_in_one_series_are_consecutive(tree):
    assert [take(tree.province) for _ in range(3)] == [1, 2, 3]
    series = NumberSeries.objects.get()
    assert (series.unit, series.code, series.year, series.last_number) == (
        tree.province,
        "TTr",
        2026,
        3,
    )


def test_each_unit_code_and_year_has_its_own_series(tree):
    assert take(tree.province, "TTr") == 1
    assert take(tree.province, "TTr") == 2
    assert take(tree.a, "TTr") == 1  # another issuer
    assert take(tree.province, "QĐ") == 1  # another type of document
    assert take(tree.province, "QĐ-HĐSK") == 1  # the council's named series
    assert take(tree.province, "TTr", year=2025) == 1  # another year
    assert take(tree.province, "TTr") == 3
    assert NumberSeries.objects.count() == 5


def test_numbers_restart_on_the_first_of_january(tree):
    assert [take(tree.province, year=2026) for _ in range(4)] == [1, 2, 3, 4]
    assert take(tree.province, year=2027) == 1
    assert take(tree.province, year=2027) == 2
    assert take(tree.province, year=2026) == 5


def test_a_rolled_back_number_is_given_back(tree):
    assert take(tree.province) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert series_next_number(unit=tree.province, code="TTr", year=2026) == 2
        raise RuntimeError("the document could not be made")
    assert take(tree.province) == 2


def test_code_is_normalised_and_checked(tree):
    decomposed = unicodedata.normalize("NFD", "KH-TƯ")
    assert take(tree.province, code=f"  {decomposed} ") == 1
    assert NumberSeries.objects.get().code == "KH-TƯ"
    for bad in ["", "  ", "TTr/LĐLĐ", "T Tr", "-TTr", "TTr-"]:
        with pytest.raises(ValidationError) as error:
            take(tree.province, code=bad)
        assert "code" in error.value.message_dict
    with pytest.raises(ValidationError):
        take(tree.province, year=1989)


@pytest.mark.parametrize(
    ("number", "code", "abbreviation", "symbol"),
    [
        (5, "TTr", "LĐLĐ", "05/TTr-LĐLĐ"),
        (12, "QĐ", "LĐLĐ", "12/QĐ-LĐLĐ"),
        (1, "BB", "LĐLĐ", "01/BB-LĐLĐ"),
        (9, "TB", "LĐLĐ", "09/TB-LĐLĐ"),
        (10, "TB", "LĐLĐ", "10/TB-LĐLĐ"),
        (123, "BC", "CĐGD", "123/BC-CĐGD"),
        (1, "QĐ-HĐSK", "", "01/QĐ-HĐSK"),
    ],
)
def test_symbol_format(number, code, abbreviation, symbol):
    assert format_symbol(number, code, abbreviation) == symbol


def test_symbol_refuses_number_zero():
    with pytest.raises(ValueError):
        format_symbol(0, "TTr", "LĐLĐ")


def test_the_database_refuses_a_second_series_or_a_number_used_twice(tree):
    NumberSeries.objects.create(unit=tree.province, code="TTr", year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        NumberSeries.objects.create(unit=tree.province, code="TTr", year=2026)
    series = NumberSeries.objects.get()
    IssuedDocument.objects.create(
        series=series,
        number=1,
        kind="submission",
        title="Tờ trình",
        symbol="01/TTr-LĐLĐ",
        issued_on="2026-01-05",
        file="documents/2026/a.pdf",
        sha256="0" * 64,
        size=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedDocument.objects.create(
            series=series,
            number=1,
            kind="submission",
            title="Tờ trình",
            symbol="01/TTr-LĐLĐ",
            issued_on="2026-01-06",
            file="documents/2026/b.pdf",
            sha256="0" * 64,
            size=1,
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_each_number_exactly_once():
    """20 callers, each in its own transaction, get 1..20 exactly once.

    On PostgreSQL they run in parallel threads, racing even to create the series
    row; the row lock makes them wait. SQLite's test database lives in memory and
    serialises writers, so there the same property is checked one after another.
    """
    unit = make_unit(None, Unit.Kind.PROVINCE, "CC", "Liên đoàn Lao động tỉnh CC")
    callers = 20
    numbers, errors = [], []

    def call():
        with transaction.atomic():
            numbers.append(series_next_number(unit=unit, code="QĐ", year=2026))

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(callers)

        def worker():
            try:
                barrier.wait(timeout=30)
                call()
            except Exception as error:  # reported below, with the numbers
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(callers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
    else:
        for _ in range(callers):
            call()

    assert errors == []
    assert sorted(numbers) == list(range(1, callers + 1))
    series = NumberSeries.objects.get(unit=unit, code="QĐ", year=2026)
    assert series.last_number == callers
