"""The benchmark's arithmetic and output on fixed numbers, the form reader of the
load test, and the guards of the server preparation (no server started)."""

import json

import pytest

from perf import bench, load
from perf.forms import csrf_token, find_form, forms_in
from perf.server import HarnessError, ServerConfig, check_database_name
from perf.targets.pages import book_print_choice, search_phrase

# --- Percentiles and ratios ---------------------------------------------------------


def test_percentile_interpolates_between_ranks():
    values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]  # order does not matter
    assert bench.percentile(values, 50) == 5.5
    assert bench.percentile(values, 95) == pytest.approx(9.55)
    assert bench.percentile(values, 0) == 1
    assert bench.percentile(values, 100) == 10


def test_percentile_of_one_value_is_that_value():
    assert bench.percentile([42.0], 50) == 42.0
    assert bench.percentile([42.0], 95) == 42.0


def test_percentile_refuses_nonsense():
    with pytest.raises(ValueError):
        bench.percentile([], 50)
    with pytest.raises(ValueError):
        bench.percentile([1, 2], 101)


def test_summarize_and_ratio():
    figures = bench.summarize([2.0, 4.0, 6.0, 8.0, 100.0])
    assert figures == {"p50_ms": 6.0, "p95_ms": 81.6, "min_ms": 2.0, "max_ms": 100.0}
    assert bench.ratio(12.0, 4.0) == 3.0
    assert bench.ratio(10.0, 3.0) == 3.3
    assert bench.ratio(None, 4.0) is None
    assert bench.ratio(5.0, 0) is None


def test_samples_per_kind():
    assert bench.samples_for("page", 30) == 30
    assert bench.samples_for("pdf", 30) == 10
    assert bench.samples_for("print", 30) == 5
    assert bench.samples_for("print", 2) == 3


# --- The table and the JSON ---------------------------------------------------------


def results():
    return [
        {
            "key": "bare",
            "name": "bare page",
            "url": "/about/",
            "user": None,
            "kind": "page",
            "note": "the yardstick",
            "budget": {},
            "samples": 30,
            "p50_ms": 2.0,
            "p95_ms": 4.0,
            "queries": 0,
            "queries_max": 0,
            "bytes": 3000,
        },
        {
            "key": "list",
            "name": "request list",
            "url": "/initiatives/",
            "user": "thidua.tinh",
            "kind": "page",
            "note": "15 requests visible",
            "budget": {"p95_ms": 150, "ratio": 4, "queries": 12},
            "samples": 30,
            "p50_ms": 7.0,
            "p95_ms": 20.0,
            "queries": 9,
            "queries_max": 9,
            "bytes": 27_000,
        },
        {
            "key": "report",
            "name": "movement report",
            "url": "/awards/report/",
            "user": "thidua.tinh",
            "kind": "page",
            "note": "",
            "budget": {"p95_ms": 300, "queries": 12},
            "samples": 30,
            "p50_ms": 150.0,
            "p95_ms": 400.0,
            "queries": 13,
            "queries_max": 14,
            "bytes": 2_500_000,
        },
        {
            "key": "list_deep",
            "name": "request list, deep page",
            "url": None,
            "user": "thidua.tinh",
            "kind": "page",
            "note": "one page only, no deep page",
            "budget": {},
            "samples": 0,
        },
        {
            "key": "request_pdf",
            "name": "request PDF",
            "url": "/initiatives/1/pdf/",
            "user": "thidua.tinh",
            "kind": "pdf",
            "note": "",
            "budget": {"p95_ms": 300},
            "samples": 0,
            "error": "HTTP 302 to /accounts/login/",
        },
    ]


def test_ratios_and_budget_verdicts():
    rows = {r["key"]: r for r in bench.with_ratios(results())}
    assert rows["bare"]["ratio_p50"] == 1.0 and rows["bare"]["ratio_p95"] == 1.0
    assert rows["list"]["ratio_p50"] == 3.5
    assert rows["list"]["ratio_p95"] == 5.0
    assert rows["list"]["over_budget"] == [">4x bare"]
    assert rows["report"]["over_budget"] == ["p95>300ms", ">12 queries"]
    assert rows["list_deep"]["ratio_p50"] is None
    assert rows["list_deep"]["over_budget"] is None


def test_table_shows_each_figure_its_ratio_and_queries():
    table = bench.format_table(bench.with_ratios(results()))
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["what", "p50", "ms"]
    list_line = next(line for line in lines if line.startswith("request list "))
    assert list_line.split()[2:8] == ["7.0", "3.5x", "20.0", "5.0x", "9", "26"]
    assert "OVER: >4x bare" in list_line
    report_line = next(line for line in lines if line.startswith("movement report"))
    assert "150" in report_line and "400" in report_line and "13-14" in report_line
    assert "2.4 MB" in report_line
    assert "Not measured (no data for them):" in lines
    assert any("one page only, no deep page" in line for line in lines)
    assert "Errors:" in lines
    assert any("HTTP 302 to /accounts/login/" in line for line in lines)


def test_json_holds_the_same_figures(tmp_path):
    rows = bench.with_ratios(results())
    path = tmp_path / "out" / "bench.json"
    bench.write_json({"scale": "demo", "targets": rows}, path)
    written = json.loads(path.read_text())
    assert written["targets"][1]["ratio_p95"] == 5.0
    assert written["targets"][1]["queries"] == 9
    assert written["targets"][3]["url"] is None


