"""The life of an import batch: check an upload, store it, apply it.

An upload is read, checked row by row and stored as an ``ImportBatch`` with every
problem found (row number and reason). Only a batch without problems can be
applied, and applying checks everything again and writes all rows in one
transaction, or none.
"""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from core.upload_checks import check_no_code
from units import services
from units.imports._common import _problem, _scope_units
from units.imports.columns import COLUMNS
from units.imports.people_rows import check_people_rows
from units.imports.reading import Table, UnreadableFileError, map_columns, read_table
from units.imports.unit_rows import check_unit_rows
from units.models import ImportBatch, Membership, Role, Unit, UnitKind, User


def _sheet_notices(table: Table) -> list[str]:
    """What of the file was not read, said rather than left silently."""
    notices = []
    if table.hidden:
        notices.append(
            _("Hidden sheets are never read: %(sheets)s.")
            % {"sheets": ", ".join(f"“{name}”" for name in table.hidden)}
        )
    if table.also:
        notices.append(
            _(
                "The sheets %(sheets)s also hold this import's columns; their rows "
                "are not in this check. To import them, choose their sheet on this "
                "page and check it."
            )
            % {"sheets": ", ".join(f"“{name}”" for name in table.also)}
        )
    if table.header_found and table.above:
        notices.append(
            _(
                "The header is on row %(row)d; the rows above it (a title) were "
                "not read."
            )
            % {"row": table.header_row}
        )
    return notices


def _check(unit: Unit, kind: str, table: Table) -> tuple[list, list, list]:
    columns = COLUMNS[kind]
    notices = _sheet_notices(table)
    if not table.header_found:
        return [], table.problems, notices
    index, header_problems = map_columns(table.header, columns)
    if table.blank_rows:
        shown = ", ".join(str(n) for n in table.blank_rows[:20])
        notices.append(
            _("%(count)d blank rows were skipped (rows %(rows)s).")
            % {
                "count": len(table.blank_rows),
                "rows": shown + ("…" if len(table.blank_rows) > 20 else ""),
            }
        )
    if header_problems:
        return [], table.problems + header_problems, notices
    if not table.rows:
        return (
            [],
            [_problem(None, "", _("The file has a header row but no data."))],
            notices,
        )
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        return (
            [],
            [
                _problem(
                    None,
                    "",
                    _(
                        "The file has %(count)d rows; at most %(limit)d can be "
                        "imported at once."
                    )
                    % {"count": len(table.rows), "limit": settings.IMPORT_MAX_ROWS},
                )
            ],
            notices,
        )
    checker = check_unit_rows if kind == ImportBatch.Kind.UNITS else check_people_rows
    rows, problems = checker(unit, table, index)
    return rows, table.problems + problems, notices


# --- Upload, apply ------------------------------------------------------------


