"""Bugs the fuzz tests found, each kept as its smallest example so that it
stays fixed."""

import codecs
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from initiatives.models import Author, Initiative, ScoreSheet
from initiatives.services import councils as council_services
from tests.initiatives import council_world as cw
from tests.initiatives.factories import author_row, form_data
from tests.units.import_helpers import check, csv_text
from units.imports import batches
from units.models import ImportBatch, Unit
from units.pagination import encode_cursor

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def get(client, url, params):
    """The status of the page, a server error included (not raised)."""
    client.raise_request_exception = False
    return client.get(url, params).status_code


# --- str.isdigit() then int() ---------------------------------------------------------

DIGITS = "str.isdigit() is true for '²' and for 5,000 digits; int() refuses both: 500"


@pytest.mark.parametrize(
    ("name", "target", "params"),
    [
        # units/views/blocks.py, block_list: int(year) if year.isdigit()
        ("units:block_list", None, {"year": "²"}),
        # initiatives/views/councils.py, council_list: the same
        ("initiatives:council_list", None, {"year": "²"}),
        ("initiatives:council_list", None, {"year": "1" * 5000}),
        # goldbook/views.py, _year()
        ("goldbook:book", "a", {"year": "²"}),
        # awards/views/report.py, _year()
        ("awards:report", None, {"year": "²"}),
        ("awards:report_gaps", None, {"year": "²", "gap": "launch"}),
        # awards/views/records.py, _year() and _unit_from_query()
        ("awards:records", None, {"year": "²"}),
        ("awards:records", None, {"unit": "²"}),
        ("awards:unit_ratings", "a", {"year": "²"}),
        ("awards:member_ratings", "a1", {"year": "²"}),
        ("awards:record_create", None, {"unit": "³"}),
        # awards/views/rounds.py, round_create: int(unit_pk)
        ("awards:round_create", None, {"unit": "²"}),
    ],
)
def test_a_number_that_is_not_a_number_is_not_a_server_error(
    cast, client_for, name, target, params
):
    args = [getattr(cast.tree, target).pk] if target else []
    status = get(client_for(cast.province_admin), reverse(name, args=args), params)
    assert status < 500


# --- The audit log's dates at the ends of the calendar ------------------------------


AUDIT_DATES = (
    "audit/selectors.py, entries_for_user: date_to + 1 day overflows "
    "(OverflowError): 500"
)
AUDIT_START = (
    "audit/selectors.py, entries_for_user: the start of 01/01/0001 in Asia/Ho_Chi_"
    "Minh is before year 1 in UTC; SQLite's adapter converts it (OverflowError): "
    "500 on SQLite only"
)


@pytest.mark.parametrize(
    "params",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
    ],
)
# (The export, audit:entry_export, reads the same filters through the same code.)
@pytest.mark.parametrize("name", ["audit:entry_list", "audit:entry_export"])
def test_an_audit_date_at_the_end_of_the_calendar_is_not_a_server_error(
    cast, client_for, name, params
):
    assert get(client_for(cast.province_admin), reverse(name), params) < 500


# --- A cursor holding Infinity -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("initiatives:list", [float("inf")]),
        ("audit:entry_list", [float("-inf")]),
        ("goldbook:honour", ["2024-01-01", float("inf")]),
    ],
)
def test_a_cursor_holding_infinity_starts_again_from_page_1(
    cast, client_for, name, values
):
    cursor = encode_cursor(values, "next", 2)
    user = None if name == "goldbook:honour" else cast.province_admin
    assert get(client_for(user), reverse(name), {"cursor": cursor}) < 500


# --- NUL bytes in a search read without a form (PostgreSQL) --------------------------


@pytest.mark.postgresql
@pytest.mark.parametrize("name", ["initiatives:idea_list", "awards:round"])
def test_a_nul_byte_in_a_search_is_not_a_server_error(cast, client_for, name):
    from awards import services as award_services
    from awards.models import AwardForm

    args = []
    if name == "awards:round":
        award_round = award_services.round_create(
            unit=cast.tree.a,
            actor=cast.province_admin,
            year=YEAR,
            title="Xét khen thưởng",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
            offers=[award_services.OfferData(AwardForm.objects.get(name="Giấy khen"))],
        )
        args = [award_round.pk]
    client = client_for(cast.province_staff)
    assert get(client, reverse(name, args=args), {"q": "a\x00b"}) < 500


# --- Author rows longer than their column once composed ------------------------------

# U+0958 (DEVANAGARI LETTER QA) is one character typed, two once composed (NFC
# leaves it decomposed): 150 of them pass the form's max_length=150, then are
# stored as 300 characters.
EXPANDING = "\u0958"


