"""The movement's records and pacts: who may open each page, recording a launch,
review or inspection with its document, recording a pact with its signatories,
and the records page of a unit and year.

The permission table covers every URL name of `awards.views.records`; a URL added
there without a row here fails.
"""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import MovementRecord, Pact, PactSignatory
from awards.services import SignatoryData
from awards.views import records as views_records
from tests.factories import make_unit
from tests.initiatives.helpers import assert_login_redirect
from units.models import EmulationBlock, EmulationBlockMember, Unit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def day(month=1, dom=15) -> datetime.date:
    return min(datetime.date(YEAR, month, dom), TODAY)


def typed(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def pdf(name="ke-hoach.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def text_of(response) -> str:
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def make_record(unit, actor, kind=MovementRecord.Kind.LAUNCH, **extra):
    return services.record_create(
        unit=unit,
        actor=actor,
        kind=kind,
        year=extra.pop("year", YEAR),
        held_on=extra.pop("held_on", day()),
        title=extra.pop("title", f"Phát động phong trào {YEAR}"),
        **extra,
    )


def make_pact(organizer, actor, *units, **extra):
    return services.pact_create(
        organizer=organizer,
        actor=actor,
        year=YEAR,
        signed_on=day(2, 1),
        title=extra.pop("title", f"Giao ước thi đua năm {YEAR}"),
        signatories=[
            SignatoryData(
                unit=u, signer_name="Nguyễn Văn Ký", signer_position="Chủ tịch"
            )
            for u in units
        ],
        **extra,
    )


@pytest.fixture
def objs(cast):
    """A launch of CB-A1 with its plan, one without a file, and a pact organised
    by CB-A and signed by CB-A1 and CB-A2 (with its document)."""
    tree = cast.tree
    return {
        "record": make_record(tree.a1, cast.a_admin, upload=pdf()),
        "bare": make_record(tree.a1, cast.a_admin, title="Tuyên truyền"),
        "pact": make_pact(tree.a, cast.a_admin, tree.a1, tree.a2, upload=pdf()),
    }


# --- Who may open what ------------------------------------------------------------

LOGIN, OK = "login", 200


def _urls(cast, objs):
    a1 = cast.tree.a1.pk
    record, pact = objs["record"].pk, objs["pact"].pk
    return {
        "records": reverse("awards:records") + f"?unit={a1}",
        "record_create": reverse("awards:record_create") + f"?unit={a1}",
        "record": reverse("awards:record", args=[record]),
        "record_file": reverse("awards:record_file", args=[record]),
        "pact_create": reverse("awards:pact_create") + f"?unit={a1}",
        "pact": reverse("awards:pact", args=[pact]),
        "pact_file": reverse("awards:pact_file", args=[pact]),
        "unit_ratings": reverse("awards:unit_ratings", args=[cast.tree.a.pk]),
        "member_ratings": reverse("awards:member_ratings", args=[a1]),
        "ratings_import": reverse("awards:ratings_import", args=[a1]),
        "ratings_template": reverse("awards:ratings_template", args=[a1, "units"]),
    }


# URL name -> who -> status of a GET. a1_member holds a role on CB-A1 only.
TABLE = {
    "records": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": OK,
        "a_officer": OK,
        "province_admin": OK,
    },
    "record_create": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": 403,
        "a1_support": 403,
        "a_staff": OK,
        "province_staff": OK,
    },
    "record": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "b1_member": 404,
        "a1_member": OK,
        "a_admin": OK,
    },
    "record_file": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": OK,
        "province_admin": OK,
    },
    "pact_create": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": 403,
        "a_officer": OK,
    },
    # The pact is organised by CB-A: a1_member sees it as CB-A1 signed it.
    "pact": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": OK,
        "a_admin": OK,
    },
    "pact_file": {None: LOGIN, "outsider": 404, "b_admin": 404, "a1_member": OK},
    # CB-A is out of a1_member's scope.
    "unit_ratings": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": 404,
        "a_officer": OK,
        "province_staff": OK,
    },
    "member_ratings": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": 403,
        "a1_support": 403,
        "a_admin": OK,
    },
    "ratings_import": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": 403,
        "a_staff": OK,
    },
    "ratings_template": {
        None: LOGIN,
        "outsider": 404,
        "b_admin": 404,
        "a1_member": 403,
        "a_admin": OK,
    },
}


