"""`make bench`: p50 and p95 of the key pages and prints, in one run, on gunicorn
and PostgreSQL, each also as a ratio to a bare page timed in the same run.

    python -m perf.bench --out perf-results/bench.json [--scale demo] [--samples 30]

Steps: prepare the database (perf.server), find the targets in its data
(perf.targets), sign the users in through sessions stored in the database,
start gunicorn with the X-Query-Count header on, then for each target a few
warm-up requests and N timed ones, one at a time, over one kept-alive
connection (so the same warm worker answers them, as it would a browser). Prints
a table, writes the same figures as JSON, and exits 1 if a target answered with
an error.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from perf.server import RESULTS_DIR, Gunicorn, HarnessError, ServerConfig, cpu_count

DEFAULT_OUT = RESULTS_DIR / "bench.json"
DEFAULT_SAMPLES = 30
# Warm-up requests and the share of the samples per kind of target: prints take
# seconds each, so they get fewer samples (their p95 is then close to the max).
WARMUP = {"page": 3, "pdf": 2, "print": 1}


def samples_for(kind: str, samples: int) -> int:
    if kind == "pdf":
        return max(5, samples // 3)
    if kind == "print":
        return max(3, samples // 6)
    return samples


# --- Figures ---------------------------------------------------------------------


def percentile(values, q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between the closest
    ranks, as numpy's default and spreadsheets' PERCENTILE.INC compute it."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float | None, bare: float | None) -> float | None:
    if value is None or not bare:
        return None
    return round(value / bare, 1)


def summarize(times_ms: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(times_ms, 50), 1),
        "p95_ms": round(percentile(times_ms, 95), 1),
        "min_ms": round(min(times_ms), 1),
        "max_ms": round(max(times_ms), 1),
    }


def budget_check(result: dict) -> list[str]:
    """What goes over the target's budget (docs/quality.md); empty when nothing."""
    budget = result.get("budget") or {}
    over = []
    if result.get("p95_ms") is None:
        return over
    if "p95_ms" in budget and result["p95_ms"] > budget["p95_ms"]:
        over.append(f"p95>{budget['p95_ms']}ms")
    if "ratio" in budget and (result.get("ratio_p95") or 0) > budget["ratio"]:
        over.append(f">{budget['ratio']}x bare")
    if "queries" in budget and (result.get("queries_max") or 0) > budget["queries"]:
        over.append(f">{budget['queries']} queries")
    return over


def with_ratios(results: list[dict]) -> list[dict]:
    """Add each figure's ratio to the bare page and the budget verdict."""
    bare = next((r for r in results if r["key"] == "bare" and r.get("p50_ms")), None)
    for result in results:
        result["ratio_p50"] = ratio(result.get("p50_ms"), bare and bare["p50_ms"])
        result["ratio_p95"] = ratio(result.get("p95_ms"), bare and bare["p95_ms"])
        if result.get("p95_ms") is not None and result.get("budget"):
            result["over_budget"] = budget_check(result)
        else:
            result["over_budget"] = None
    return results


def _ms(value) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _times(value) -> str:
    return "-" if value is None else f"{value:.1f}x"


def _size(value) -> str:
    if value is None:
        return "-"
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.1f} MB"
    return f"{value / 1024:.0f} KB"


def _queries(result) -> str:
    low, high = result.get("queries"), result.get("queries_max")
    if low is None:
        return "-"
    return str(low) if low == high else f"{low}-{high}"


def _budget(result) -> str:
    budget = result.get("budget") or {}
    parts = []
    if "p95_ms" in budget:
        parts.append(f"p95<={budget['p95_ms']:,}ms")
    if "ratio" in budget:
        parts.append(f"<={budget['ratio']}x")
    if "queries" in budget:
        parts.append(f"<={budget['queries']}q")
    if not parts:
        return ""
    verdict = result.get("over_budget")
    if verdict is None:
        return " ".join(parts)
    return " ".join(parts) + (
        "  ok" if not verdict else "  OVER: " + ", ".join(verdict)
    )


