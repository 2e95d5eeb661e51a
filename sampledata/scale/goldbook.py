"""Gold Books at scale (see `sampledata.scale.units`): the province's own book holds
every recognition of its council; the communes' books share the rest of the total."""

import datetime

from goldbook.models import GoldBook, GoldBookEntry
from initiatives.models import CouncilItem, Field
from sampledata.scale.inserts import BATCH, analyze, bulk_insert
from sampledata.scale.units import ProvinceSlice, ScalePlan

SUMMARY = (
    "Sáng kiến giúp công đoàn cơ sở làm việc nhanh hơn và gần đoàn viên hơn; đã "
    "được áp dụng và nhân rộng tại nhiều đơn vị trong tỉnh."
)
EVIDENCE = "Xác nhận áp dụng của thủ trưởng đơn vị và Ban Chấp hành công đoàn cơ sở."


def _entry(book, number, item: CouncilItem, authors, fields, keeper, today):
    initiative = item.initiative
    recorded = min(item.decided_on + datetime.timedelta(days=5), today)
    entry = GoldBookEntry(
        book=book,
        number=number,
        recorded_on=recorded,
        year=item.decided_on.year,
        initiative=initiative,
        council_item=item,
        decision_id=item.decision_id,
        title=initiative.title,
        authors=[
            {
                "name": author.full_name,
                "share": f"{author.share:.2f}",
                "workplace": initiative.unit.name,
                "user_id": author.user_id,
            }
            for author in authors
        ],
        unit_name=initiative.unit.name,
        field_name=fields.get(initiative.field_id, initiative.field_other),
        scope=initiative.level,
        public_summary=SUMMARY,
        application_evidence=EVIDENCE,
        recorded_by_id=keeper,
        status=GoldBookEntry.Status.ACTIVE,
    )
    entry.fill_derived()
    return entry


def build_scale(plan: ScalePlan, built: ProvinceSlice) -> dict[str, int]:
    recognised: list[CouncilItem] = built.shared.get("recognised", [])
    authors = built.shared.get("authors", {})
    if not recognised:
        return {}
    fields = dict(Field.objects.values_list("pk", "name"))
    province = built.province.pk
    own = [i for i in recognised if i.council.unit_id == province]
    others = [i for i in recognised if i.council.unit_id != province]
    room = max(plan.share(plan.spec.goldbook_entries) - len(own), 0)
    chosen = own + plan.rng.sample(others, min(room, len(others)))
    chosen.sort(key=lambda i: (i.decided_on, i.pk))

    units = {i.council.unit_id for i in chosen}
    books = {b.unit_id: b for b in GoldBook.objects.filter(unit_id__in=units)}
    GoldBook.objects.bulk_create(
        [GoldBook(unit_id=u) for u in units if u not in books], batch_size=BATCH
    )
    books = {b.unit_id: b for b in GoldBook.objects.filter(unit_id__in=units)}
    keepers = {c.pk: built.officers[c.pk][0] for c in built.communes}
    keepers[province] = built.officers[built.communes[0].pk][0]
    entries = []
    for item in chosen:
        book = books[item.council.unit_id]
        book.last_number += 1
        entries.append(
            _entry(
                book,
                book.last_number,
                item,
                authors[item.initiative_id],
                fields,
                keepers[item.council.unit_id],
                plan.today,
            )
        )
    bulk_insert(entries)
    GoldBook.objects.bulk_update(
        list(books.values()), ["last_number"], batch_size=BATCH
    )
    built.shared["entries"] = entries
    analyze("goldbook_goldbookentry", "goldbook_goldbook")
    return {"Gold Books": len(books), "Gold Book entries": len(entries)}