def test_every_url_name_has_a_row_in_the_table():
    assert {p.name for p in views_records.urlpatterns} == set(TABLE)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access_table(cast, objs, client_for, name):
    url = _urls(cast, objs)[name]
    for who, expected in TABLE[name].items():
        user = getattr(cast, who) if who else None
        response = client_for(user).get(url)
        if expected == LOGIN:
            assert_login_redirect(response, url)
        else:
            assert response.status_code == expected, (name, who, response.status_code)


WRITES = ["record_create", "pact_create", "unit_ratings", "member_ratings"]


@pytest.mark.parametrize("name", [*WRITES, "ratings_import"])
def test_a_member_in_scope_cannot_post(cast, objs, client_for, name):
    urls = _urls(cast, objs)
    url = urls[name]
    if name == "unit_ratings":
        url = reverse("awards:unit_ratings", args=[cast.tree.a1.pk])
    count = MovementRecord.objects.count(), Pact.objects.count()
    response = client_for(cast.a1_member).post(url, {})
    assert response.status_code == 403
    assert (MovementRecord.objects.count(), Pact.objects.count()) == count


@pytest.mark.parametrize(
    "name",
    ["records", "record", "record_file", "pact", "pact_file", "ratings_template"],
)
def test_read_only_pages_refuse_post(cast, objs, client_for, name):
    response = client_for(cast.a_admin).post(_urls(cast, objs)[name], {})
    assert response.status_code == 405


def test_a_dissolved_unit_gets_no_new_records(cast, client_for):
    unit = cast.tree.a2
    unit.dissolved_on = TODAY - datetime.timedelta(days=1)
    unit.save()
    client = client_for(cast.a_admin)
    url = reverse("awards:record_create") + f"?unit={unit.pk}"
    assert client.get(url).status_code == 403


def test_without_a_unit_the_records_page_shows_the_users_top_unit(cast, client_for):
    response = client_for(cast.a_admin).get(reverse("awards:records"))
    assert response.status_code == 200
    assert response.context["unit"] == cast.tree.a
    assert response.context["year"] == YEAR
    # Nobody to show for someone without a role.
    assert client_for(cast.outsider).get(reverse("awards:records")).status_code == 404


def test_unit_picker_lists_only_visible_units(cast, client_for):
    response = client_for(cast.a_admin).get(reverse("awards:records"))
    codes = {u.code for u in response.context["units"]}
    assert codes == {"CB-A", "CB-A1", "CB-A2"}


# --- Recording a launch, review or inspection ---------------------------------------


def record_data(**extra):
    data = {
        "kind": MovementRecord.Kind.LAUNCH,
        "year": str(YEAR),
        "held_on": typed(day()),
        "title": "Kế hoạch phát động phong trào",
        "summary": "",
        "inspected_unit": "",
    }
    data.update(extra)
    return data