COLUMNS = [
    ("what", "<", lambda r: r["name"]),
    ("p50 ms", ">", lambda r: _ms(r.get("p50_ms"))),
    ("x bare", ">", lambda r: _times(r.get("ratio_p50"))),
    ("p95 ms", ">", lambda r: _ms(r.get("p95_ms"))),
    ("x bare", ">", lambda r: _times(r.get("ratio_p95"))),
    ("queries", ">", _queries),
    ("size", ">", lambda r: _size(r.get("bytes"))),
    ("n", ">", lambda r: str(r.get("samples") or "-")),
    ("budget (docs/quality.md)", "<", _budget),
]


def format_table(results: list[dict]) -> str:
    """The figures as a plain-text table, then what was measured and what was not."""
    measured = [r for r in results if r.get("p50_ms") is not None]
    rows = [[cell(r) for _title, _align, cell in COLUMNS] for r in measured]
    titles = [title for title, _align, _cell in COLUMNS]
    widths = [
        max(len(titles[i]), *(len(row[i]) for row in rows)) if rows else len(titles[i])
        for i in range(len(COLUMNS))
    ]

    def line(cells):
        return "  ".join(
            f"{text:{align}{width}}"
            for text, (_t, align, _c), width in zip(cells, COLUMNS, widths, strict=True)
        ).rstrip()

    lines = [line(titles), line(["-" * w for w in widths])]
    lines += [line(row) for row in rows]
    lines.append("")
    lines.append("Measured:")
    for r in measured:
        user = r.get("user") or "visitor"
        lines.append(f"  {r['key']:<15} {r['url']}  [{user}]  {r.get('note') or ''}")
    failed = [r for r in results if r.get("error")]
    if failed:
        lines.append("")
        lines.append("Errors:")
        for r in failed:
            lines.append(f"  {r['key']:<15} {r.get('url') or ''}  {r['error']}")
    missing = [r for r in results if not r.get("url")]
    if missing:
        lines.append("")
        lines.append("Not measured (no data for them):")
        for r in missing:
            lines.append(f"  {r['key']:<15} {r['name']}: {r.get('note') or ''}")
    return "\n".join(lines)


def write_json(report: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


# --- Measuring ------------------------------------------------------------------


class Browser:
    """One kept-alive HTTP connection to the server, reopened if it drops."""

    retryable = (
        http.client.RemoteDisconnected,
        http.client.CannotSendRequest,
        http.client.ResponseNotReady,
        ConnectionError,
    )

    def __init__(self, base_url: str, session_cookie: str = "sessionid"):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookie_name = session_cookie
        self.connection = None

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def get(self, path: str, session: str | None = None):
        """Return (status, headers, body, milliseconds) of one GET."""
        headers = {"User-Agent": "sangkien-bench", "Accept": "text/html,*/*"}
        if session:
            headers["Cookie"] = f"{self.cookie_name}={session}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=600
                )
            try:
                start = time.perf_counter()
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - start) * 1000
            except self.retryable:
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, response.headers, body, elapsed
        raise AssertionError("unreachable")


def problem(target, status: int, headers, body: bytes) -> str | None:
    """Why a response is not a measurable answer, or None when it is."""
    if status != 200:
        where = headers.get("Location")
        return f"HTTP {status}" + (f" to {where}" if where else "")
    content_type = headers.get("Content-Type", "")
    if target.kind in ("pdf", "print") and "application/pdf" not in content_type:
        return f"answered {content_type or 'no content type'}, not a PDF"
    return None


