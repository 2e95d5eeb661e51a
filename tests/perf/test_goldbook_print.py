"""The quick local measure of the Gold Book print (perf/goldbook_print.py) and the
benchmark's Gold Book print target, on a small book built the same way: copies
of one real recognition, with long Vietnamese names."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goldbook import print_job
from perf import goldbook_print
from perf.targets import pages
from tests.goldbook.conftest import Gold
from tests.initiatives.pdf_helpers import page_count, pdf_raw_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def model_entry(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Gold(cast).entry()


def print_queries(book) -> int:
    with CaptureQueriesContext(connection) as queries:
        print_job.render(book, None)
    return len(queries)


def test_the_built_book_prints_every_entry_with_whole_names(model_entry):
    book = goldbook_print.build_book(12)
    assert book.entries.count() == book.last_number == 12
    pdf = print_job.render(book, None).data
    text = " ".join(pdf_raw_text(pdf).split())
    for number in range(1, 13):
        for author in goldbook_print.authors_of(number):
            assert author["name"] in text, author["name"]
    assert page_count(pdf) >= 2
    assert "Tổng số: 12 sáng kiến." in text


def test_the_print_s_queries_do_not_grow_with_the_entries(model_entry):
    small = goldbook_print.build_book(2)
    large = goldbook_print.build_book(14)
    assert print_queries(large) == print_queries(small)


def test_the_measure_reports_each_size_serial_and_in_parts(model_entry, settings):
    settings.PRINT_PROCESSES = 2
    settings.PRINT_PARALLEL_MIN_ROWS = 300
    book = goldbook_print.build_book(6)
    out = io.StringIO()
    rows = goldbook_print.measure(book, [3, 6], 1, out)
    assert [row["entries"] for row in rows] == [3, 6]
    for row in rows:
        for mode in ("serial", "parts"):
            assert row[mode]["seconds"] > 0 and row[mode]["cpu_seconds"] > 0
            assert row[mode]["pages"] >= 1 and row[mode]["kilobytes"] > 0
        assert row["serial"]["largest_part_cpu"] is None
        assert 0 < row["parts"]["largest_part_cpu"] < row["parts"]["cpu_seconds"]
        assert row["ratio"] == round(
            row["parts"]["seconds"] / row["serial"]["seconds"], 2
        )
    assert rows[0]["queries"] is None and rows[1]["queries"] > 0
    assert "in parts" in out.getvalue() and "ratio" in out.getvalue()
    # The settings of the print are left as they were.
    assert (settings.PRINT_PROCESSES, settings.PRINT_PARALLEL_MIN_ROWS) == (2, 300)


def test_a_book_past_the_threshold_is_printed_in_parts_the_same(model_entry, settings):
    book = goldbook_print.build_book(12)
    settings.PRINT_PROCESSES = 1
    serial = print_job.render(book, None).data
    settings.PRINT_PROCESSES = 2
    settings.PRINT_PARALLEL_MIN_ROWS = 10
    in_parts = print_job.render(book, None).data
    text = " ".join(pdf_raw_text(in_parts).split())
    for number in range(1, 13):
        for author in goldbook_print.authors_of(number):
            assert author["name"] in text, author["name"]
    assert text.count("Tổng số: 12 sáng kiến.") == 1
    pages = page_count(in_parts)
    assert pages >= page_count(serial)
    assert f"Trang {pages}/{pages}" in text


def test_the_bench_target_is_the_book_just_over_the_size(
    model_entry, cast, client_for, monkeypatch
):
    monkeypatch.setattr(pages, "BOOK_PRINT_ENTRIES", 10)
    goldbook_print.build_book(8)
    book = goldbook_print.build_book(11)
    target = pages.goldbook_print(cast.province_staff)
    assert target.kind == "print"
    assert target.budget == {"p95_ms": 10_000}
    assert target.url == reverse("goldbook:print", args=[book.unit_id])
    assert "11 entries" in target.note
    response = client_for(cast.province_staff).get(target.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
