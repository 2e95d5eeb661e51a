"""Where a print is made: the page estimates and the limit above which the
background worker makes it."""

import pytest

from awards import print_job as dossier_print
from goldbook import print_job as book_print
from jobs import prints


def test_the_gold_book_estimate_counts_six_entries_a_page_after_the_header():
    assert book_print.pages_for(0) == 1
    assert book_print.pages_for(1) == 2
    assert book_print.pages_for(6) == 2
    assert book_print.pages_for(7) == 3
    assert book_print.pages_for(1194) == 200
    assert book_print.pages_for(1195) == 201


def test_the_dossier_estimate_counts_nominees_decisions_and_records():
    # Contents, Tờ trình, excerpt; a table page per 15 nominees; two pages for
    # each summary, decision and record.
    assert dossier_print.pages_for(0) == 3
    assert dossier_print.pages_for(1) == 3 + 1 + 2
    assert dossier_print.pages_for(2, 2, 0) == 3 + 1 + 4 + 4
    assert dossier_print.pages_for(16, 10, 3) == 3 + 2 + 32 + 20 + 6
    assert dossier_print.pages_for(50, 50) == 3 + 4 + 100 + 100


@pytest.mark.parametrize(
    ("pages", "limit", "background"),
    [(200, 200, False), (201, 200, True), (2, 1, True), (1, 1, False)],
)
def test_more_pages_than_the_limit_go_to_the_worker(settings, pages, limit, background):
    settings.JOBS_PRINT_PAGE_LIMIT = limit
    assert prints.in_background(pages) is background


def test_the_limit_is_two_hundred_pages_by_default():
    from django.conf import settings

    assert settings.JOBS_PRINT_PAGE_LIMIT == 200
