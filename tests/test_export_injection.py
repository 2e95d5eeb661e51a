"""No formula injection in any export.

Text that users type and that starts with "=", "+", "-" or "@" is put into every
field an export writes; each .xlsx download must keep such cells as text (not a
formula), and a .csv download must hold no cell that could start one.

EXPORTS below names every download; two checks keep it complete: the URL
resolver is scanned for views whose pattern or own code names a spreadsheet or
CSV, and the project's source is scanned for code that builds a workbook or a
CSV file outside `units.spreadsheets` (which writes every text cell as text).
The URL walk and the reader of a view's code are those of the uploads' table
(tests/test_hostile_uploads.py).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.context import acting
from awards import services as award_services
from awards.models import UnitRatingLevel
from initiatives.models import Field
from initiatives.services import AuthorData
from tests.factories import make_unit
from tests.goldbook.conftest import Gold
from tests.test_hostile_uploads import PROJECT_APPS, _project_code_of, _url_views
from units import services as unit_services
from units.models import Unit

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What users type, each starting with a character a spreadsheet reads as the
# start of a formula.
EQ = '=HYPERLINK("http://x.example","bấm")'
PLUS = "+84 912 345 678"
MINUS = "-1+1"
AT = "@SUM(A1)"
DDE = "=cmd|' /C calc'!A0"
LEVEL = "=1+1 Vững mạnh"
SIBLING = "=2+3 Công đoàn bên cạnh"
COAUTHOR = "=A1*2 Lê Văn Hai"
FORMULA_START = ("=", "+", "-", "@")


# --- The exports ---------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    url_name: str
    # (world) -> (user, url)
    fetch: object
    # The typed values that must appear, each at the start of a cell.
    shows: tuple
    kind: str = "xlsx"


def _with_query(url: str, **query) -> str:
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


EXPORTS = {
    "request list": Export(
        "initiatives:export",
        lambda w: (w.cast.a_staff, reverse("initiatives:export")),
        (EQ, PLUS, MINUS, AT),
    ),
    "council intake register": Export(
        "initiatives:council_register",
        lambda w: (
            w.cast.a_admin,
            reverse("initiatives:council_register", args=[w.cast.councils.a.pk]),
        ),
        (EQ, PLUS, AT),
    ),
    "Gold Book": Export(
        "goldbook:export",
        lambda w: (
            w.cast.a_staff,
            reverse("goldbook:export", args=[w.cast.tree.a.pk]),
        ),
        (EQ, PLUS, AT, MINUS, DDE),
    ),
    "audit log": Export(
        "audit:entry_export",
        lambda w: (w.cast.a_admin, reverse("audit:entry_export")),
        (EQ, PLUS, AT, DDE),
    ),
    "movement report": Export(
        "awards:report_xlsx",
        lambda w: (
            w.cast.a_staff,
            _with_query(
                reverse("awards:report_xlsx"), unit=w.cast.tree.a.pk, year=YEAR
            ),
        ),
        (AT, MINUS, SIBLING),
    ),
    "ratings template, unions": Export(
        "awards:ratings_template",
        lambda w: (
            w.cast.a_admin,
            _with_query(
                reverse("awards:ratings_template", args=[w.cast.tree.a.pk, "units"]),
                year=YEAR,
            ),
        ),
        (AT, LEVEL, SIBLING),
    ),
    "ratings template, members": Export(
        "awards:ratings_template",
        lambda w: (
            w.cast.a_admin,
            _with_query(
                reverse("awards:ratings_template", args=[w.union.pk, "members"]),
                year=YEAR,
            ),
        ),
        (PLUS, COAUTHOR),
    ),
    # The import templates hold the column titles only: no user text.
    "units import template (.xlsx)": Export(
        "units:import_template",
        lambda w: (
            w.cast.a_admin,
            reverse("units:import_template", kwargs={"kind": "units", "fmt": "xlsx"}),
        ),
        (),
    ),
    "people import template (.xlsx)": Export(
        "units:import_template",
        lambda w: (
            w.cast.a_admin,
            reverse("units:import_template", kwargs={"kind": "people", "fmt": "xlsx"}),
        ),
        (),
    ),
    "units import template (.csv)": Export(
        "units:import_template",
        lambda w: (
            w.cast.a_admin,
            reverse("units:import_template", kwargs={"kind": "units", "fmt": "csv"}),
        ),
        (),
        kind="csv",
    ),
    "people import template (.csv)": Export(
        "units:import_template",
        lambda w: (
            w.cast.a_admin,
            reverse("units:import_template", kwargs={"kind": "people", "fmt": "csv"}),
        ),
        (),
        kind="csv",
    ),
}


# --- Completeness of the table -------------------------------------------------------

# What names a spreadsheet or CSV download in a URL pattern or a view's code.
DOWNLOAD_MARKS = re.compile(
    r"spreadsheetml|text/csv|XLSX_TYPE|\.xlsx|\.csv|xlsx\||\|csv", re.IGNORECASE
)


def test_every_spreadsheet_or_csv_download_is_in_the_table():
    downloads = {
        name
        for name, route, view in _url_views()
        if DOWNLOAD_MARKS.search(route) or DOWNLOAD_MARKS.search(_project_code_of(view))
    }
    assert downloads == {export.url_name for export in EXPORTS.values()}


# Code that builds a workbook or a CSV file by hand.
WRITERS = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(|xlsxwriter")


def test_only_the_text_safe_writer_builds_workbooks():
    """Every workbook goes through units.spreadsheets, which keeps text as text;
    the import templates (fixed column titles) are the one other writer."""
    base = Path(django_settings.BASE_DIR)
    writers = {
        str(path.relative_to(base))
        for app in PROJECT_APPS
        for path in (base / app).rglob("*.py")
        if "migrations" not in path.parts and WRITERS.search(path.read_text())
    }
    assert writers == {"units/spreadsheets.py", "units/imports/template.py"}


# --- The typed text -----------------------------------------------------------------


@pytest.fixture
def world(cast, settings, tmp_path):
    """One request typed with formulas everywhere, walked to the Gold Book.

    CB-A9 (named AT) is a union under CB-A, beside CB-A8 (named SIBLING); its
    member named PLUS files, with a member named COAUTHOR, a request titled EQ
    in the field MINUS (a field an admin named), from a browser whose name is
    DDE; CB-A recognises it and writes it in its Gold Book with the summary DDE.
    CB-A rates CB-A9 with the level LEVEL.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = cast.tree
    union = make_unit(tree.a, Unit.Kind.GRASSROOTS, "CB-A9", AT)
    make_unit(tree.a, Unit.Kind.GRASSROOTS, "CB-A8", SIBLING)
    person, coauthor = (
        unit_services.person_create(
            unit=union, full_name=name, username=username, actor=cast.a_admin
        )
        for name, username in ((PLUS, "nguoi_cong"), (COAUTHOR, "nguoi_nhan"))
    )
    field = Field.objects.create(name=MINUS, position=99)
    gold = Gold(cast)
    browser = RequestFactory().get("/", HTTP_USER_AGENT=DDE, REMOTE_ADDR="192.0.2.7")
    browser.user = person
    with acting(browser):
        entry = gold.entry(
            cast.councils.a,
            filer=person,
            title=EQ,
            field=field,
            authors=[
                AuthorData(
                    user=person,
                    full_name=person.full_name,
                    share=Decimal("60"),
                    workplace=AT,
                ),
                AuthorData(
                    user=coauthor, full_name=coauthor.full_name, share=Decimal("40")
                ),
            ],
            summary=DDE,
        )
    level = UnitRatingLevel.objects.create(name=LEVEL, order=0, is_strong=True)
    award_services.unit_rating_set(
        unit=union, year=YEAR, level=level, actor=cast.a_admin
    )
    assert entry.title == EQ and entry.unit_name == AT
    return SimpleNamespace(cast=cast, union=union, person=person, entry=entry)