def test_an_inspection_is_recorded_with_its_report(cast, client_for, media):
    client = client_for(cast.a_staff)
    url = reverse("awards:record_create") + f"?unit={cast.tree.a.pk}&kind=inspection"
    form = client.get(url).context["form"]
    assert form["kind"].value() == "inspection"
    assert set(form.fields["inspected_unit"].queryset) == {cast.tree.a1, cast.tree.a2}
    response = client.post(
        url,
        record_data(
            kind="inspection",
            title="Kiểm tra CĐCS Trường THPT Chuyên",
            summary="Thực hiện tốt <b>quy chế</b>.",
            inspected_unit=str(cast.tree.a1.pk),
            file=pdf("Biên bản kiểm tra.pdf"),
        ),
    )
    record = MovementRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("awards:record", args=[record.pk])
    assert record.unit == cast.tree.a
    assert record.inspected_unit == cast.tree.a1
    assert record.recorded_by == cast.a_staff
    assert record.file_name == "Biên bản kiểm tra.pdf"
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]]
    assert "&lt;b&gt;quy chế&lt;/b&gt;" in page.content.decode()
    download = client.get(reverse("awards:record_file", args=[record.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "Bi%C3%AAn%20b%E1%BA%A3n" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_a_record_without_a_file_has_no_download(cast, objs, client_for):
    client = client_for(cast.a_admin)
    url = reverse("awards:record_file", args=[objs["bare"].pk])
    assert client.get(url).status_code == 404


def test_bad_input_is_refused_beside_the_fields_in_vietnamese(cast, client_for):
    client = client_for(cast.a_admin)
    url = reverse("awards:record_create") + f"?unit={cast.tree.a.pk}"
    response = client.post(url, record_data(held_on="31/02/2024", title=""))
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["held_on"] == ["Nhập ngày theo định dạng dd/mm/yyyy."]
    assert form.errors["title"] == ["Trường này là bắt buộc."]
    # What was typed stays in the form.
    assert 'value="31/02/2024"' in response.content.decode()
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(url, record_data(held_on=typed(tomorrow)))
    assert response.context["form"].errors["held_on"] == [
        "Ngày không được sau ngày hiện tại."
    ]
    assert not MovementRecord.objects.exists()


def test_an_inspection_needs_the_inspected_union_and_findings(cast, client_for):
    client = client_for(cast.a_admin)
    url = reverse("awards:record_create") + f"?unit={cast.tree.a.pk}"
    response = client.post(url, record_data(kind="inspection"))
    form = response.context["form"]
    assert "inspected_unit" in form.errors
    assert "summary" in form.errors
    # A union outside the unit is not even offered.
    response = client.post(
        url,
        record_data(
            kind="inspection", summary="Tốt", inspected_unit=str(cast.tree.b1.pk)
        ),
    )
    assert response.context["form"].errors["inspected_unit"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các "
        "lựa chọn khả thi."
    ]
    assert not MovementRecord.objects.exists()


def test_a_text_file_renamed_pdf_is_refused(cast, client_for, media):
    client = client_for(cast.a_admin)
    url = reverse("awards:record_create") + f"?unit={cast.tree.a.pk}"
    fake = SimpleUploadedFile(
        "bao-cao.pdf", b"just text", content_type="application/pdf"
    )
    response = client.post(url, record_data(file=fake))
    errors = response.context["form"].errors["file"]
    assert errors[0].startswith("Chỉ chấp nhận tệp PDF")
    assert not MovementRecord.objects.exists()
    assert stored_files(media) == []


# --- Pacts --------------------------------------------------------------------------


def pact_data(rows, **extra):
    data = {
        "year": str(YEAR),
        "signed_on": typed(day(2, 1)),
        "title": "Giao ước thi đua khối trường học",
        "content": "Thi đua dạy tốt, học tốt.",
        "block": "",
        "signatories-TOTAL_FORMS": str(len(rows) + 2),
        "signatories-INITIAL_FORMS": "0",
        "signatories-MIN_NUM_FORMS": "1",
        "signatories-MAX_NUM_FORMS": "200",
    }
    for index, row in enumerate([*rows, ("", "", ""), ("", "", "")]):
        unit, name, position = row
        data[f"signatories-{index}-unit"] = str(unit.pk) if unit else ""
        data[f"signatories-{index}-signer_name"] = name
        data[f"signatories-{index}-signer_position"] = position
    data.update(extra)
    return data


def test_a_pact_is_recorded_with_its_signatories(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_officer)
    url = reverse("awards:pact_create") + f"?unit={tree.a.pk}"
    page = client.get(url)
    assert page.context["formset"].total_form_count() == 4  # 1 required + 3 extra
    response = client.post(
        url,
        pact_data(
            [(tree.a1, "Nguyễn Thị Lan", "Chủ tịch"), (tree.a2, "Trần Văn Minh", "")],
            file=pdf("giao-uoc.pdf"),
        ),
    )
    pact = Pact.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("awards:pact", args=[pact.pk])
    assert pact.organizer == tree.a
    assert [(s.unit, s.signer_name) for s in pact.signatories.all()] == [
        (tree.a1, "Nguyễn Thị Lan"),
        (tree.a2, "Trần Văn Minh"),
    ]
    detail = client.get(response.url)
    assert "Nguyễn Thị Lan" in text_of(detail)
    download = client.get(reverse("awards:pact_file", args=[pact.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="giao-uoc.pdf"' in download["Content-Disposition"]


def test_a_pact_needs_a_signatory_and_no_unit_twice(cast, client_for):
    tree = cast.tree
    client = client_for(cast.a_admin)
    url = reverse("awards:pact_create") + f"?unit={tree.a.pk}"
    response = client.post(url, pact_data([]))
    assert response.status_code == 200
    # In Vietnamese, not Django's "Please submit at least 1 form.", and shown.
    assert response.context["formset"].non_form_errors() == [
        "Cần có ít nhất 1 đơn vị ký giao ước."
    ]
    assert "Cần có ít nhất 1 đơn vị ký giao ước." in text_of(response)
    response = client.post(
        url, pact_data([(tree.a1, "Lan", ""), (tree.a1, "Minh", "")])
    )
    assert response.context["formset"].non_form_errors()
    response = client.post(url, pact_data([(tree.a1, "", "Chủ tịch")]))
    assert response.context["formset"].forms[0].errors["signer_name"] == [
        "Trường này là bắt buộc."
    ]
    assert not Pact.objects.exists()
    assert not PactSignatory.objects.exists()


def test_a_pact_in_a_block_is_signed_by_its_members_only(cast, client_for):
    tree = cast.tree
    block = EmulationBlock.objects.create(
        organizer=tree.a, year=YEAR, name="Khối trường THPT"
    )
    EmulationBlockMember.objects.create(block=block, unit=tree.a1)
    client = client_for(cast.a_admin)
    url = reverse("awards:pact_create") + f"?unit={tree.a.pk}"
    response = client.post(url, pact_data([(tree.a2, "Minh", "")], block=str(block.pk)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Pact.objects.exists()
    response = client.post(url, pact_data([(tree.a1, "Lan", "")], block=str(block.pk)))
    assert response.status_code == 302
    assert Pact.objects.get().block == block


def test_another_units_block_is_not_offered(cast, client_for):
    other = EmulationBlock.objects.create(
        organizer=cast.tree.b, year=YEAR, name="Khối bệnh viện"
    )
    client = client_for(cast.a_admin)
    url = reverse("awards:pact_create") + f"?unit={cast.tree.a.pk}"
    response = client.post(
        url, pact_data([(cast.tree.a1, "Lan", "")], block=str(other.pk))
    )
    assert "block" in response.context["form"].errors
    assert not Pact.objects.exists()


# --- The records page ---------------------------------------------------------------


def test_the_records_page_shows_the_year_by_section(cast, objs, client_for):
    tree = cast.tree
    make_record(
        tree.a,
        cast.a_admin,
        kind="inspection",
        title="Kiểm tra CĐCS Tiểu học",
        summary="Đạt",
        inspected_unit=tree.a2,
    )
    make_record(
        tree.a1,
        cast.a_admin,
        title="Năm trước",
        year=YEAR - 1,
        held_on=day().replace(year=YEAR - 1),
    )
    client = client_for(cast.a_admin)
    response = client.get(reverse("awards:records") + f"?unit={tree.a1.pk}")
    text = text_of(response)
    assert f"Phát động phong trào {YEAR}" in text
    assert "Tuyên truyền" in text
    assert "Năm trước" not in text
    # The pact organised by CB-A is listed at CB-A1, which signed it.
    assert f"Giao ước thi đua năm {YEAR}" in text
    assert response.context["can_record"] and response.context["can_organise"]
    inspections = client.get(reverse("awards:records") + f"?unit={tree.a.pk}")
    sections = inspections.context["sections"]
    assert [r.title for r in sections[2].records] == ["Kiểm tra CĐCS Tiểu học"]
    last_year = client.get(
        reverse("awards:records") + f"?unit={tree.a1.pk}&year={YEAR - 1}"
    )
    assert "Năm trước" in text_of(last_year)
    assert not last_year.context["pacts"]


def test_a_member_sees_the_records_without_add_buttons(cast, objs, client_for):
    response = client_for(cast.a1_member).get(
        reverse("awards:records") + f"?unit={cast.tree.a1.pk}"
    )
    assert not response.context["can_record"]
    assert reverse("awards:record_create") not in response.content.decode()


def test_an_empty_year_says_so(cast, client_for):
    response = client_for(cast.a_admin).get(
        reverse("awards:records") + f"?unit={cast.tree.a.pk}&year=2001"
    )
    assert response.status_code == 200
    assert all(not s.records for s in response.context["sections"])
    assert not response.context["pacts"]


def _records_page_queries(client, unit) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("awards:records") + f"?unit={unit.pk}")
    assert response.status_code == 200
    return len(queries)


def test_records_page_queries_do_not_grow_with_rows(cast, client_for):
    tree = cast.tree
    extra = [make_unit(tree.a, Unit.Kind.GRASSROOTS, f"CB-A{n}") for n in range(3, 7)]
    client = client_for(cast.a_admin)

    def add(count):
        for n in range(count):
            make_record(
                tree.a, cast.a_admin, title=f"Sơ kết {n}", kind="interim_review"
            )
            make_record(
                tree.a,
                cast.a_admin,
                kind="inspection",
                title=f"Kiểm tra {n}",
                summary="Đạt",
                inspected_unit=[tree.a1, tree.a2, *extra][n],
            )
            make_pact(tree.a, cast.a_admin, tree.a1, [tree.a2, *extra][n])

    add(2)
    few = _records_page_queries(client, tree.a)
    add(4)
    assert (
        len(
            client.get(reverse("awards:records") + f"?unit={tree.a.pk}").context[
                "pacts"
            ]
        )
        == 6
    )
    many = _records_page_queries(client, tree.a)
    assert many == few
