"""Time the imports of units and people on a throwaway SQLite database.

    python -m perf.imports [--units 35000] [--people 35000] [--out FILE.json]
                           [--profile] [--profile-out DIR] [--keep PATH]

Migrates a temporary SQLite file, builds a national union and one province
under it, writes an .xlsx of --units units (upper-level unions under the
province, grassroots unions under them, about 25 each, with long Vietnamese
names) and one of --people people spread over those grassroots unions, then
checks and applies each file as the import pages do (units.imports.batches)
and reports the seconds of each step. As a yardstick measured in the same run,
it times a loop of 2,000 single-row queries and the reading of each file
alone; the ratios to them are steadier than the seconds on a shared machine.
--out also writes the figures as JSON. --profile prints where each apply
spends its time (cProfile). The database is deleted at the end unless --keep
names a file to keep it in.

`make bench-imports` (and `make bench` after the pages) runs it at 35,000 rows
of each. The target is a check and an apply of 35,000 rows each within 60 s.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

FAMILY = ["Nguyễn", "Trần", "Hoàng", "Phương", "Nông", "Triệu", "Lường", "Đặng"]
MIDDLE = ["Thị Ngọc", "Văn", "Thị Thuỳ", "Đức Nguyễn", "Hoàng Phương", "Thị Kiều"]
GIVEN = ["Ánh Nguyệt", "Quỳnh", "Thượng", "Phượng", "Khuyến", "Nghĩa", "Hường"]
PLACES = ["Hòa An", "Trùng Khánh", "Quảng Hòa", "Bảo Lạc", "Nguyên Bình", "Hà Quảng"]
WORKPLACES = [
    "Trường Trung học phổ thông Chuyên",
    "Công ty Cổ phần Khoáng sản và Luyện kim",
    "Bệnh viện Đa khoa khu vực",
    "Trường Mầm non Sơn Ca",
    "Hợp tác xã Nông nghiệp và Dịch vụ tổng hợp",
]
PER_UPPER = 25  # grassroots unions under each upper-level union
PROVINCE = "PV"


def person_name(number: int) -> str:
    seed = number * 7
    return " ".join(
        (
            FAMILY[seed % len(FAMILY)],
            MIDDLE[(seed // 3) % len(MIDDLE)],
            GIVEN[(seed // 11) % len(GIVEN)],
        )
    )


def unit_rows(count: int) -> list[list]:
    """Upper-level unions under the province, grassroots unions under them."""
    rows = []
    upper = None
    for number in range(1, count + 1):
        if upper is None or (number - 1) % (PER_UPPER + 1) == 0:
            place = PLACES[number % len(PLACES)]
            upper = f"{PROVINCE}-U{number:05d}"
            rows.append(
                [
                    upper,
                    f"Công đoàn cấp trên cơ sở xã {place} số {number}",
                    f"CĐ xã {place} {number}",
                    "Công đoàn cấp trên cơ sở",
                    PROVINCE,
                    "CĐ",
                    place,
                    "01/07/2025",
                ]
            )
            continue
        workplace = WORKPLACES[number % len(WORKPLACES)]
        rows.append(
            [
                f"{upper}-{number:05d}",
                f"Công đoàn cơ sở {workplace} {place} số {number}",
                "",
                "Công đoàn cơ sở",
                upper,
                "CĐCS",
                "",
                "05/09/2010" if number % 3 else "",
            ]
        )
    return rows


def people_rows(count: int, unit_codes: list[str]) -> list[list]:
    rows = []
    for number in range(1, count + 1):
        rows.append(
            [
                unit_codes[number % len(unit_codes)],
                person_name(number),
                f"nv{number:06d}",
                f"nv{number:06d}@example.vn",
                f"0912 {number:06d}",
                "15/03/1985",
                "Kỹ sư Khai thác mỏ",
                "Đoàn viên",
                "",
                "",
            ]
        )
    return rows


def workbook(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def setup_tree():
    from units.models import Unit, UnitKind, User

    actor = User.objects.create_superuser(
        username="perf.admin", email="perf@example.vn", password=None
    )
    root = Unit.objects.add_root(
        instance=Unit(
            code="TLD",
            kind=UnitKind.NATIONAL,
            name="Tổng Liên đoàn Lao động Việt Nam",
            place_name="Hà Nội",
        )
    )
    province = Unit.objects.add_child(
        root,
        instance=Unit(
            code=PROVINCE,
            kind=UnitKind.PROVINCE,
            name="Liên đoàn Lao động tỉnh Cao Bằng",
            place_name="Cao Bằng",
        ),
    )
    return actor, province


def yardstick(queries: int = 2000) -> float:
    """Seconds for a loop of single-row queries: the machine's pace today."""
    from units.models import Unit

    pks = list(Unit.objects.values_list("pk", flat=True)[:50])
    started = time.perf_counter()
    for number in range(queries):
        Unit.objects.filter(pk=pks[number % len(pks)]).first()
    return time.perf_counter() - started


