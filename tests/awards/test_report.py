"""The movement report: counts against a data set with known answers, every
number's link lands on a list with the same total, scope, outputs and queries."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from awards import dossier as dossiers
from awards import report as movement
from awards.models import Award, AwardForm, MovementRecord
from documents import rendering
from initiatives.models import Field, Initiative, Registration, Status
from tests.awards.conftest import YEAR
from tests.factories import make_unit
from tests.initiatives.helpers import assert_login_redirect, pdf_text
from units.models import Unit

pytestmark = pytest.mark.django_db

STEPS = movement.STEPS
HOSTILE = '<img src="http://127.0.0.1:9/x.png"> =HYPERLINK("http://x")'


def make_request(unit, year, status, creator, **extra):
    """A request at a given stage, written straight to the database."""
    submitted = status != Status.DRAFT
    accepted = status in (
        Status.ACCEPTED,
        Status.UNDER_REVIEW,
        Status.RECOGNISED,
        Status.NOT_RECOGNISED,
    )
    fields = {
        "kind": Initiative.Kind.INITIATIVE,
        "level": Initiative.Scope.GRASSROOTS,
        "field": Field.objects.order_by("pk").first(),
        **extra,
    }
    return Initiative.objects.create(
        year=year,
        unit=unit,
        recognizing_unit=unit,
        title=f"Sáng kiến {unit.code} {year} {status}",
        status=status,
        created_by=creator,
        submitted_at=timezone.now() if submitted else None,
        accepted_on=datetime.date(year, 3, 1) if accepted else None,
        **fields,
    )


def make_registration(unit, year, person, *, withdrawn=False):
    return Registration.objects.create(
        year=year,
        unit=unit,
        registrant=person,
        title=f"Đăng ký {unit.code} {year}",
        kind=Initiative.Kind.INITIATIVE,
        field_other="Giáo dục",
        expected_completion=datetime.date(year, 12, 31),
        withdrawn_at=timezone.now() if withdrawn else None,
    )


@pytest.fixture
def seeded(selected_round, cast):
    """The province's year, with answers known in advance.

    From `selected_round` (CB-A's round): CB-A1 launched, propagated, signed a
    pact and held its review; one registration at CB-A1; two requests filed at
    CB-A1 and recognised by its council, both in CB-A1's Gold Book; the round's
    two nominees (CB-A1 and a member of CB-A1) awarded below.

    Added here, this year: at CB-B1 two registrations (and one withdrawn), a
    request submitted, one accepted, one recognised (its field typed in), one
    research topic at the province level still a draft (not filed); at CB-P1 one
    recognised; at the province itself one submitted. Last year: one
    registration and two recognised requests at CB-A2. Six years ago: one
    request at CB-B1, outside the five years compared.
    """
    award_round, candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    dossier = dossiers.dossier_send(dossier=dossier, actor=cast.a_staff)
    dossier = dossiers.dossier_accept(dossier=dossier, actor=cast.province_staff)
    dossiers.decision_record(
        dossier=dossier,
        actor=cast.province_staff,
        award_form=AwardForm.objects.get(name="Giấy khen"),
        symbol="125/QĐ-LĐLĐ",
        issued_on=timezone.localdate(),
        awardees=candidates,
    )
    tree, creator = cast.tree, cast.province_staff
    for withdrawn in (False, False, True):
        make_registration(tree.b1, YEAR, cast.b1_member, withdrawn=withdrawn)
    make_request(tree.b1, YEAR, Status.SUBMITTED, creator)
    make_request(tree.b1, YEAR, Status.ACCEPTED, creator)
    make_request(
        tree.b1, YEAR, Status.RECOGNISED, creator, field=None, field_other="Y tế"
    )
    make_request(
        tree.b1,
        YEAR,
        Status.DRAFT,
        creator,
        kind=Initiative.Kind.RESEARCH,
        level=Initiative.Scope.PROVINCE,
    )
    make_request(tree.p1, YEAR, Status.RECOGNISED, creator)
    make_request(tree.province, YEAR, Status.SUBMITTED, creator)
    make_registration(tree.a2, YEAR - 1, cast.a1_member)
    make_request(tree.a2, YEAR - 1, Status.RECOGNISED, creator)
    make_request(tree.a2, YEAR - 1, Status.RECOGNISED, creator)
    make_request(tree.b1, YEAR - 5, Status.SUBMITTED, creator)
    return cast


def counts(row) -> list[int]:
    return [row[step].count for step in STEPS]


def by_label(report) -> dict[str, list[int]]:
    return {
        (f"{row.label} (own)" if row.own else row.label): counts(row)
        for row in report.by_unit
    }


def test_the_province_report_counts_what_was_seeded(seeded):
    tree = seeded.tree
    report = movement.movement_report(tree.province, YEAR)
    #                              reg filed acc rec gold award
    assert counts(report.this_year) == [3, 7, 5, 4, 2, 2]
    assert counts(report.last_year) == [1, 2, 2, 2, 0, 0]
    assert counts(report.by_year[YEAR - 4]) == [0, 0, 0, 0, 0, 0]
    assert report.years == list(range(YEAR - 4, YEAR + 1))
    assert by_label(report) == {
        tree.department.name: [0, 0, 0, 0, 0, 0],
        tree.a.name: [1, 2, 2, 2, 2, 2],
        tree.b.name: [2, 3, 2, 1, 0, 0],
        tree.p1.name: [0, 1, 1, 1, 0, 0],
        f"{tree.province.name} (own)": [0, 1, 0, 0, 0, 0],
    }
    # The rows add up to the total.
    for index in range(len(STEPS)):
        assert (
            sum(row[index] for row in by_label(report).values())
            == (counts(report.total)[index])
        )
    breakdowns = {b.title_vi: dict(b.rows) for b in report.breakdowns}
    statuses = {str(k): v.count for k, v in breakdowns["Theo tình trạng"].items()}
    assert statuses == {
        str(Initiative.Status(Status.SUBMITTED).label): 2,
        str(Initiative.Status(Status.ACCEPTED).label): 1,
        str(Initiative.Status(Status.RECOGNISED).label): 4,
    }
    fields = {v.url: v.count for v in breakdowns["Theo lĩnh vực"].values()}
    typed_in = [url for url in fields if "field=other" in url]
    assert len(typed_in) == 1 and fields.pop(typed_in[0]) == 1
    assert sum(fields.values()) == 6
    assert sum(c.count for c in breakdowns["Theo loại"].values()) == 7
    assert [b.total for b in report.breakdowns] == [7, 7, 7, 7]
    assert report.changes[1] == ("filed", 7, 2, 250)


def test_a_unit_s_report_covers_its_subtree_only(seeded):
    tree = seeded.tree
    report = movement.movement_report(tree.b, YEAR)
    assert counts(report.this_year) == [2, 3, 2, 1, 0, 0]
    assert by_label(report) == {tree.b1.name: [2, 3, 2, 1, 0, 0]}
    grassroots = movement.movement_report(tree.a2, YEAR - 1)
    assert counts(grassroots.this_year) == [1, 2, 2, 2, 0, 0]
    assert grassroots.by_unit[0].own and len(grassroots.by_unit) == 1


def test_gaps_and_the_strongest_units(seeded):
    tree = seeded.tree
    report = movement.movement_report(tree.province, YEAR)
    # Running the movement: the province, CB-A, CB-B and the four grassroots
    # unions (the department does not); only CB-A1 launched, signed and reviewed.
    assert report.expected_units == 7
    assert {gap.key: gap.count for gap in report.gaps} == {
        "launch": 6,
        "pact": 6,
        "review": 6,
    }
    assert tree.a1 not in movement.gap_units(tree.province, YEAR, "launch")
    assert tree.department not in movement.gap_units(tree.province, YEAR, "launch")
    MovementRecord.objects.create(
        unit=tree.b1,
        year=YEAR,
        kind=MovementRecord.Kind.LAUNCH,
        held_on=datetime.date(YEAR, 1, 5),
        title="Phát động",
        recorded_by=seeded.province_staff,
    )
    report = movement.movement_report(tree.province, YEAR)
    assert report.gaps[0].count == 5
    strongest = [
        (row["name"], row["filed"].count, row["recognised"].count, row["rate"])
        for row in report.strongest
    ]
    assert strongest == [
        # Most recognised first; on a tie, the most filed.
        (tree.a1.name, 2, 2, 100),
        (tree.b1.name, 3, 1, 33),
        (tree.p1.name, 1, 1, 100),
    ]


def listed_total(response) -> int:
    """The total a list page shows for its filters."""
    context = response.context
    if "total" in context:
        return context["total"]
    return context["page"].paginator.count


def report_cells(report):
    for line in report.glance:
        yield line["label"], line["now"]
        yield line["label"], line["before"]
    for row in [*report.by_unit, report.total, *report.years_newest_first]:
        for step in STEPS:
            yield f"{row.label} {step}", row[step]
    for breakdown in report.breakdowns:
        for label, cell in breakdown.rows:
            yield f"{breakdown.title_vi} {label}", cell
    for row in report.strongest:
        yield f"{row['name']} filed", row["filed"]
        yield f"{row['name']} recognised", row["recognised"]
    for gap in report.gaps:
        yield gap.key, gap


def test_every_number_opens_a_list_with_the_same_total(seeded, client_for):
    client = client_for(seeded.province_staff)
    response = client.get(reverse("awards:report"), {"year": YEAR})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.unit == seeded.tree.province
    checked = 0
    for label, cell in report_cells(report):
        assert cell.url in response.text.replace("&amp;", "&"), label
        listed = client.get(cell.url)
        assert listed.status_code == 200, label
        assert listed_total(listed) == cell.count, (label, cell.url)
        checked += 1
    assert checked > 80


def test_the_page_and_the_home_page_agree(seeded, client_for):
    client = client_for(seeded.province_staff)
    home = client.get(reverse("home"))
    report = client.get(reverse("awards:report"), {"year": YEAR}).context["report"]
    steps = home.context["movement"]["steps"]
    assert [s["now"].count for s in steps] == counts(report.this_year)
    assert [s["before"].count for s in steps] == counts(report.last_year)
    assert [s["now"].url for s in steps] == [report.this_year[s].url for s in STEPS]


@pytest.mark.parametrize(
    ("who", "unit", "expected"),
    [
        (None, None, "login"),
        ("outsider", None, 403),
        ("a1_member", None, 403),
        ("a1_support", None, 403),
        ("a1_member", "a1", 403),
        ("a_staff", None, "a"),
        ("a_officer", None, "a"),
        ("a_staff", "a1", "a1"),
        ("a_staff", "province", 404),
        ("a_staff", "b", 404),
        ("b_admin", "b1", "b1"),
        ("province_staff", None, "province"),
        ("province_staff", "b1", "b1"),
        ("superuser", None, "national"),
    ],
)
def test_who_reads_which_report(seeded, client_for, who, unit, expected):
    client = client_for(getattr(seeded, who) if who else None)
    params = {"unit": getattr(seeded.tree, unit).pk} if unit else {}
    names = ["awards:report", "awards:report_xlsx", "awards:report_gaps"]
    if not isinstance(expected, str) or expected == "login":
        names.append("awards:report_pdf")
    for name in names:
        path = reverse(name)
        if expected == "login":
            assert_login_redirect(client.get(path), path)
            continue
        response = client.get(path, {**params, "gap": "launch"})
        if isinstance(expected, int):
            assert response.status_code == expected, (name, who)
        else:
            assert response.status_code == 200, (name, who)
            if name != "awards:report_xlsx":
                assert response.context["unit"] == getattr(seeded.tree, expected)


def test_bad_parameters_are_refused_or_ignored(seeded, client_for):
    client = client_for(seeded.province_staff)
    assert client.get(reverse("awards:report"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("awards:report"), {"unit": "999999"}).status_code == 404
    response = client.get(reverse("awards:report"), {"year": "hai nghìn"})
    assert response.context["year"] == timezone.localdate().year
    response = client.get(reverse("awards:report"), {"year": "1200"})
    assert response.context["year"] == timezone.localdate().year
    gaps = reverse("awards:report_gaps")
    assert client.get(gaps, {"gap": "nothing"}).status_code == 404
    assert client.post(reverse("awards:report")).status_code == 405


def test_the_gap_list_names_the_units(seeded, client_for):
    client = client_for(seeded.province_staff)
    response = client.get(reverse("awards:report_gaps"), {"gap": "pact", "year": YEAR})
    listed = list(response.context["page"].object_list)
    assert len(listed) == 6
    assert seeded.tree.a1 not in listed and seeded.tree.b1 in listed
    assert seeded.tree.b1.name in response.text


def test_the_report_pdf_is_an_official_draft_with_the_charts(
    seeded, client_for, monkeypatch
):
    fetched = []
    original = rendering.StaticFilesFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rendering.StaticFilesFetcher, "fetch", recording)
    Unit.objects.filter(pk=seeded.tree.b.pk).update(name=f"Công đoàn {HOSTILE}")
    client = client_for(seeded.province_staff)
    response = client.get(reverse("awards:report_pdf"), {"year": YEAR})
    assert response["Content-Type"] == "application/pdf"
    assert "bao-cao-phong-trao-CB-" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "BÁOCÁO",
        "DỰTHẢO",
        f"năm{YEAR}",
        "KẾTQUẢCHUNG",
        "ĐƠNVỊTIÊUBIỂU",
        "SOSÁNHQUACÁCNĂM",
        "Kínhgửi:TổngLiênđoànLaođộngViệtNam",
        "/BC-",
    ):
        assert expected in text, expected
    # The hostile unit name is printed as text and nothing is fetched for it.
    assert '<imgsrc="http://127.0.0.1:9/x.png">' in text
    assert all(not url.startswith(("http://127", "file:")) for url in fetched)
    reader = PdfReader(io.BytesIO(response.content))
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)


def test_the_page_escapes_user_text_and_draws_charts_as_outlines(seeded, client_for):
    Unit.objects.filter(pk=seeded.tree.b.pk).update(name=f"Công đoàn {HOSTILE}")
    client = client_for(seeded.province_staff)
    response = client.get(reverse("awards:report"), {"year": YEAR})
    assert '<img src="http://127.0.0.1:9' not in response.text
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;" in response.text
    svgs = re.findall(r"<svg.*?</svg>", response.text, re.DOTALL)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg
        assert "style=" not in svg and "<style" not in svg and "<script" not in svg
        assert "127.0.0.1" not in svg
    ids = re.findall(r' id="([^"]+)"', "".join(svgs))
    assert len(ids) == len(set(ids)), "chart ids clash"


def test_the_workbook_holds_every_table_as_text_safe_cells(seeded, client_for):
    Unit.objects.filter(pk=seeded.tree.b.pk).update(name="=HYPERLINK(1)")
    client = client_for(seeded.province_staff)
    response = client.get(reverse("awards:report_xlsx"), {"year": YEAR})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["Tong hop", f"Theo don vi {YEAR}"]
    summary = [list(r) for r in book["Tong hop"].iter_rows(values_only=True)]
    assert summary[1] == [YEAR, 3, 7, 5, 4, 2, 2]
    assert summary[2] == [YEAR - 1, 1, 2, 2, 2, 0, 0]
    units = book[f"Theo don vi {YEAR}"]
    rows = {row[0].value: row for row in units.iter_rows(min_row=2)}
    hostile = rows["=HYPERLINK(1)"]
    assert hostile[0].data_type == "s"
    assert [c.value for c in hostile[1:]] == [2, 3, 2, 1, 0, 0]
    assert [c.value for c in rows["Tổng cộng"][1:]] == [3, 7, 5, 4, 2, 2]
    gaps = book[f"Don vi chua thuc hien {YEAR}"]
    assert gaps.max_row == 1 + 3 * 6


def _grow(cast, branches: int):
    """More unions under CB-B, each with requests in several years."""
    for index in range(branches):
        union = make_unit(
            cast.tree.b, Unit.Kind.GRASSROOTS, f"CB-B-X{index}", f"Công đoàn X{index}"
        )
        for year in (YEAR, YEAR - 1, YEAR - 3):
            make_request(union, year, Status.RECOGNISED, cast.province_staff)
            make_registration(union, year, cast.b1_member)
        make_unit(cast.tree.province, Unit.Kind.UPPER, f"CB-U{index}", f"Ngành {index}")


def test_queries_do_not_grow_with_units_or_years(
    seeded, client_for, django_assert_max_num_queries
):
    client = client_for(seeded.province_staff)
    pages = {
        "report": (reverse("awards:report"), 13),
        "home": (reverse("home"), 24),
        "gaps": (reverse("awards:report_gaps") + "?gap=launch", 8),
        "awarded": (reverse("awards:awarded") + f"?year={YEAR}", 8),
    }

    def measure():
        used = {}
        for name, (path, bound) in pages.items():
            client.get(path)
            with django_assert_max_num_queries(bound) as captured:
                assert client.get(path).status_code == 200
            used[name] = len(captured)
        return used

    small = measure()
    _grow(seeded, 6)
    assert measure() == small


def test_the_award_list_filters_by_unit_year_and_subject(seeded, client_for):
    client = client_for(seeded.province_staff)
    tree = seeded.tree
    url = reverse("awards:awarded")
    assert client.get(url).context["page"].paginator.count == 2
    people = client.get(url, {"subject": "people"}).context["page"].paginator.count
    assert people == 1
    assert client.get(url, {"unit": tree.b.pk}).context["page"].paginator.count == 0
    assert client.get(url, {"year": YEAR - 1}).context["page"].paginator.count == 0
    direct = client.get(url, {"unit": tree.a.pk, "direct": "on"})
    assert direct.context["page"].paginator.count == 0
    # A member of CB-B1 sees nothing of CB-A's awards.
    other = client_for(seeded.b1_member).get(url)
    assert other.context["page"].paginator.count == 0
    assert Award.objects.count() == 2


def test_the_demo_s_report_matches_its_lists_and_every_role_has_a_next_step(
    client, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    from units.models import User

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    staff = User.objects.get(username="thidua.tinh")
    client.force_login(staff)
    response = client.get(reverse("awards:report"))
    report = response.context["report"]
    assert report.unit.code == "CB" and report.this_year["filed"].count > 0
    for label, cell in report_cells(report):
        assert listed_total(client.get(cell.url)) == cell.count, label
    # Everyone who can sign in to the demo is told what to do next: a task, the
    # movement they keep, or how to start.
    people = User.objects.filter(is_active=True).exclude(password__startswith="!")
    assert people.count() >= 8
    for person in people:
        client.force_login(person)
        home = client.get(reverse("home"))
        assert home.status_code == 200
        context = home.context
        assert context["has_tasks"] or context.get("movement") or context["can_file"], (
            person.username
        )
