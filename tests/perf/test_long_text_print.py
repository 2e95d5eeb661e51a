"""The measure of the request form's print with the worst text a person can type
(perf/long_text_print.py): its cases reach the print, and it reports each
case with its pages and its ratio to the ordinary request. No time is
asserted: the measure reports it."""

import io

import pytest

from initiatives import printing
from initiatives.models import Initiative
from perf import long_text_print
from tests.documents.test_long_text import assert_read_back
from tests.initiatives.factories import author_data, make_request
from tests.initiatives.pdf_helpers import page_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_request(
        cast.a1_member,
        cast.tree.a1,
        cast.tree.a,
        authors=[
            author_data(cast.a1_member, share="50"),
            author_data(share="50", full_name="Hoàng Văn Bình Minh"),
        ],
    )


def test_the_cases_are_the_worst_a_form_takes_and_more():
    word_fields, word_author = long_text_print.CASES["word"]
    assert len(word_fields["essence"]) == 50_000 and " " not in word_fields["essence"]
    run_fields, _ = long_text_print.CASES["run"]
    assert len(run_fields["benefits_author"]) == 100_000
    every, every_author = long_text_print.CASES["every"]
    assert set(every) == set(long_text_print.LIMITS)
    assert all(" " not in value for value in every.values())
    assert len(every_author["full_name"]) == 150 == len(word_author["full_name"])


def test_a_case_is_written_into_the_request_and_its_first_author(request_):
    printed = long_text_print.apply_case(request_, "word")
    assert printed.essence == long_text_print.WORD
    first = printed.authors.order_by("pk").first()
    assert first.full_name == long_text_print.CASES["word"][1]["full_name"]
    pdf = printing.request_pdf(printed, show_confidential=True)
    assert_read_back(pdf, long_text_print.WORD)
    assert page_count(pdf) < 40


def test_the_measure_reports_every_case_and_puts_the_request_back(request_):
    before = Initiative.objects.values().get(pk=request_.pk)
    out = io.StringIO()
    rows = long_text_print.measure(request_, ["word"], 1, out)
    assert [row["case"] for row in rows] == ["ordinary", "word"]
    ordinary, word = rows
    assert ordinary["seconds"] > 0 and ordinary["pages"] >= 1
    assert word["pages"] > ordinary["pages"]
    assert word["ratio"] > 0
    assert "one word of 50,000 characters" in out.getvalue()
    assert Initiative.objects.values().get(pk=request_.pk) == before
