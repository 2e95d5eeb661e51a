"""The import pages: who may upload, see and apply a batch; template downloads."""

import codecs
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from tests.factories import make_unit
from tests.units.import_helpers import (
    CODE,
    PEOPLE_LABELS,
    UNIT_HEADER,
    UNIT_LABELS,
    check_units,
    counts,
    csv_bytes,
    problem,
    unit_row,
    vi,
    xlsx_bytes,
)
from units.models import ImportBatch, Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with override("vi"):
        yield


def start_url(unit):
    return reverse("units:import_start", args=[unit.pk])


def apply_url(batch):
    return reverse("units:import_apply", args=[batch.pk])


def good_file(name="don-vi.xlsx"):
    rows = [
        UNIT_HEADER,
        unit_row("CB-A-N1", "Công đoàn Trường A", "CĐCS", "CB-A-XA"),
        unit_row("CB-A-XA", "Công đoàn cụm xã", "cấp trên", "CB-A"),
    ]
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- The upload page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("a_admin", 200),
        ("province_admin", 200),
        ("superuser", 200),
        ("outsider", 404),
        ("b_admin", 404),
        ("a1_member", 404),
        ("a_officer", 403),
        ("a_staff", 403),
    ],
)
def test_upload_page_access(cast, client_for, who, status):
    client = client_for(getattr(cast, who))

    assert client.get(start_url(cast.tree.a)).status_code == status
    response = client.post(
        start_url(cast.tree.a), {"kind": "units", "file": good_file()}
    )
    assert response.status_code == (302 if status == 200 else status)
    assert ImportBatch.objects.count() == (1 if status == 200 else 0)