@pytest.mark.parametrize(("name", "limit"), [("full_name", 150), ("position", 150)])
def test_an_author_field_that_grows_when_composed_is_refused(
    cast, client_for, settings, tmp_path, name, limit
):
    settings.MEDIA_ROOT = tmp_path
    me = cast.a1_member
    row = author_row(me, "100")
    row[name] = EXPANDING * limit
    data = form_data(cast.tree.a1, cast.tree.a, [row])
    client = client_for(me)
    client.raise_request_exception = False
    response = client.post(reverse("initiatives:create"), data)
    if response.status_code == 200:
        assert Initiative.objects.count() == 0
        assert response.context["authors"].forms[0].errors[name]
    else:
        assert response.status_code == 302
        stored = Author.objects.values_list(name, flat=True).get()
        assert len(stored) <= limit


# --- Score sheets ---------------------------------------------------------------------


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return cw.build(cast)


def test_a_draft_saved_over_a_submitted_sheet_keeps_it_complete(world, client_for):
    criteria = list(world.council.criteria.all())
    cw.score(world, world.item_main, "member", cw.FULL_MARKS, submit=True)
    typed = ["", *[str(p) for p in cw.FULL_MARKS[1:]]]
    response = client_for(world.people["member"]).post(
        cw.url(world, "initiatives:item_score"),
        cw.score_data(criteria, typed, "Sửa lại", submit=False),
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(item=world.item_main, member=world.seats["member"])
    # Either the sheet went back to a draft, or it still holds every score.
    assert sheet.submitted_at is None or sheet.scores.count() == len(criteria)


@pytest.mark.postgresql
def test_full_marks_of_a_1000_point_criterion_are_stored(world, client_for):
    council_services.criteria_replace(
        council=world.council, criteria=[("Tính mới", 1000)], actor=world.cast.a_admin
    )
    criteria = list(world.council.criteria.all())
    client = client_for(world.people["member"])
    client.raise_request_exception = False
    response = client.post(
        cw.url(world, "initiatives:item_score"), cw.score_data(criteria, ["1000"])
    )
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get(item=world.item_main, member=world.seats["member"])
    assert sheet.total == Decimal("1000")


# --- Imports -----------------------------------------------------------------------


def test_a_utf16_csv_without_bom_is_read_or_refused(cast):
    text = csv_text([["unit code", "full name"], ["CB-A1", "Nguyễn Văn Đức"]])
    batch = check(
        cast.tree.a,
        ImportBatch.Kind.PEOPLE,
        text.encode("utf-16-le"),
        cast.a_admin,
        name="nguoi.csv",
    )
    assert not text.encode("utf-16-le").startswith(codecs.BOM_UTF16_LE)
    if batch.status == ImportBatch.Status.CHECKED:
        assert batch.rows[0]["full_name"] == "Nguyễn Văn Đức"
    else:
        messages = [problem["message"] for problem in batch.errors]
        assert messages == [
            gettext(
                "The CSV file's encoding is not recognised. Save it as CSV UTF-8 "
                "and retry."
            )
        ]


@pytest.mark.postgresql
def test_a_unit_name_of_255_hangul_syllables_is_imported(cast):
    rows = [
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"],
        ["CB-A-HQ", "한" * 255, "Công đoàn cơ sở", "CB-A"],
    ]
    batch = check(
        cast.tree.a,
        ImportBatch.Kind.UNITS,
        csv_text(rows).encode("utf-8"),
        cast.a_admin,
        name="don-vi.csv",
    )
    assert batch.status == ImportBatch.Status.CHECKED
    batch = batches.apply_batch(batch=batch, actor=cast.a_admin)
    assert batch.status == ImportBatch.Status.APPLIED
    assert Unit.objects.get(code="CB-A-HQ").name == "한" * 255


# --- Input dropped without a word -----------------------------------------------------


def test_an_author_row_without_a_name_is_not_dropped_silently(
    cast, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    me = cast.a1_member
    rows = [
        author_row(me, "100"),
        author_row(
            date_of_birth="05/05/1985",
            workplace="",
            position="",
            qualification="Thạc sĩ",
            share="",
        ),
    ]
    response = client_for(me).post(
        reverse("initiatives:create"), form_data(cast.tree.a1, cast.tree.a, rows)
    )
    # Refused with a message beside the row, or kept: never dropped unseen.
    if response.status_code == 302:
        assert Author.objects.filter(qualification="Thạc sĩ").exists()
    else:
        assert response.context["authors"].forms[1].errors
