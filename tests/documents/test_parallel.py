"""A long document laid out in parts by child processes (documents.parallel):
the children run without Django, load nothing but the static files the parent
maps for them, and a failed or slow child ends the print with an error instead
of a hang; each part's pages are numbered on from the part before, and the
parts are joined."""

import logging
import multiprocessing
from pathlib import Path

import pytest

from documents import assets, parallel
from documents.fetching import (
    STATIC_BASE_URL,
    FetchRefusedError,
    MappedStaticFetcher,
    allowed_type,
)
from documents.rendering import render_html
from tests.documents.conftest import flat, pdf_fonts, pdf_info, pdf_text

PAGE_STYLE = "documents/goldbook_print_style.html"


def page(text: str, pages: int = 1) -> str:
    body = "".join(
        f'<p style="break-before: {"page" if n else "auto"}">{text} {n + 1}</p>'
        for n in range(pages)
    )
    return (
        f'<html lang="vi"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    )


def stamp(first: int, count: int, total: int) -> str:
    return render_html(
        "documents/page_number_overlay.html",
        {
            "page_style": PAGE_STYLE,
            "pages": range(count),
            "numbers": {"first": first, "total": total},
        },
    )


@pytest.fixture(autouse=True)
def no_child_left():
    yield
    assert multiprocessing.active_children() == []


def test_rows_are_cut_in_order_into_runs_of_about_equal_weight():
    rows = list(range(10))
    runs = parallel.split_evenly(rows, 2)
    assert runs == [rows[:5], rows[5:]]
    heavy_first = parallel.split_evenly(rows, 2, weight=lambda r: 10 if r < 2 else 1)
    assert [len(run) for run in heavy_first] == [2, 8]
    assert parallel.split_evenly([1, 2], 5) == [[1], [2]]
    assert [len(run) for run in parallel.split_evenly(rows, 3)] == [4, 3, 3]
    assert [row for run in parallel.split_evenly(rows, 4) for row in run] == rows


def test_the_parts_are_laid_out_without_django_and_joined_with_page_numbers():
    facts = {}
    pdf = parallel.render_pdf_in_parts(
        lambda count: [page("Phần một, trang", 2), page("Phần hai, trang", 3)][:count],
        stamp,
        processes=2,
        timeout=120,
        facts=facts,
    )
    assert pdf_info(pdf)["Pages"] == "5"
    text = flat(pdf_text(pdf))
    assert text.index("Phần một, trang 2") < text.index("Phần hai, trang 1")
    for number in range(1, 6):
        assert f"Trang {number}/5" in flat(pdf_text(pdf, page=number))
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))
    assert {font["name"] for font in pdf_fonts(pdf)} >= {"Tinos"}
    assert sorted(part["index"] for part in facts["parts"]) == [0, 1]
    assert not any(part["django_loaded"] for part in facts["parts"])


def test_each_child_is_told_where_its_pages_begin_once_all_are_laid_out():
    asked = []

    def numbers(first, count, total):
        asked.append((first, count, total))
        return stamp(first, count, total)

    pdf = parallel.render_pdf_in_parts(
        lambda count: [page("Một", 3), page("Hai", 1), page("Ba", 2)],
        numbers,
        processes=3,
        timeout=120,
    )
    assert asked == [(1, 3, 6), (4, 1, 6), (5, 2, 6)]
    for number in range(1, 7):
        assert f"Trang {number}/6" in flat(pdf_text(pdf, page=number))


def test_page_numbers_of_the_wrong_length_fail_the_print():
    with pytest.raises(parallel.PartsPrintError, match="page numbers have 1 pages"):
        parallel.render_pdf_in_parts(
            lambda count: [page("Một", 2), page("Hai", 2)],
            lambda first, count, total: stamp(first, 1, total),
            processes=2,
            timeout=120,
        )


def test_a_child_fetches_nothing_outside_the_static_files():
    hostile = (
        '<img src="file:///etc/passwd">'
        '<img src="sangkien-static:///../../../../etc/passwd.png">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<img src="sangkien-static:///img/og.png">'
    )
    facts = {}
    pdf = parallel.render_pdf_in_parts(
        lambda count: [page(hostile + "Tệp lạ")],
        stamp,
        processes=1,
        timeout=120,
        facts=facts,
    )
    assert "Tệp lạ" in pdf_text(pdf)
    assert "root:" not in pdf_text(pdf)
    (part,) = facts["parts"]
    assert len(part["refused"]) == 3
    assert any("file:///etc/passwd" in url for url in part["refused"])
    assert any("passwd.png" in url for url in part["refused"])
    assert any("127.0.0.1" in url for url in part["refused"])
    assert not any("og.png" in url for url in part["refused"])


def test_the_child_s_fetcher_serves_only_the_mapped_static_files(tmp_path):
    files = assets.static_file_map(allowed_type)
    assert "css/print.css" in files and "fonts/Tinos-Regular.ttf" in files
    assert all(allowed_type(path) for path in files)
    secret = tmp_path / "secret.css"
    secret.write_text("body{}")
    fetcher = MappedStaticFetcher({"css/print.css": files["css/print.css"]})
    served = fetcher.fetch(STATIC_BASE_URL + "css/print.css")
    assert served is not None
    for url in (
        STATIC_BASE_URL + "fonts/Tinos-Regular.ttf",  # a static file, not mapped
        f"file://{secret}",
        STATIC_BASE_URL + "../" + Path(secret).name,
        "http://127.0.0.1:9/css/print.css",
        "sangkien-static://host/css/print.css",
    ):
        with pytest.raises(FetchRefusedError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_a_failing_child_raises_an_ordinary_error(monkeypatch):
    # The child is told of a stylesheet missing from its map: it fails at start.
    monkeypatch.setattr(assets, "static_file_map", lambda allowed: {})
    with pytest.raises(parallel.PartsPrintError, match="not in the map"):
        parallel.render_parts(
            lambda count: [page("x")] * count, processes=2, timeout=120
        )


def test_a_child_past_the_timeout_is_stopped_and_the_print_fails():
    with pytest.raises(parallel.PartsPrintError, match="not laid out within"):
        parallel.render_parts(
            lambda count: [page("x", 50)] * count, processes=2, timeout=0.05
        )


def test_a_failure_while_the_parts_are_rendered_stops_the_children():
    def broken(count):
        yield page("x")
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError, match="template error"):
        parallel.render_parts(broken, processes=2, timeout=120)


def test_the_children_s_pages_are_logged_for_a_job_s_progress():
    seen = []

    class Pages(logging.Handler):
        def emit(self, record):
            if record.msg == "Step 5 - Creating layout - Page %d":
                seen.append(record.args[0])

    log = logging.getLogger("weasyprint.progress")
    handler, level = Pages(), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        parallel.render_parts(
            lambda count: [page("a", 2), page("b", 3)],
            processes=2,
            timeout=120,
            numbers=stamp,
        )
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    # The pages of both parts together, counted up as they are laid out (the
    # pages of their numbers are not counted again).
    assert seen == sorted(seen)
    assert seen[-1] == 5