def test_upload_page_sends_anonymous_visitors_to_sign_in(cast, client_for):
    client = client_for(None)
    url = start_url(cast.tree.a)

    for response in (
        client.get(url),
        client.post(url, {"kind": "units", "file": good_file()}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    assert ImportBatch.objects.count() == 0


def test_upload_check_and_apply_through_the_pages(cast, client_for):
    client = client_for(cast.a_admin)
    before = counts()

    response = client.post(
        start_url(cast.tree.a), {"kind": "units", "file": good_file()}
    )

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert batch.status == ImportBatch.Status.CHECKED
    assert (batch.unit, batch.created_by, batch.filename) == (
        cast.tree.a,
        cast.a_admin,
        "don-vi.xlsx",
    )
    assert counts() == before
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert page.context["can_apply"] is True
    assert apply_url(batch) in page.content.decode()
    assert "Công đoàn cụm xã" in page.content.decode()

    response = client.post(apply_url(batch))

    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert messages_of(response) == [
        vi("The import is done: %(count)d rows were added.", count=2)
    ]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert counts()["units"] == before["units"] + 2
    assert Unit.objects.get(code="CB-A-N1").path.startswith(cast.tree.a.path)
    # A second click writes nothing more.
    response = client.post(apply_url(batch))
    assert messages_of(response)[-1] == vi(
        "This file cannot be applied: it has errors or was applied already."
    )
    assert counts()["units"] == before["units"] + 2


def test_upload_page_shows_the_problems_of_a_bad_file(cast, client_for):
    client = client_for(cast.a_admin)
    rows = [UNIT_HEADER, unit_row("cb-a1", "Công đoàn Trường A")]
    upload = SimpleUploadedFile("loi.csv", csv_bytes(rows))

    response = client.post(
        start_url(cast.tree.a), {"kind": "units", "file": upload}, follow=True
    )

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.INVALID
    message = vi("A unit with the code %(code)s already exists.", code="cb-a1")
    assert batch.errors == [problem(2, CODE, message)]
    assert response.context["can_apply"] is False
    assert message in response.content.decode()
    assert apply_url(batch) not in response.content.decode()


def test_empty_upload_is_refused_by_the_form(cast, client_for):
    client = client_for(cast.a_admin)

    response = client.post(
        start_url(cast.tree.a),
        {"kind": "units", "file": SimpleUploadedFile("rong.csv", b"")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


@override_settings(UPLOAD_MAX_MB=1)
def test_upload_over_the_size_limit(cast, client_for):
    client = client_for(cast.a_admin)
    data = csv_bytes([UNIT_HEADER, unit_row("CB-A-N1", "Công đoàn Trường A")])
    data += b"\n" * (1024 * 1024 + 1 - len(data))
    upload = SimpleUploadedFile("lon.csv", data)

    client.post(start_url(cast.tree.a), {"kind": "units", "file": upload})

    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        problem(None, "", vi("The file is larger than %(mb)d MB.", mb=1))
    ]


# --- Seeing and applying a batch --------------------------------------------------


def test_apply_refuses_get(cast, client_for):
    batch = check_units(cast.tree.a, [unit_row("CB-A-N1", "A")], cast.a_admin)
    client = client_for(cast.a_admin)

    assert client.get(apply_url(batch)).status_code == 405
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("a_admin", 200),
        ("province_admin", 200),
        ("b_admin", 404),
        ("a_officer", 404),
        ("a_staff", 404),
        ("outsider", 404),
    ],
)
def test_batch_is_seen_only_by_admins_over_its_unit(cast, client_for, who, status):
    batch = check_units(cast.tree.a, [unit_row("CB-A-N1", "A")], cast.a_admin)
    client = client_for(getattr(cast, who))
    before = counts()

    assert client.get(batch.get_absolute_url()).status_code == status
    response = client.post(apply_url(batch))

    assert response.status_code == (302 if status == 200 else 404)
    batch.refresh_from_db()
    if status == 200:
        assert batch.status == ImportBatch.Status.APPLIED
    else:
        assert batch.status == ImportBatch.Status.CHECKED
        assert counts() == before


def test_batch_pages_send_anonymous_visitors_to_sign_in(cast, client_for):
    batch = check_units(cast.tree.a, [unit_row("CB-A-N1", "A")], cast.a_admin)
    client = client_for(None)

    for response in (
        client.get(batch.get_absolute_url()),
        client.post(apply_url(batch)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_apply_view_refuses_a_batch_with_errors(cast, client_for):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Công đoàn Trường B", parent="CB-B"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)
    assert batch.status == ImportBatch.Status.INVALID
    before = counts()

    response = client_for(cast.a_admin).post(apply_url(batch))

    assert response.status_code == 302
    assert messages_of(response) == [
        vi("This file cannot be applied: it has errors or was applied already.")
    ]
    assert counts() == before
    assert not Unit.objects.filter(code="CB-A-N1").exists()


def test_apply_view_rechecks_data_changed_since_the_check(cast, client_for):
    rows = [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Công đoàn Trường B"),
    ]
    batch = check_units(cast.tree.a, rows, cast.a_admin)
    make_unit(cast.tree.b, UnitKind.GRASSROOTS, "CB-A-N1", "Công đoàn khác")
    before = counts()
    client = client_for(cast.a_admin)

    response = client.post(apply_url(batch))

    assert messages_of(response) == [
        vi(
            "Nothing was imported: the data changed since the check. "
            "See the errors below."
        )
    ]
    assert counts() == before
    batch.refresh_from_db()
    message = vi("A unit with the code %(code)s already exists.", code="CB-A-N1")
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [problem(2, CODE, message)]
    page = client.get(batch.get_absolute_url())
    assert message in page.content.decode()
    assert page.context["can_apply"] is False


# --- Templates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "labels", "filename"),
    [
        ("units", UNIT_LABELS, "mau-nhap-don-vi"),
        ("people", PEOPLE_LABELS, "mau-nhap-nguoi"),
    ],
)
def test_xlsx_templates(cast, client_for, kind, labels, filename):
    response = client_for(cast.a_admin).get(
        reverse("units:import_template", args=[kind, "xlsx"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="{filename}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    data, guide = workbook.worksheets
    assert [cell.value for cell in data[1]] == labels
    assert data.max_column == len(labels)
    # The guide lists every column, the required ones marked.
    assert [row[0] for row in guide.iter_rows(min_row=2, values_only=True)] == labels


@pytest.mark.parametrize(
    ("kind", "labels", "filename"),
    [
        ("units", UNIT_LABELS, "mau-nhap-don-vi"),
        ("people", PEOPLE_LABELS, "mau-nhap-nguoi"),
    ],
)
def test_csv_templates(cast, client_for, kind, labels, filename):
    response = client_for(cast.a_admin).get(
        reverse("units:import_template", args=[kind, "csv"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}.csv"'
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content[len(codecs.BOM_UTF8) :].decode("utf-8")
    assert text.splitlines() == [",".join(labels)]


def test_filled_in_csv_template_is_accepted(cast, client_for):
    client = client_for(cast.a_admin)
    template = client.get(reverse("units:import_template", args=["units", "csv"]))
    filled = template.content + "CB-A-N1,Công đoàn Trường A,,CĐCS,CB-A,,,\r\n".encode()

    client.post(
        start_url(cast.tree.a),
        {"kind": "units", "file": SimpleUploadedFile("mau.csv", filled)},
    )

    batch = ImportBatch.objects.get()
    assert batch.errors == []
    assert batch.rows[0]["name"] == "Công đoàn Trường A"


@pytest.mark.parametrize(
    "path",
    [
        "/units/import-template/awards.xlsx",
        "/units/import-template/units.xls",
        "/units/import-template/people.pdf",
    ],
)
def test_unknown_template_is_404(cast, client_for, path):
    assert reverse("units:import_template", args=["units", "xlsx"]).startswith(
        "/units/import-template/"
    )
    assert client_for(cast.a_admin).get(path).status_code == 404


def test_templates_need_sign_in(cast, client_for):
    response = client_for(None).get(
        reverse("units:import_template", args=["units", "xlsx"])
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