def check_upload(*, unit: Unit, kind: str, upload, actor: User) -> ImportBatch:
    """Read and check an uploaded file; store the result as a batch."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    data = upload.read(limit + 1)
    batch = ImportBatch(
        unit=unit,
        kind=kind,
        filename=nfc(upload.name or "")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
    )
    if len(data) > limit:
        problems = [
            _problem(
                None,
                "",
                _("The file is larger than %(mb)d MB.")
                % {"mb": settings.UPLOAD_MAX_MB},
            )
        ]
        return _save(batch, [], problems, [])
    return _check_data(batch, data, sheet=None, keep=True)


def check_sheet(*, source: ImportBatch, sheet: str, actor: User) -> ImportBatch:
    """Check the kept workbook of a batch again, reading another of its sheets.

    The result is a new batch; nothing is applied until it is confirmed."""
    batch = ImportBatch(
        unit=source.unit,
        kind=source.kind,
        filename=source.filename,
        sha256=source.sha256,
        created_by=actor,
    )
    batch.upload.name = source.upload.name
    try:
        with source.upload.open("rb") as stored:
            data = stored.read()
    except OSError:
        problems = [
            _problem(
                None, "", _("The file is no longer kept: upload it again to check it.")
            )
        ]
        return _save(batch, [], problems, [])
    return _check_data(batch, data, sheet=sheet, keep=False)


def _check_data(batch: ImportBatch, data: bytes, *, sheet, keep: bool) -> ImportBatch:
    rows, problems, notices = [], [], []
    try:
        check_no_code(data)
        table = read_table(data, COLUMNS[batch.kind], sheet)
    except ValidationError as error:
        problems = [_problem(None, "", error.messages[0])]
    except UnreadableFileError as error:
        problems = [_problem(None, "", str(error))]
    else:
        rows, problems, notices = _check(batch.unit, batch.kind, table)
        batch.sheet = table.sheet[:255]
        batch.sheets = table.sheets
        # A workbook of several sheets is kept, to read another of them on demand.
        if keep and len(table.sheets) > 1:
            batch.upload.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(data), save=False)
    return _save(batch, rows, problems, notices)


def _save(batch: ImportBatch, rows, problems, notices) -> ImportBatch:
    batch.rows = _json_rows(rows)
    batch.errors = sorted(problems, key=lambda p: p["row"] or 0)
    batch.notices = notices
    batch.status = (
        ImportBatch.Status.INVALID if problems else ImportBatch.Status.CHECKED
    )
    batch.save()
    return batch


def _json_rows(rows: list[dict]) -> list[dict]:
    return [dict(row) for row in rows]


def _as_table(batch: ImportBatch) -> Table:
    """Rebuild a table from a checked batch, to check it again before applying."""
    columns = COLUMNS[batch.kind]
    header = [c.label for c in columns]
    rows = []
    for record in batch.rows:
        cells = []
        for column in columns:
            value = record.get(column.key, "")
            if column.key in ("established_on", "date_of_birth") and value:
                value = datetime.date.fromisoformat(value)
            elif column.key == "full_time":
                value = {True: "có", False: "không", None: ""}[value]
            elif column.key == "role":
                value = value or ""
            cells.append(value if value is not None else "")
        rows.append((record["row"], cells))
    return Table(header=header, rows=rows)


def apply_batch(*, batch: ImportBatch, actor: User, progress=None) -> ImportBatch:
    """Check the batch again against today's data and write every row, or none.

    `progress(done, total)` (the worker's, for a batch applied in the background)
    hears of the steps: the rows checked, then the rows written, each counted
    once (total: twice the rows)."""
    total = 2 * len(batch.rows)
    if progress is not None:
        progress(0, total)
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .select_related("unit")
            .get(pk=batch.pk)
        )
        if batch.status != ImportBatch.Status.CHECKED:
            return batch
        rows, problems, _notices = _check(batch.unit, batch.kind, _as_table(batch))
        if progress is not None:
            progress(total // 2, total)
        if problems:
            batch.errors = sorted(problems, key=lambda p: p["row"] or 0)
            batch.status = ImportBatch.Status.INVALID
            batch.save(update_fields=["errors", "status"])
            return batch
        if batch.kind == ImportBatch.Kind.UNITS:
            result = _apply_units(batch.unit, rows, actor)
        else:
            result = _apply_people(batch.unit, rows, actor)
        batch.rows = _json_rows(rows)
        batch.result = result
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.save(update_fields=["rows", "result", "status", "applied_at"])
    return batch


def _apply_units(scope: Unit, rows: list[dict], actor: User) -> dict:
    parents = _scope_units(scope, {r["parent_code"] for r in rows})
    units = services.units_create_many(
        parents=parents,
        records=[
            {
                **record,
                "established_on": datetime.date.fromisoformat(record["established_on"])
                if record.get("established_on")
                else None,
            }
            for record in rows
        ],
        actor=actor,
    )
    return {"units": len(units)}


def _apply_people(scope: Unit, rows: list[dict], actor: User) -> dict:
    units = _scope_units(scope, {r["unit_code"] for r in rows})
    people = []
    for record in rows:
        person = User(
            username=record["username"],
            full_name=record["full_name"],
            email=record.get("email", ""),
            phone=record.get("phone", ""),
            date_of_birth=datetime.date.fromisoformat(record["date_of_birth"])
            if record.get("date_of_birth")
            else None,
            qualification=record.get("qualification", ""),
        )
        person.set_unusable_password()
        person.fill_derived()
        people.append(person)
    User.objects.bulk_create(people, batch_size=1000)
    # bulk_create returns primary keys on PostgreSQL and SQLite 3.35+.
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                user=person,
                unit=units[record["unit_code"]],
                role=record["role"] or Role.MEMBER,
                position=record.get("position", ""),
                full_time=record.get("full_time"),
                started_on=today,
                granted_by=actor,
            )
            for person, record in zip(people, rows, strict=True)
        ],
        batch_size=1000,
    )
    return {"people": len(people)}


def display_row(record: dict) -> dict:
    """Return a checked row with kinds and roles shown by their labels."""
    shown = dict(record)
    if shown.get("kind") in UnitKind.values:
        shown["kind"] = UnitKind(shown["kind"]).label
    if shown.get("role") in Role.values:
        shown["role"] = Role(shown["role"]).label
    return shown
