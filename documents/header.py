"""The header block of an official document (Nghị định 30/2020/NĐ-CP).

Left: the parent body (caps), the issuer (caps, bold) and the number line
("Số: 05/TTr-LĐLĐ"); right: the national title, the motto and the place and date
line ("Cao Bằng, ngày 16 tháng 01 năm 2019"). Child templates receive a
``DocumentHeader`` and only print its fields.
"""

import dataclasses
import datetime

from core.text import nfc
from units.models import Unit

# Spaces left for the number to be written in by hand (Nghị định 30 leaves a
# blank before the slash until a document is numbered).
BLANK_NUMBER = " " * 6


@dataclasses.dataclass(frozen=True)
class DocumentHeader:
    """What the header of a document prints, already in its final form."""

    parent_body: str
    issuer: str
    symbol_line: str
    date_line: str
    place: str
    day: datetime.date
    symbol: str | None = None


def format_number(number: int) -> str:
    """Return a document number as printed: a leading zero under 10 ("05", "12")."""
    if number < 1:
        raise ValueError("Document numbers start at 1.")
    return f"{number:02d}"


def format_symbol(number: int, code: str, abbreviation: str) -> str:
    """Return the symbol of a numbered document: "05/TTr-LĐLĐ", "12/QĐ-LĐLĐ"."""
    return f"{format_number(number)}/{_type_and_issuer(code, abbreviation)}"


def _type_and_issuer(code: str, abbreviation: str) -> str:
    code, abbreviation = nfc(code).strip(), nfc(abbreviation).strip()
    return f"{code}-{abbreviation}" if abbreviation else code


def symbol_line(symbol: str | None, *, code: str = "", abbreviation: str = "") -> str:
    """Return the number line: "Số: 05/TTr-LĐLĐ", or a blank number if none yet.

    An unnumbered document (a draft) keeps the place for the number:
    "Số:      /TTr-LĐLĐ" when its type is known, "Số: ……" otherwise.
    """
    if symbol:
        return f"Số: {nfc(symbol).strip()}"
    if code:
        return f"Số: {BLANK_NUMBER}/{_type_and_issuer(code, abbreviation)}"
    return "Số: ……"


def vietnamese_date(day: datetime.date) -> str:
    """Return "ngày 05 tháng 01 năm 2026" as Nghị định 30 writes dates.

    Days under 10 and the months January and February take a leading zero
    ("ngày 05 tháng 02", "ngày 15 tháng 3", "ngày 31 tháng 12").
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: datetime.date) -> str:
    """Return the place and date line: "Cao Bằng, ngày 16 tháng 01 năm 2019"."""
    place = nfc(place).strip()
    when = vietnamese_date(day)
    return f"{place}, {when}" if place else when.capitalize()


def upper_vi(text: str) -> str:
    """Return Vietnamese text in capitals, diacritics kept: "Đổi mới" -> "ĐỔI MỚI"."""
    # Upper-casing keeps every mark; normalising again keeps the result composed.
    return nfc(nfc(text).upper())


def _ancestors(unit: Unit) -> list[Unit]:
    """Return the units above this one, nearest first (one query)."""
    return list(reversed(Unit.objects.get_ancestors(unit)))


def _name_record(unit: Unit, day: datetime.date):
    return unit.names.covering(day).first()


def abbreviation_on(unit: Unit, day: datetime.date) -> str:
    """Return the document abbreviation the unit used on the given day."""
    record = _name_record(unit, day)
    return record.abbreviation if record else unit.abbreviation


def header_for(
    unit: Unit,
    *,
    day: datetime.date,
    symbol: str | None,
    code: str = "",
    issuer: str | None = None,
) -> DocumentHeader:
    """Return the header of a document the unit issues on the given day.

    Names are those the units carried on that day, so a 2019 document keeps the
    names of 2019. ``symbol`` is the full symbol ("05/TTr-LĐLĐ"); without one
    the number is left blank, keeping the type ``code`` if given. ``issuer``
    names a body of the unit that issues in its own name (a council, "Hội đồng
    sáng kiến"): it becomes the issuer line, under the unit's own name.
    """
    ancestors = _ancestors(unit)
    if issuer:
        above, issuer_name = unit, issuer
    else:
        above, issuer_name = (ancestors[0] if ancestors else None), unit.name_on(day)
    place = unit.place_name or next(
        (ancestor.place_name for ancestor in ancestors if ancestor.place_name), ""
    )
    return DocumentHeader(
        parent_body=upper_vi(above.name_on(day)) if above else "",
        issuer=upper_vi(issuer_name),
        symbol_line=symbol_line(
            symbol, code=code, abbreviation=abbreviation_on(unit, day) if code else ""
        ),
        date_line=date_line(place, day),
        place=place,
        day=day,
        symbol=nfc(symbol).strip() if symbol else None,
    )