# --- The downloads -------------------------------------------------------------------


def _download(world, client_for, export: Export):
    user, url = export.fetch(world)
    response = client_for(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Disposition"].startswith("attachment")
    return response


def _formula_elements(content: bytes) -> list[str]:
    """Worksheets of the file holding a formula element, read from the XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            and re.search(rb"<(\w+:)?f[ >/]", archive.read(name))
        ]


XLSX_EXPORTS = [name for name, e in EXPORTS.items() if e.kind == "xlsx"]
CSV_EXPORTS = [name for name, e in EXPORTS.items() if e.kind == "csv"]


@pytest.mark.parametrize("name", XLSX_EXPORTS)
def test_typed_text_stays_text_in_every_workbook(name, world, client_for):
    export = EXPORTS[name]
    response = _download(world, client_for, export)
    assert response["Content-Type"].startswith(XLSX)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [
        cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    ]
    # No formula anywhere, read by openpyxl or straight from the XML.
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert _formula_elements(response.content) == []
    # Every cell that could start a formula is a text cell.
    risky = [
        c
        for c in cells
        if isinstance(c.value, str) and c.value.startswith(FORMULA_START)
    ]
    assert [(c.coordinate, c.data_type) for c in risky if c.data_type != "s"] == []
    # The typed values were exported, so the checks above saw them.
    texts = [c.value for c in risky]
    for value in export.shows:
        assert any(text.startswith(value) for text in texts), (value, texts)


@pytest.mark.parametrize("name", CSV_EXPORTS)
def test_no_csv_cell_can_start_a_formula(name, world, client_for):
    """The only CSV files offered are the import templates: column titles, no
    user text, none starting a formula."""
    export = EXPORTS[name]
    response = _download(world, client_for, export)
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert cells
    assert [c for c in cells if c.lstrip().startswith(FORMULA_START)] == []
    typed = (EQ, PLUS, MINUS, AT, DDE, LEVEL, SIBLING, COAUTHOR)
    assert not any(value in text for value in typed)


# --- Control characters -------------------------------------------------------------

# A manual line break pasted from Word arrives as a vertical tab (U+000B).
PASTED = "Sổ tay điện tử\x0bcho đoàn viên"


@pytest.fixture
def pasted_world(cast, client_for, settings, tmp_path):
    """A draft filed through the site's form and a recognition written in CB-A's
    Gold Book, both titled with text pasted from Word."""
    from tests.initiatives.helpers import request_form_data

    settings.MEDIA_ROOT = tmp_path / "media"
    tree = cast.tree
    response = client_for(cast.a1_member).post(
        reverse("initiatives:create"),
        request_form_data(
            tree.a1, tree.a, title=PASTED, authors=[(cast.a1_member, "100")]
        ),
    )
    assert response.status_code == 302
    entry = Gold(cast).entry(cast.councils.a, title=PASTED)
    assert "\x0b" in entry.title
    return SimpleNamespace(cast=cast)


@pytest.mark.parametrize(
    "name", ["request list", "council intake register", "Gold Book", "audit log"]
)
def test_text_pasted_from_word_does_not_break_the_exports(
    name, pasted_world, client_for
):
    response = _download(pasted_world, client_for, EXPORTS[name])
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    texts = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert any(text.startswith("Sổ tay điện tử") for text in texts)