def measure(browser: Browser, target, session: str | None, samples: int) -> dict:
    result = {**target.as_dict(), "samples": 0}
    if not target.found:
        return result
    warmup = WARMUP.get(target.kind, 2)
    try:
        for _ in range(warmup):
            status, headers, body, _elapsed = browser.get(target.url, session)
            why = problem(target, status, headers, body)
            if why:
                result["error"] = why
                return result
        times, queries = [], []
        size = 0
        for _ in range(samples):
            status, headers, body, elapsed = browser.get(target.url, session)
            why = problem(target, status, headers, body)
            if why:
                result["error"] = why
                return result
            times.append(elapsed)
            size = len(body)
            if headers.get("X-Query-Count") is not None:
                queries.append(int(headers["X-Query-Count"]))
    except (OSError, http.client.HTTPException) as error:
        result["error"] = f"request failed: {error!r}"
        return result
    result.update(summarize(times))
    result["samples"] = len(times)
    result["bytes"] = size
    result["queries"] = min(queries) if queries else None
    result["queries_max"] = max(queries) if queries else None
    return result


def run(config: ServerConfig, *, samples: int, only: set[str], out=sys.stdout):
    from perf import server
    from perf.targets import pages, signin

    started = datetime.datetime.now(datetime.UTC)
    env = server.prepare(config, out)
    data = server.data_summary()
    found = pages.discover()
    if only:
        found = [t for t in found if t.key in only or t.key == "bare"]
    from django.conf import settings
    from django.db import connections

    sessions = signin.sessions_for(t.user for t in found if t.user)
    cookie_name = settings.SESSION_COOKIE_NAME
    connections.close_all()
    results = []
    try:
        with Gunicorn(config, env, log_name="gunicorn-bench.log").start(out) as app:
            browser = Browser(app.url, cookie_name)
            for target in found:
                count = samples_for(target.kind, samples)
                if target.found:
                    out.write(f"  {target.key:<15} {count:>3} samples  {target.url}\n")
                    out.flush()
                results.append(
                    measure(browser, target, sessions.get(target.user), count)
                )
            browser.close()
    finally:
        signin.forget_sessions(sessions.values())
        connections.close_all()
    with_ratios(results)
    report = {
        "generated_at": started.isoformat(timespec="seconds"),
        "duration_s": round(
            (datetime.datetime.now(datetime.UTC) - started).total_seconds(), 1
        ),
        "scale": config.scale,
        "database": config.public_database_url(),
        "data": data,
        "server": {
            "wsgi": "gunicorn",
            "worker_class": "gthread",
            "workers": config.workers,
            "threads": config.threads,
            "debug": False,
            "query_count_header": True,
        },
        "machine": {
            "cpus": cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "samples": {
            kind: samples_for(kind, samples) for kind in ("page", "pdf", "print")
        },
        "warmup": WARMUP,
        "targets": results,
    }
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.environ.get("OUT") or str(DEFAULT_OUT))
    parser.add_argument("--scale", default=os.environ.get("SCALE") or "national")
    parser.add_argument(
        "--samples",
        type=int,
        default=int(os.environ.get("SAMPLES") or DEFAULT_SAMPLES),
        help="timed requests per page (PDFs and prints take fewer)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated target keys (the bare page always)"
    )
    args = parser.parse_args(argv)
    if args.samples < 2:
        parser.error("--samples must be at least 2")
    try:
        config = ServerConfig.from_environment(scale=args.scale, query_count=True)
        report = run(
            config,
            samples=args.samples,
            only={k.strip() for k in args.only.split(",") if k.strip()},
        )
    except HarnessError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    data = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in report["data"].items())
    server = report["server"]
    print()
    print(
        f"Bench on {report['scale']} data ({data}); gunicorn {server['workers']} "
        f"workers x {server['threads']} threads on {report['machine']['cpus']} CPUs."
    )
    print()
    print(format_table(report["targets"]))
    write_json(report, Path(args.out))
    print()
    print(f"Written to {args.out}")
    return 1 if any(r.get("error") for r in report["targets"]) else 0


if __name__ == "__main__":
    sys.exit(main())