def _print_profile(profiler, title: str, out, dump: str | None, step: str) -> None:
    out.write(f"--- Profile of the {title} ---\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(15)
    if dump:
        stats.dump_stats(f"{dump}-{step}.prof")


def time_import(kind, data: bytes, unit, actor, profile: bool, out, dump=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from units.imports import batches
    from units.imports.columns import COLUMNS
    from units.imports.reading import read_table

    started = time.perf_counter()
    read_table(data, COLUMNS[kind])
    reading = time.perf_counter() - started

    upload = SimpleUploadedFile(f"{kind}.xlsx", data)
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    started = time.perf_counter()
    batch = batches.check_upload(unit=unit, kind=kind, upload=upload, actor=actor)
    check = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        _print_profile(profiler, f"{kind} check ({check:.2f} s)", out, dump, "check")
    if batch.errors:
        raise SystemExit(f"The {kind} file has problems: {batch.errors[:3]}")

    if profiler is not None:
        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    batch = batches.apply_batch(batch=batch, actor=actor)
    apply = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        _print_profile(profiler, f"{kind} apply ({apply:.2f} s)", out, dump, "apply")
    if batch.status != "applied":
        raise SystemExit(f"The {kind} batch was not applied: {batch.errors[:3]}")
    return {"read": reading, "check": check, "apply": apply, "rows": len(batch.rows)}


def run(units: int, people: int, profile: bool, out, profile_out=None) -> dict:
    """Build the tree, then time both imports; return the measures."""
    from units.imports.columns import PEOPLE_COLUMNS, UNIT_COLUMNS
    from units.models import ImportBatch

    actor, province = setup_tree()
    unit_data = unit_rows(units)
    files = {
        ImportBatch.Kind.UNITS: workbook([c.label for c in UNIT_COLUMNS], unit_data),
    }
    grassroots = [row[0] for row in unit_data if row[3] == "Công đoàn cơ sở"]
    files[ImportBatch.Kind.PEOPLE] = workbook(
        [c.label for c in PEOPLE_COLUMNS], people_rows(people, grassroots)
    )
    queries = 2000
    results = {"yardstick_s": yardstick(queries), "yardstick_queries": queries}
    for kind, data in files.items():
        dump = None
        if profile_out:
            dump = str(Path(profile_out) / kind)
        results[kind] = time_import(kind, data, province, actor, profile, out, dump)
    results["yardstick_after_s"] = yardstick(queries)
    return results


def summary(results: dict) -> dict:
    """The figures with the ratios to the yardstick, as written to --out."""
    stick = (results["yardstick_s"] + results["yardstick_after_s"]) / 2
    figures = {**results, "yardstick_mean_s": round(stick, 3)}
    for kind in ("units", "people"):
        r = dict(results[kind])
        total = r["check"] + r["apply"]
        r.update(
            check_apply_s=round(total, 3),
            yardsticks=round(total / stick, 2),
            reads=round(total / r["read"], 2),
        )
        figures[kind] = {
            key: round(value, 3) if isinstance(value, float) else value
            for key, value in r.items()
        }
    return figures


def report(results: dict, out) -> None:
    stick = (results["yardstick_s"] + results["yardstick_after_s"]) / 2
    out.write(
        f"Yardstick: {results['yardstick_queries']:,} single-row queries in "
        f"{stick:.2f} s (before {results['yardstick_s']:.2f}, "
        f"after {results['yardstick_after_s']:.2f}).\n"
    )
    for kind in ("units", "people"):
        r = results[kind]
        total = r["check"] + r["apply"]
        out.write(
            f"{kind:7} {r['rows']:>7,} rows: read {r['read']:6.2f} s, "
            f"check {r['check']:6.2f} s, apply {r['apply']:6.2f} s, "
            f"check+apply {total:6.2f} s = {total / stick:6.1f} yardsticks, "
            f"{total / r['read']:5.1f} x reading the file\n"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=35_000)
    parser.add_argument("--people", type=int, default=35_000)
    parser.add_argument("--out", help="also write the figures here (JSON)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-out", help="also write the profiles (pstats) here")
    parser.add_argument("--keep", help="keep the SQLite database in this new file")
    args = parser.parse_args(argv)

    folder = tempfile.TemporaryDirectory(prefix="imports-")
    database = Path(args.keep) if args.keep else Path(folder.name) / "db.sqlite3"
    if database.exists():
        raise SystemExit(f"{database} exists; name a new file.")
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # As in production: DEBUG off, so no query is logged (a key for this run only).
    os.environ.setdefault("DEBUG", "0")
    if os.environ["DEBUG"] == "0":
        os.environ.setdefault("SECRET_KEY", "perf-imports-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    translation.activate("vi")
    out = sys.stdout
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    out.write(f"Migrated {database} ({time.perf_counter() - started:.0f} s).\n")
    try:
        results = run(args.units, args.people, args.profile, out, args.profile_out)
        report(results, out)
        if args.out:
            path = Path(args.out)
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(summary(results), indent=2, ensure_ascii=False)
            path.write_text(text + "\n")
            out.write(f"Wrote {path}.\n")
    finally:
        from django.db import connections

        connections.close_all()
        folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
