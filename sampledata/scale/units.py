"""Data at scale for benchmarks and load tests: `seed_demo --scale NAME`.

The units and people of each province are built here; then the modules of the
other apps add their part through `build_scale(plan, built)`, in the order of the
apps (initiatives, goldbook, awards), after the demo data exists. Rows go in with
bulk inserts, one province at a time, so memory stays flat and a national slice
is built in minutes. Provinces already built are skipped: running a scale again
adds nothing, and a larger scale adds only the provinces the smaller one lacks.
The scale data is made up: it never sends mail and nobody signs in as it.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import connection

from sampledata.common import REFORM_DAY, random_name
from sampledata.scale.inserts import analyze, bulk_insert, reserve_keys
from units.models import Membership, Role, Unit, UnitEvent, UnitName, User
from units.services import add_children_bulk


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    provinces: int  # the first is the demo's own province (CB)
    communes: int  # upper-level unions per province
    grassroots: int  # grassroots unions per commune
    members: int  # members per grassroots union
    requests: int  # recognition requests in all, over `years` years
    goldbook_entries: int  # Gold Book entries in all
    big_book: int  # entries in each province's own book (the 1,000-entry print)
    nominees: int  # individuals in the award dossier built in the first province
    years: int = 5

    @property
    def units(self) -> int:
        return self.provinces * self.communes * (1 + self.grassroots)


SCALES = {
    # A few of every kind of row, for tests.
    "tiny": ScaleSpec(
        "tiny",
        provinces=2,
        communes=2,
        grassroots=3,
        members=4,
        requests=160,
        goldbook_entries=40,
        big_book=12,
        nominees=4,
    ),
    "province": ScaleSpec(
        "province",
        provinces=1,
        communes=50,
        grassroots=24,
        members=29,
        requests=40_000,
        goldbook_entries=5_000,
        big_book=1_000,
        nominees=50,
    ),
    "national": ScaleSpec(
        "national",
        provinces=8,
        communes=50,
        grassroots=24,
        members=31,
        requests=200_000,
        goldbook_entries=20_000,
        big_book=1_000,
        nominees=50,
    ),
}


@dataclass
class ProvinceSlice:
    """One province built in this run: its units and people, for the apps that
    add records to it."""

    number: int
    province: Unit
    communes: list[Unit]
    grassroots: dict[int, list[Unit]]  # commune id -> its grassroots unions
    members: dict[int, list[int]]  # grassroots unit id -> member user ids
    officers: dict[int, list[int]] = field(default_factory=dict)  # unit id -> users
    # Filled in by the apps, for the apps after them.
    shared: dict = field(default_factory=dict)

    @property
    def first(self) -> bool:
        return self.number == 1


@dataclass
class ScalePlan:
    spec: ScaleSpec
    today: datetime.date
    rng: random.Random = field(default_factory=random.Random)

    # The first key reserved for each model whose rows interleave (see below).
    interleaved: dict = field(default_factory=dict)

    def start(self, number: int) -> None:
        """The same made-up data for a province whatever ran before it."""
        self.rng = random.Random(2026 + number)  # noqa: S311 - not for secrets

    def interleaved_keys(self, model, number: int, count: int) -> list[int] | None:
        """Primary keys for `count` rows of province `number` (the same count for
        every province) that interleave with the other provinces' rows.

        In one national database, rows filed over the same years are numbered
        in turn whatever their province; built a province at a time, each
        province's rows would sit in one block of keys, and a list ordered by
        key would meet one province's rows only after all the newer provinces'
        rows. On PostgreSQL the keys of the run are reserved from the sequence
        at the first province; elsewhere this gives None (keys in order).
        """
        if connection.vendor != "postgresql":
            return None
        provinces = self.spec.provinces
        label = model._meta.label
        if label not in self.interleaved:
            self.interleaved[label] = reserve_keys(model, count * provinces)
        first = self.interleaved[label]
        return [first + (number - 1) + k * provinces for k in range(count)]

    @property
    def years(self) -> list[int]:
        return list(range(self.today.year - self.spec.years + 1, self.today.year + 1))

    def share(self, total: int) -> int:
        """A province's share of a national total."""
        return max(total // self.spec.provinces, 1)


def province_code(number: int) -> str:
    return "CB" if number == 1 else f"S{number:02d}"


def bulk_add_children(parent: Unit, children: list[Unit]) -> list[Unit]:
    """Insert many children under one parent (the product's bulk insert), with
    the start of their history."""
    if not children:
        return []
    add_children_bulk([(parent, child) for child in children])
    # Their history starts as the services' would: the name and the creation.
    UnitName.objects.bulk_create(
        [
            UnitName(
                unit=child,
                name=child.name,
                short_name=child.short_name,
                abbreviation=child.abbreviation,
                valid_from=child.established_on,
            )
            for child in children
        ],
        batch_size=1000,
    )
    UnitEvent.objects.bulk_create(
        [
            UnitEvent(
                unit=child,
                kind=UnitEvent.Kind.CREATED,
                effective_on=child.established_on or REFORM_DAY,
            )
            for child in children
        ],
        batch_size=1000,
    )
    parent.refresh_from_db()
    return children


def _province(number: int) -> Unit | None:
    """The province to fill, or None when it was filled by an earlier run."""
    code = province_code(number)
    if Unit.objects.filter(code=f"{code}-S-0001").exists():
        return None
    if number == 1:
        return Unit.objects.get(code="CB")
    root = Unit.objects.get(code="TLD")
    return bulk_add_children(
        root,
        [
            Unit(
                code=code,
                kind=Unit.Kind.PROVINCE,
                name=f"Liên đoàn Lao động tỉnh số {number}",
                short_name=f"LĐLĐ tỉnh số {number}",
                abbreviation="LĐLĐ",
                place_name=f"Tỉnh số {number}",
                established_on=datetime.date(1950, 1, 1),
            )
        ],
    )[0]


def _people(plan: ScalePlan, units: list[Unit]) -> tuple[dict[int, list[int]], int]:
    spec = plan.spec
    people, homes = [], []
    for unit in units:
        for k in range(1, spec.members + 1):
            person = User(
                username=f"s.{unit.code.lower()}.{k:03d}",
                full_name=random_name(plan.rng),
            )
            person.set_unusable_password()
            person.fill_derived()
            people.append(person)
            homes.append(unit)
    bulk_insert(people)
    bulk_insert(
        [
            Membership(
                user=p, unit=u, role=Role.MEMBER, started_on=datetime.date(2019, 1, 1)
            )
            for p, u in zip(people, homes, strict=True)
        ]
    )
    members: dict[int, list[int]] = {}
    for person, unit in zip(people, homes, strict=True):
        members.setdefault(unit.pk, []).append(person.pk)
    return members, len(people)


def build_province(plan: ScalePlan, number: int) -> tuple[ProvinceSlice | None, dict]:
    """Units, members and officers of one province; None if it exists already."""
    province = _province(number)
    if province is None:
        return None, {}
    spec = plan.spec
    code = province_code(number)
    place = province.place_name
    communes = bulk_add_children(
        province,
        [
            Unit(
                code=f"{code}-S-{i:04d}",
                kind=Unit.Kind.UPPER,
                name=f"Công đoàn xã số {i}",
                short_name=f"CĐ xã số {i}",
                abbreviation="CĐ",
                place_name=place,
                established_on=REFORM_DAY,
            )
            for i in range(1, spec.communes + 1)
        ],
    )
    grassroots: dict[int, list[Unit]] = {}
    for commune in communes:
        grassroots[commune.pk] = bulk_add_children(
            commune,
            [
                Unit(
                    code=f"{commune.code}-{j:03d}",
                    kind=Unit.Kind.GRASSROOTS,
                    name=f"Công đoàn cơ sở {j} {commune.name[10:]}",
                    abbreviation="CĐCS",
                    place_name=place,
                )
                for j in range(1, spec.grassroots + 1)
            ],
        )
    every = [unit for units in grassroots.values() for unit in units]
    members, people = _people(plan, every)
    # The first member of each union is its officer; the first of each commune's
    # first union also serves the commune (council secretary, Gold Book keeper).
    officers: dict[int, list[int]] = {}
    roles = []
    for commune in communes:
        first = grassroots[commune.pk][0]
        keeper = members[first.pk][0]
        officers[commune.pk] = [keeper]
        roles.append(
            Membership(
                user_id=keeper,
                unit=commune,
                role=Role.EMULATION_STAFF,
                started_on=datetime.date(2019, 1, 1),
            )
        )
        for unit in grassroots[commune.pk]:
            officers[unit.pk] = [members[unit.pk][0]]
            roles.append(
                Membership(
                    user_id=members[unit.pk][0],
                    unit=unit,
                    role=Role.OFFICER,
                    started_on=datetime.date(2019, 1, 1),
                )
            )
    bulk_insert(roles)
    analyze("units_unit", "units_membership", "units_user")
    built = ProvinceSlice(
        number=number,
        province=province,
        communes=communes,
        grassroots=grassroots,
        members=members,
        officers=officers,
    )
    return built, {"units": len(communes) + len(every), "people": people}
