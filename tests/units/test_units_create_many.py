"""Creating many units at once (units_create_many, used by the units import):
the same rows as unit_create one by one, in a number of queries that does not
grow with the number of units, all written or none."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from core.text import fold
from tests.factories import make_unit
from tests.units.import_helpers import check_units, counts, unit_row
from units import services
from units.imports import batches
from units.models import ImportBatch, Unit, UnitEvent, UnitKind, UnitName, User

pytestmark = pytest.mark.django_db

G, U = UnitKind.GRASSROOTS, UnitKind.UPPER


def records(prefix: str, parent_code: str) -> list[dict]:
    """A small tree under the parent: children of a new unit, of an existing
    parent that already has children, long names, dates and none."""
    return [
        {
            "code": f"{prefix}-XA",
            "kind": U,
            "name": "Công đoàn cấp trên cơ sở xã Hưng Đạo",
            "short_name": "CĐ xã Hưng Đạo",
            "abbreviation": "CĐ",
            "place_name": "Hòa An",
            "established_on": datetime.date(2025, 7, 1),
            "parent_code": parent_code,
        },
        {
            "code": f"{prefix}-T1",
            "kind": G,
            "name": "Công đoàn Trường Trung học cơ sở Hòa Chung",
            "parent_code": f"{prefix}-XA",
            "established_on": datetime.date(2010, 9, 5),
        },
        {
            "code": f"{prefix}-T2",
            "kind": G,
            "name": "Công đoàn Trường Mầm non Sơn Ca",
            "parent_code": f"{prefix}-xa",
            "established_on": None,
        },
        {
            "code": f"{prefix}-T3",
            "kind": G,
            "name": "  Công đoàn Bệnh viện Đa khoa  ",
            "parent_code": parent_code,
            "established_on": None,
        },
        {
            "code": f"{prefix}-XA-2",
            "kind": U,
            "name": "Công đoàn cụm trường",
            "parent_code": f"{prefix}-XA",
            "established_on": None,
        },
        {
            "code": f"{prefix}-XA-2-T",
            "kind": G,
            "name": "Công đoàn Trường Tiểu học Kim Đồng",
            "parent_code": f"{prefix}-XA-2",
            "established_on": None,
        },
    ]


def one_by_one(parent: Unit, rows: list[dict], actor) -> list[Unit]:
    """What the import did before: unit_create for each row, parents first."""
    created = {}
    units = []
    for row in rows:
        code = row["parent_code"].upper()
        unit = services.unit_create(
            parent=created.get(code) or parent,
            kind=row["kind"],
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name", ""),
            abbreviation=row.get("abbreviation", ""),
            place_name=row.get("place_name", ""),
            established_on=row["established_on"],
            actor=actor,
        )
        created[unit.code.upper()] = unit
        units.append(unit)
    return units


def shape(parent: Unit) -> list[tuple]:
    """The units below the parent as the tree and their histories show them,
    with paths and codes relative to the parent."""
    parent.refresh_from_db()
    rows = [("parent", parent.numchild)]
    for unit in Unit.objects.filter(
        path__startswith=parent.path, depth__gt=parent.depth
    ):
        names = [
            (n.name, n.short_name, n.abbreviation, n.valid_from, n.valid_until)
            for n in unit.names.all()
        ]
        events = [
            (e.kind, e.effective_on, e.actor_id, e.note, e.data)
            for e in unit.events.all()
        ]
        rows.append(
            (
                unit.path[len(parent.path) :],
                unit.depth - parent.depth,
                unit.numchild,
                unit.code.split("-", 1)[1],
                unit.kind,
                unit.name,
                unit.short_name,
                unit.abbreviation,
                unit.place_name,
                unit.established_on,
                unit.search_text.replace(fold(unit.code), "<code>"),
                names,
                events,
            )
        )
    return rows


def audit_of(units: list[Unit], parent: Unit) -> list[tuple]:
    """The audit entries about the units and their names, in the order written."""
    by_unit = {unit.pk: index for index, unit in enumerate(units)}
    entries = AuditEntry.objects.filter(
        unit_id__in=list(by_unit), target_type__in=["units.unit", "units.unitname"]
    ).order_by("pk")
    result = []
    for entry in entries:
        changes = dict(entry.changes)
        changes.pop("code", None)
        if "unit" in changes:
            changes["unit"] = by_unit[changes["unit"]]
        path = changes.pop("path", None)
        if path is not None:
            path = path[len(parent.path) :]
        result.append(
            (
                entry.action,
                entry.target_type,
                by_unit[entry.unit_id],
                entry.target_repr,
                entry.actor_id,
                path,
                changes,
            )
        )
    return result


def twin_parents():
    """Two parents alike but for their code, each with one child already."""
    root = make_unit(None, UnitKind.NATIONAL, "TW", "Tổng Liên đoàn")
    parents = []
    for code in ("PA", "PB"):
        parent = make_unit(
            root, UnitKind.PROVINCE, code, "Liên đoàn Lao động tỉnh", place_name="CB"
        )
        make_unit(parent, G, f"{code}-OLD", "Công đoàn cũ")
        parents.append(Unit.objects.get(pk=parent.pk))
    return parents


def test_bulk_writes_what_unit_create_writes_one_by_one():
    actor = User.objects.create(username="quan.tri", full_name="Quản Trị")
    first, second = twin_parents()

    expected_units = one_by_one(first, records("PA", "PA"), actor)
    units = services.units_create_many(
        parents={"PB": second}, records=records("PB", "pb"), actor=actor
    )

    assert [u.code for u in units] == [r["code"] for r in records("PB", "PB")]
    assert shape(second) == shape(first)
    assert audit_of(units, second) == audit_of(expected_units, first)
    # Each unit and its first name have their entry, as the signals wrote them.
    assert len(audit_of(units, second)) == 2 * len(units)
    # The tree is whole: paths, depths and child counts agree.
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    # A unit added afterwards by the service goes after the bulk ones.
    later = make_unit(second, G, "PB-LATER")
    assert later.path > max(u.path for u in units if u.depth == later.depth)
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_parents_count_their_new_children():
    first, _second = twin_parents()
    services.units_create_many(
        parents={"PA": first}, records=records("PA", "PA"), actor=None
    )
    first.refresh_from_db()
    assert first.numchild == 1 + 2
    assert Unit.objects.get(code="PA-XA").numchild == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "PA-OLD"}, "code"),
        ({"code": "pa-old"}, "code"),  # codes are unique whatever their case
        ({"code": "pa-xa"}, "code"),  # taken by an earlier record
        ({"established_on": datetime.date(2999, 1, 1)}, "established_on"),
        ({"kind": UnitKind.PROVINCE}, "parent"),
        ({"name": "x" * 256}, "name"),
    ],
)
def test_a_bad_record_midway_writes_nothing(change, field):
    first, _second = twin_parents()
    rows = records("PA", "PA")
    rows[3] = {**rows[3], **change}
    before = counts()
    entries = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.units_create_many(parents={"PA": first}, records=rows, actor=None)

    assert field in raised.value.message_dict
    assert counts() == before
    assert AuditEntry.objects.count() == entries
    first.refresh_from_db()
    assert first.numchild == 1


def test_a_dissolved_parent_is_refused():
    first, _second = twin_parents()
    upper = make_unit(first, U, "PA-UP")
    services.unit_dissolve(unit=upper, effective_on=timezone.localdate(), actor=None)
    rows = [records("PA", "PA-UP")[3]]
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.units_create_many(parents={"PA-UP": upper}, records=rows, actor=None)
    assert "parent" in raised.value.message_dict
    assert counts() == before


def test_a_failure_while_writing_leaves_nothing(monkeypatch):
    first, _second = twin_parents()
    before = counts()
    entries = AuditEntry.objects.count()

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    # The units and their names are written by then.
    monkeypatch.setattr(UnitEvent.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        services.units_create_many(
            parents={"PA": first}, records=records("PA", "PA"), actor=None
        )

    assert counts() == before
    assert AuditEntry.objects.count() == entries
    assert not UnitName.objects.filter(unit__code__startswith="PA-X").exists()
    first.refresh_from_db()
    assert first.numchild == 1


def _file(count: int, prefix: str) -> list[list]:
    """Upper-level unions under CB-A with ten grassroots unions each."""
    rows = []
    for number in range(count):
        if number % 11 == 0:
            upper = f"{prefix}-U{number}"
            rows.append(unit_row(upper, f"Công đoàn xã số {number}", "cấp trên"))
        else:
            rows.append(
                unit_row(f"{upper}-{number}", f"CĐCS số {number}", parent=upper)
            )
    return rows


def test_applying_a_units_file_takes_a_bounded_number_of_queries(cast):
    queries = {}
    for count, prefix in ((22, "CB-A-S"), (220, "CB-A-L")):
        batch = check_units(cast.tree.a, _file(count, prefix), cast.a_admin)
        assert batch.errors == []
        with CaptureQueriesContext(connection) as captured:
            batch = batches.apply_batch(batch=batch, actor=cast.a_admin)
        assert batch.status == ImportBatch.Status.APPLIED
        assert batch.result == {"units": count}
        queries[count] = len(captured)

    # One by one it took 22 queries a row. Now only the bulk inserts grow, by
    # one statement per batch of rows (batches are small on SQLite).
    assert queries[220] - queries[22] <= (220 - 22) // 15
    assert queries[220] <= 40
    assert Unit.objects.find_problems() == ([], [], [], [], [])
