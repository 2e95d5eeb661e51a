"""Time the request form's print with the worst text a person can type, on a
throwaway SQLite database, without PostgreSQL.

    python -m perf.long_text_print [--repeat 3] [--cases word,run,every]
                                   [--without-breaks] [--keep PATH]

Builds the demo data (about 20 s) in a temporary SQLite file, takes one of its
requests and, for each case, writes the case's text into the request and its
first author (straight to the database, past the forms' limits where a case
says so) and prints it as the view does (initiatives.printing.request_pdf,
confidential part included). Reports per case the best elapsed and CPU seconds
of --repeat prints, the pages and the size, and the ratio to the ordinary
request timed in the same run; the target (docs: quality bars) is 3 s for the
worst case. --without-breaks times the same prints without the places to break
that documents.breaking adds (the print as it was before them), under a time
limit of 120 s each. The database is deleted at the end unless --keep names a
file to keep it in.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# One word of 50,000 characters, Vietnamese letters with their marks.
WORD = ("ĐổiMớiSángTạoCôngĐoànViệtNam" * 2000)[:50_000]
# 100,000 characters without a space (twice the longest field a form takes).
RUN = ("Tiếtkiệmkhoảng200giờcôngmỗinăm;nhânrộngtại12đơnvị." * 2000)[:100_000]
# Every field at the longest its form takes, without a space.
LIMITS = {
    "title": 500,
    "essence": 50_000,
    "confidential_info": 20_000,
    "conditions": 20_000,
    "application_place": 500,
    "application_people": 5_000,
    "benefits_author": 20_000,
    "benefits_confirmation": 20_000,
}
AUTHOR_LIMITS = {"full_name": 150, "workplace": 300, "position": 150}


def letters(count: int, seed: str = "NguyễnThịPhươngThảo") -> str:
    return (seed * (count // len(seed) + 1))[:count]


# Each case: the request's fields and its first author's fields.
CASES = {
    "ordinary": ({}, {}),
    "word": (
        {"essence": WORD, "title": letters(500)},
        {"full_name": letters(150)},
    ),
    "run": (
        {"benefits_author": RUN, "title": letters(500)},
        {"full_name": letters(150)},
    ),
    "every": (
        {name: letters(size) for name, size in LIMITS.items()},
        {name: letters(size) for name, size in AUTHOR_LIMITS.items()},
    ),
}
LABELS = {
    "ordinary": "the demo's request as it is",
    "word": "one word of 50,000 characters (essence), 500 (title), 150 (author)",
    "run": "100,000 characters without spaces (benefits), 500 (title), 150 (author)",
    "every": "every text field at its form's limit, without spaces",
}


def apply_case(initiative, case: str):
    """The request with the case's texts written into it and its first author
    (returned fresh from the database)."""
    from initiatives.models import Author, Initiative

    fields, author_fields = CASES[case]
    if fields:
        Initiative.objects.filter(pk=initiative.pk).update(**fields)
    author = Author.objects.filter(initiative=initiative).order_by("pk").first()
    if author_fields and author is not None:
        Author.objects.filter(pk=author.pk).update(**author_fields)
    return Initiative.objects.select_related("unit", "recognizing_unit").get(
        pk=initiative.pk
    )


def cpu_time() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def pages_of(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def time_print(initiative, repeat: int) -> dict:
    """The best elapsed and CPU seconds of `repeat` prints of the request."""
    from initiatives import printing

    best = cpu = None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), cpu_time()
        pdf = printing.request_pdf(initiative, show_confidential=True)
        elapsed, used = time.perf_counter() - started, cpu_time() - started_cpu
        best = elapsed if best is None else min(best, elapsed)
        cpu = used if cpu is None else min(cpu, used)
    return {
        "seconds": round(best, 2),
        "cpu_seconds": round(cpu, 2),
        "pages": pages_of(pdf),
        "kilobytes": round(len(pdf) / 1024),
    }


def measure(initiative, cases, repeat: int, out, *, breaks: bool = True) -> list:
    """Print the request with each case's texts; the ordinary request first,
    for the ratio. Without `breaks`, as before documents.breaking (a print past
    120 s is reported as stopped)."""
    import contextlib
    from unittest import mock

    from documents import rendering, time_limit

    original = {
        name: getattr(initiative, name) for name in {*LIMITS, "benefits_author"}
    }
    author = initiative.authors.order_by("pk").first()
    author_original = {name: getattr(author, name) for name in AUTHOR_LIMITS}
    results = []
    ordinary = None
    stack = contextlib.ExitStack()
    if not breaks:
        stack.enter_context(mock.patch.object(rendering, "break_long_tokens", str))
        stack.enter_context(time_limit.time_limit(120))
    with stack:
        for case in ["ordinary", *[c for c in cases if c != "ordinary"]]:
            printed = apply_case(initiative, case)
            try:
                row = {"case": case, **time_print(printed, repeat)}
            except time_limit.PrintTimeLimitError as error:
                row = {"case": case, "stopped_after": error.seconds}
            finally:
                _restore(initiative, original, author, author_original)
            if case == "ordinary":
                ordinary = row.get("seconds")
            elif ordinary and "seconds" in row:
                row["ratio"] = round(row["seconds"] / ordinary, 1)
            results.append(row)
            out.write(_line(row) + "\n")
            out.flush()
    return results


def _restore(initiative, original, author, author_original) -> None:
    from initiatives.models import Author, Initiative

    Initiative.objects.filter(pk=initiative.pk).update(**original)
    Author.objects.filter(pk=author.pk).update(**author_original)


def _line(row: dict) -> str:
    label = f"  {row['case']:<9} {LABELS[row['case']]:<74}"
    if "stopped_after" in row:
        return f"{label} stopped at the time limit ({row['stopped_after']:.0f} s)"
    ratio = f"  {row['ratio']:>6.1f}× the ordinary" if "ratio" in row else ""
    return (
        f"{label} {row['seconds']:>6.2f} s (CPU {row['cpu_seconds']:.2f} s, "
        f"{row['pages']} pages, {row['kilobytes']:,} KB){ratio}"
    )


def demo_request():
    """A request of the demo with authors, the longest first."""
    from django.db.models import Count

    from initiatives.models import Initiative

    return (
        Initiative.objects.annotate(people=Count("authors"))
        .filter(people__gte=2)
        .select_related("unit", "recognizing_unit")
        .order_by("-people", "pk")
        .first()
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N per case")
    parser.add_argument(
        "--cases", default="word,run,every", help="cases, comma separated"
    )
    parser.add_argument(
        "--without-breaks",
        action="store_true",
        help="also time the prints without documents.breaking (slow)",
    )
    parser.add_argument(
        "--keep",
        help="keep the SQLite database in this file; an existing one is used again",
    )
    args = parser.parse_args(argv)
    cases = [case for case in args.cases.split(",") if case]
    unknown = [case for case in cases if case not in CASES]
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}")

    folder = tempfile.TemporaryDirectory(prefix="long-text-print-")
    database = Path(args.keep) if args.keep else Path(folder.name) / "db.sqlite3"
    reuse = database.exists()
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    out = sys.stdout
    try:
        if not reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            out.write(f"Built the demo data ({time.perf_counter() - started:.0f} s).\n")
        initiative = demo_request()
        out.write(
            f"The request form's print, best of {args.repeat} (target: 3 s for the "
            "worst case)\n"
        )
        measure(initiative, cases, args.repeat, out)
        if args.without_breaks:
            out.write("Without the places to break (as before), one print each\n")
            measure(initiative, cases, 1, out, breaks=False)
    finally:
        from django.db import connections

        connections.close_all()
        folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
