"""Time the Gold Book print on a throwaway SQLite database, without PostgreSQL.

    python -m perf.goldbook_print [--entries 1000] [--sizes 100,200,400,1000]
                                  [--repeat 1] [--processes 2] [--profile]
                                  [--keep PATH]

Builds the demo data (units, requests, councils, decisions, the demo's Gold Books;
about 20 s) in a temporary SQLite file, writes a book of --entries entries with
long Vietnamese names and several authors each (bulk inserts, copies of a demo
recognition), then prints the first N entries of it for each size and reports
the seconds, in elapsed and in CPU time (this process and the children that
lay out the parts), the pages and the size of the file, once serial (one process)
and once in parts side by side (documents.parallel, PRINT_PROCESSES parts, at
every size), with the ratio of the two from the same run: on a shared machine a
ratio is steadier than either time. The print is the one the view makes
(goldbook.print_job.render for the whole book, goldbook.printing for the smaller
sizes). --profile adds the split of the largest print between the
template, WeasyPrint's layout and the PDF writer (cProfile). The database is
deleted at the end unless --keep names a file to keep it in.

`make bench` measures the same print through gunicorn on the national data.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

# Vietnamese names that are long, with many diacritics, to show a name broken
# inside or a column too narrow for it.
FAMILY = ["Nguyễn", "Trần", "Hoàng", "Phương", "Nông", "Triệu", "Lường", "Đặng"]
MIDDLE = ["Thị Ngọc", "Văn", "Thị Thuỳ", "Đức Nguyễn", "Hoàng Phương", "Thị Kiều"]
GIVEN = ["Ánh Nguyệt", "Quỳnh", "Thượng", "Phượng", "Khuyến", "Nghĩa", "Hường"]
TITLES = [
    "Ứng dụng phần mềm quản lý đoàn viên và thu đoàn phí trên điện thoại thông minh",
    "Cải tiến quy trình tiếp nhận, giải quyết kiến nghị của người lao động tại cơ sở",
    "Tủ sách pháp luật lưu động phục vụ công nhân khu công nghiệp và lao động tự do",
    "Mô hình bữa cơm ca bảo đảm dinh dưỡng với chi phí không đổi",
]
UNITS = [
    "Công đoàn Trường Trung học phổ thông Chuyên Cao Bằng",
    "Công đoàn cơ sở Công ty Cổ phần Khoáng sản và Luyện kim Cao Bằng",
    "Công đoàn Bệnh viện Đa khoa tỉnh Cao Bằng",
]
SUMMARY = (
    "Rút ngắn thời gian xử lý hồ sơ đoàn viên từ năm ngày xuống hai ngày, tiết "
    "kiệm khoảng 120 triệu đồng mỗi năm; được nhân rộng tại {n} đơn vị trong tỉnh."
)


def author_name(number: int, index: int) -> str:
    seed = number * 7 + index * 3
    return " ".join(
        (
            FAMILY[seed % len(FAMILY)],
            MIDDLE[(seed // 2) % len(MIDDLE)],
            GIVEN[(seed // 3) % len(GIVEN)],
        )
    )


def authors_of(number: int) -> list[dict]:
    count = 1 + number % 4
    shares = [100 // count] * count
    shares[0] += 100 - sum(shares)
    return [
        {"name": author_name(number, index), "share": f"{share:.2f}", "user_id": None}
        for index, share in enumerate(shares)
    ]


def build_book(entries: int):
    """A Gold Book of `entries` entries at a unit that had none, copied from a
    recognition of the demo (one request and council item per entry)."""
    from goldbook.models import GoldBook, GoldBookEntry
    from initiatives.models import CouncilItem, Initiative
    from units.models import Unit

    model = GoldBookEntry.objects.select_related("initiative", "council_item").first()
    if model is None:
        raise SystemExit("The demo data holds no Gold Book entry to copy.")
    unit = (
        Unit.objects.filter(gold_book__isnull=True, depth__gte=2)
        .order_by("path")
        .first()
    )
    book = GoldBook.objects.create(unit=unit, last_number=entries)
    initiatives = []
    for number in range(1, entries + 1):
        initiative = model.initiative
        initiative.pk = None
        initiative.title = f"{TITLES[number % len(TITLES)]} (số {number})"
        initiatives.append(Initiative(**_fields(initiative)))
    initiatives = Initiative.objects.bulk_create(initiatives, batch_size=500)
    items = []
    for initiative in initiatives:
        item = model.council_item
        values = _fields(item)
        values.update(id=None, initiative_id=initiative.pk)
        items.append(CouncilItem(**values))
    items = CouncilItem.objects.bulk_create(items, batch_size=500)
    rows = []
    for number, (initiative, item) in enumerate(
        zip(initiatives, items, strict=True), start=1
    ):
        values = _fields(model)
        values.update(
            id=None,
            book_id=book.pk,
            number=number,
            initiative_id=initiative.pk,
            council_item_id=item.pk,
            title=initiative.title,
            authors=authors_of(number),
            unit_name=UNITS[number % len(UNITS)],
            public_summary=SUMMARY.format(n=number % 40 + 2),
        )
        entry = GoldBookEntry(**values)
        entry.fill_derived()
        rows.append(entry)
    GoldBookEntry.objects.bulk_create(rows, batch_size=500)
    return book


def largest_book():
    from django.db.models import Count

    from goldbook.models import GoldBook

    return (
        GoldBook.objects.select_related("unit")
        .annotate(rows=Count("entries"))
        .order_by("-rows")
        .first()
    )


def _fields(instance) -> dict:
    """The stored values of a row, by attribute name (foreign keys as ids)."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
    }