def test_load_summary_on_fixed_figures():
    report = {
        "users": 50,
        "run_time": "20s",
        "total": {
            "requests": 3000,
            "failures": 3,
            "rps": 150.0,
            "p50_ms": 120,
            "p95_ms": 480,
        },
        "failure_rate": 0.001,
        "steps": [
            {
                "name": "browse: home",
                "method": "GET",
                "requests": 2000,
                "failures": 0,
                "rps": 100.0,
                "p50_ms": 100,
                "p95_ms": 300,
                "max_ms": 900,
            },
            {
                "name": "vote: cast ballot",
                "method": "POST",
                "requests": 1000,
                "failures": 3,
                "rps": 50.0,
                "p50_ms": 150,
                "p95_ms": 1200,
                "max_ms": 2500,
            },
        ],
        "failures": [
            {
                "name": "vote: cast ballot",
                "method": "POST",
                "error": "HTTP 403",
                "count": 3,
            }
        ],
        "missing": {"score": "no council item open for scoring"},
    }
    text = load.format_summary(report)
    assert text.splitlines()[0] == (
        "50 users, 20s: 3,000 requests, 150.0 requests/s, p50 120 ms, p95 480 ms, "
        "3 failures (0.10%)"
    )
    assert "vote: cast ballot" in text and "1,200" in text
    assert "3 x POST vote: cast ballot: HTTP 403" in text
    assert "score: no council item open for scoring" in text


# --- Reading forms as a browser submits them ---------------------------------------

PAGE = """
<form action="/i18n/setlang/" method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN1">
</form>
<form method="post" action="">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN2">
  <input type="text" name="title" maxlength="500" required>
  <select name="kind"><option value="initiative" selected>Sáng kiến</option>
    <option value="research">Đề tài</option></select>
  <select name="field"><option value="">—</option><option value="3">Giáo dục
  </select>
  <select name="level"><option>grassroots<option selected>upper</select>
  <textarea name="essence">
Dòng một &amp; hai</textarea>
  <input type="checkbox" name="state_funded">
  <input type="checkbox" name="mine" value="1" checked>
  <input type="text" name="off" disabled value="x">
  <input type="submit" name="go" value="Save">
  <template><input type="text" name="authors-__prefix__-person"></template>
  <input type="text" name="authors-0-share" value="100">
</form>
"""


def test_forms_are_read_as_a_browser_submits_them():
    first, second = forms_in(PAGE)
    assert first.action == "/i18n/setlang/" and first.method == "post"
    assert second.data() == {
        "csrfmiddlewaretoken": "TOKEN2",
        "title": "",
        "kind": "initiative",
        "field": "",
        "level": "upper",
        "essence": "Dòng một & hai",
        "mine": "1",
        "authors-0-share": "100",
    }
    assert second.options["field"] == ["", "3"]
    assert second.options["level"] == ["grassroots", "upper"]


def test_find_form_and_csrf_token():
    form = find_form(PAGE, field="title")
    assert form is not None and form.data(title="X")["title"] == "X"
    assert find_form(PAGE, action="/setlang/").fields[0][1] == "TOKEN1"
    assert find_form(PAGE, field="nothing") is None
    assert csrf_token(PAGE) == "TOKEN1"
    assert csrf_token("<p>no form</p>") is None


# --- Choices made from the data -------------------------------------------------------


def test_search_phrase_is_the_commonest_pair_of_words_without_accents():
    titles = [
        "Ứng dụng phần mềm quản lý đoàn viên",
        "Phần mềm quản lý hồ sơ",
        "Sổ tay công đoàn",
    ]
    assert search_phrase(titles) == "mem quan"
    assert search_phrase([]) == ""


def test_book_print_choice_prefers_the_print_just_over_a_thousand_entries():
    counts = [(1, None, 2500), (1, 2025, 1200), (1, 2024, 1300), (2, None, 900)]
    assert book_print_choice(counts) == (1, 2025, 1200)
    assert book_print_choice([(2, None, 900), (2, 2025, 900), (3, None, 10)]) == (
        2,
        None,
        900,
    )
    assert book_print_choice([]) is None


# --- Server preparation guards ---------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sangkien", "sangkien_local", "sangkien_jobs", "postgres", "test_x", ""]
)
def test_the_harness_never_touches_other_peoples_databases(name):
    with pytest.raises(HarnessError):
        check_database_name(name)


def test_server_environment_is_production_like_over_plain_http(tmp_path):
    config = ServerConfig(
        database_url="postgres://postgres@127.0.0.1:5432/sangkien_benchtest",
        scale="demo",
        media_root=tmp_path / "media",
        static_root=tmp_path / "static",
        query_count=True,
    )
    env = config.environment()
    assert env["DEBUG"] == "0"
    assert len(env["SECRET_KEY"]) >= 50
    assert env["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert env["SECURE_SSL_REDIRECT"] == "0"
    assert env["QUERY_COUNT_HEADER"] == "1"
    assert env["STATIC_ROOT"] == str(tmp_path / "static")
    assert config.workers >= 2 and config.threads >= 1
    assert config.public_database_url().endswith("/sangkien_benchtest")
    assert (
        ServerConfig(scale="demo").secret_key != ServerConfig(scale="demo").secret_key
    )


def test_each_scale_has_its_own_database_unless_told(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    assert ServerConfig.from_environment(scale="national").database_name == (
        "sangkien_bench"
    )
    assert ServerConfig.from_environment(scale="demo").database_name == (
        "sangkien_bench_demo"
    )
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://u@h:5432/mine")
    assert ServerConfig.from_environment(scale="tiny").database_name == "mine"


def test_unknown_scale_is_refused():
    with pytest.raises(HarnessError):
        ServerConfig(scale="galactic")