def pages_of(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def cpu_time() -> float:
    """CPU seconds of this process and of its children that have ended (the
    processes that lay out the parts of a print are waited for)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_print(make, repeat: int) -> dict:
    """The best elapsed and CPU seconds of `repeat` prints, with the last PDF;
    for a print in parts, the CPU seconds of its largest part too."""
    best = cpu = None
    for _ in range(repeat):
        facts = {}
        started, started_cpu = time.perf_counter(), cpu_time()
        pdf = make(facts)
        elapsed, elapsed_cpu = time.perf_counter() - started, cpu_time() - started_cpu
        best = elapsed if best is None else min(best, elapsed)
        cpu = elapsed_cpu if cpu is None else min(cpu, elapsed_cpu)
    parts = facts.get("parts") or [{"layout_cpu": None}]
    largest = max((part["layout_cpu"] or 0) for part in parts)
    return {
        "seconds": round(best, 2),
        "cpu_seconds": round(cpu, 2),
        "largest_part_cpu": round(largest, 2) if largest else None,
        "pages": pages_of(pdf),
        "kilobytes": round(len(pdf) / 1024),
    }


def measure(book, sizes, repeat: int, out, processes: int | None = None) -> list[dict]:
    """Print the first N entries of the book for each size, serial (one process)
    and in parts (`processes`, by default the PRINT_PROCESSES setting, for every
    size), and report both and their ratio; the whole book goes through
    goldbook.print_job.render, as the view and the worker print it."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goldbook import print_job, printing

    processes = processes or max(settings.PRINT_PROCESSES, 2)
    entries = list(print_job.entries_to_print(book, None))
    saved = settings.PRINT_PROCESSES, settings.PRINT_PARALLEL_MIN_ROWS
    out.write(
        f"  serial, then in {processes} parts (the print's own setting: "
        f"PRINT_PROCESSES={saved[0]}, from {saved[1]} rows)\n"
    )
    results = []
    try:
        for size in sizes:
            count = min(size, len(entries))
            row = {"entries": count, "queries": None}
            for mode, workers in (("serial", 1), ("parts", processes)):
                settings.PRINT_PROCESSES = workers
                settings.PRINT_PARALLEL_MIN_ROWS = 1
                with CaptureQueriesContext(connection) as queries:
                    if size >= len(entries):
                        timed = time_print(
                            lambda facts: print_job.render(book, None, facts).data,
                            repeat,
                        )
                        row["queries"] = len(queries)
                    else:
                        timed = time_print(
                            lambda facts, size=size: printing.book_pdf(
                                book, entries[:size], None, facts=facts
                            ),
                            repeat,
                        )
                timed["ms_per_entry"] = round(timed["seconds"] * 1000 / count, 1)
                timed["cpu_ms_per_entry"] = round(
                    timed["cpu_seconds"] * 1000 / count, 1
                )
                row[mode] = timed
            row["ratio"] = round(row["parts"]["seconds"] / row["serial"]["seconds"], 2)
            row["cpu_ratio"] = round(
                row["parts"]["cpu_seconds"] / row["serial"]["cpu_seconds"], 2
            )
            results.append(row)
            serial, parts = row["serial"], row["parts"]
            out.write(
                f"  {count:>6,} entries  serial {serial['seconds']:>6.2f} s "
                f"(CPU {serial['cpu_seconds']:.2f} s, {serial['pages']} pages, "
                f"{serial['kilobytes']:,} KB)  in parts {parts['seconds']:>6.2f} s "
                f"(CPU {parts['cpu_seconds']:.2f} s, {parts['pages']} pages, "
                f"{parts['kilobytes']:,} KB, largest part "
                f"{parts['largest_part_cpu']} s CPU)  ratio {row['ratio']:.2f} "
                f"(CPU {row['cpu_ratio']:.2f})"
                + (f"  {row['queries']} queries" if row["queries"] is not None else "")
                + "\n"
            )
            out.flush()
    finally:
        settings.PRINT_PROCESSES, settings.PRINT_PARALLEL_MIN_ROWS = saved
    return results


def profile(book, out, dump: str | None = None) -> None:
    """Where the largest print spends its time, by stage."""
    from goldbook import print_job

    profiler = cProfile.Profile()
    profiler.enable()
    print_job.render(book, None)
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    stages = {
        "template (Django)": ("django/template/", "render_html"),
        "layout (WeasyPrint)": ("weasyprint/layout/", "layout_document"),
        "styles (WeasyPrint)": ("weasyprint/css/", "get_all_computed_styles"),
        "PDF (WeasyPrint)": ("weasyprint/pdf/", "generate_pdf"),
        "boxes (WeasyPrint)": ("weasyprint/formatting_structure/", "build_formatting"),
    }
    out.write(f"  profile of the whole print: {total:.1f} s (cProfile slows it)\n")
    for label, (folder, function) in stages.items():
        cumulative = max(
            (
                row[3]
                for (path, _line, name), row in stats.stats.items()
                if folder in path and name == function
            ),
            default=0.0,
        )
        if cumulative:
            out.write(
                f"    {label:<22} {cumulative:6.1f} s  {cumulative / total:4.0%}\n"
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument(
        "--sizes", default="100,200,400,1000", help="print sizes, comma separated"
    )
    parser.add_argument("--repeat", type=int, default=1, help="best of N per size")
    parser.add_argument(
        "--processes", type=int, help="parts of the print in parts (default: 2)"
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", help="also write the cProfile data here")
    parser.add_argument(
        "--keep",
        help="keep the SQLite database in this file; an existing one is used again",
    )
    args = parser.parse_args(argv)
    sizes = sorted({min(int(s), args.entries) for s in args.sizes.split(",") if s})

    folder = tempfile.TemporaryDirectory(prefix="goldbook-print-")
    database = Path(args.keep) if args.keep else Path(folder.name) / "db.sqlite3"
    reuse = database.exists()
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    out = sys.stdout
    started = time.perf_counter()
    if reuse:
        book = largest_book()
        out.write(f"Using the book of {book.last_number:,} entries in {database}.\n")
    else:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        book = build_book(args.entries)
        out.write(
            f"Built a book of {args.entries:,} entries in {database} "
            f"({time.perf_counter() - started:.0f} s).\n"
        )
    try:
        measure(book, sizes, args.repeat, out, args.processes)
        if args.profile or args.profile_out:
            profile(book, out, args.profile_out)
    finally:
        from django.db import connections

        connections.close_all()
        folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
