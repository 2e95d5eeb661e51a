"""The request form against bad input (quality.md, "Bad input" and "Reliability").

Every refusal goes through the create and edit views: the page comes back (200)
with the message in Vietnamese beside the field (or above the authors table for
the total), everything typed is still in the page, and nothing was written.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext

from initiatives.forms.requests import AuthorForm, InitiativeForm
from initiatives.models import Author, Initiative, InitiativeEvent
from initiatives.services.requests import missing_for_submission
from tests.factories import grant
from tests.initiatives.factories import (
    author_row,
    field_message,
    form_data,
    make_request,
    person,
    vietnamese,
)
from units.forms import DateField
from units.models import Role

pytestmark = pytest.mark.django_db

SELECTS = {"unit", "recognizing_unit", "year", "kind", "field", "level"}
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
HUGE = 100_000


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def counts() -> tuple[int, int, int]:
    return (
        Initiative.objects.count(),
        Author.objects.count(),
        InitiativeEvent.objects.count(),
    )


def snapshot(initiative: Initiative) -> tuple:
    initiative.refresh_from_db()
    return (
        initiative.title,
        initiative.essence,
        initiative.version,
        initiative.period_end,
        list(initiative.authors.values_list("full_name", "share", "user")),
    )


def share_message(value: str) -> str:
    return field_message(AuthorForm.base_fields["share"], value)


def form_message(name: str, value) -> str:
    return field_message(InitiativeForm.base_fields[name], value)


def twice(name: str) -> str:
    return gettext("%(name)s is listed twice.") % {"name": name}


def total(value: str) -> str:
    """The message about the total, the number written as the language writes it
    (99,99 in Vietnamese)."""
    return gettext(
        "The shares add up to %(total)s%%; they must add up to exactly 100%%."
    ) % {"total": number_format(Decimal(value), decimal_pos=2)}


@dataclass
class Case:
    """A bad input: the author rows, other fields, and where the message goes."""

    rows: list[dict]
    where: tuple
    message: object
    fields: dict = field(default_factory=dict)
    not_shown: tuple = ()


def typed(name="Đặng Thị Ngọc Ánh", share="50", born="12/04/1988", **extra):
    return author_row(full_name=name, share=share, date_of_birth=born, **extra)


def bad_cases(cast) -> dict[str, Case]:
    me = cast.a1_member
    today = timezone.localdate()
    return {
        "total 99.99": Case(
            [author_row(me, "33.33"), typed(share="33.33"), typed("Lý Huệ", "33.33")],
            ("total",),
            lambda: total("99.99"),
        ),
        "total 100.01": Case(
            [author_row(me, "50"), typed(share="50,01")],
            ("total",),
            lambda: total("100.01"),
        ),
        "share 0": Case(
            [author_row(me, "100"), typed(share="0")],
            ("row", 1, "share"),
            lambda: share_message("0"),
        ),
        "negative share": Case(
            [author_row(me, "100"), typed(share="-10")],
            ("row", 1, "share"),
            lambda: share_message("-10"),
        ),
        "share over 100": Case(
            [author_row(me, "100.5")],
            ("row", 0, "share"),
            lambda: share_message("100.5"),
        ),
        "three decimals": Case(
            [author_row(me, "66.667"), typed(share="33.333")],
            ("row", 0, "share"),
            lambda: share_message("66.667"),
        ),
        "letters": Case(
            [author_row(me, "năm mươi"), typed(share="50")],
            ("row", 0, "share"),
            lambda: share_message("năm mươi"),
        ),
        "more than 20 authors": Case(
            [author_row(me, "4.8")]
            + [typed(f"Tác giả số {i}", "4.76") for i in range(1, 21)],
            ("total",),
            lambda: gettext("List at most %(num)d authors.") % {"num": 20},
        ),
        "no authors": Case(
            [], ("total",), lambda: gettext("Name at least one author.")
        ),
        "same person by user name and email": Case(
            [author_row(me, "50"), author_row(me, "50", person=me.email.upper())],
            ("total",),
            lambda: twice(str(me)),
        ),
        "same typed name and birth date": Case(
            [author_row(me, "40"), typed(share="30"), typed(share="30")],
            ("total",),
            lambda: twice("Đặng Thị Ngọc Ánh"),
        ),
        "same typed name in other case and decomposed": Case(
            [
                author_row(me, "40"),
                typed(share="30"),
                typed(unicodedata.normalize("NFD", "ĐẶNG THỊ NGỌC ÁNH"), "30"),
            ],
            ("total",),
            lambda: twice("ĐẶNG THỊ NGỌC ÁNH"),
        ),
        "unknown user name": Case(
            [author_row(me, "50"), typed(share="50", person="khong.ton.tai")],
            ("row", 1, "person"),
            lambda: gettext("No person has this user name or email address."),
        ),
        "birth date in the future": Case(
            [
                author_row(me, "50"),
                typed(share="50", born=f"01/01/{today.year + 1}"),
            ],
            ("row", 1, "date_of_birth"),
            lambda: gettext("The date cannot be in the future."),
        ),
        "birth date not a date": Case(
            [author_row(me, "50"), typed(share="50", born="31/02/1990")],
            ("row", 1, "date_of_birth"),
            lambda: field_message(DateField(), "31/02/1990"),
        ),
        "period ends before it starts": Case(
            [author_row(me, "100")],
            ("form", "period_end"),
            lambda: gettext("The end of the period cannot be before its start."),
            {"period_start": "01/06/2024", "period_end": "31/05/2024"},
        ),
        "first application in the future": Case(
            [author_row(me, "100")],
            ("form", "first_applied_on"),
            lambda: gettext("The date cannot be in the future."),
            {"first_applied_on": f"01/01/{today.year + 1}"},
        ),
        "essence of 100,000 characters": Case(
            [author_row(me, "100")],
            ("form", "essence"),
            lambda: form_message("essence", "ể" * HUGE),
            {"essence": "ể" * HUGE},
        ),
        "title of 100,000 characters": Case(
            [author_row(me, "100")],
            ("form", "title"),
            lambda: form_message("title", "a" * HUGE),
            {"title": "Sáng kiến " + "a" * (HUGE - 10)},
        ),
        "NUL bytes in the title": Case(
            [author_row(me, "100")],
            ("form", "title"),
            lambda: gettext("Null characters are not allowed."),
            {"title": "Sổ tay\x00điện tử\x00"},
        ),
        "a listed field and another field": Case(
            [author_row(me, "100")],
            ("form", "field_other"),
            lambda: gettext("Choose a field from the list or write another, not both."),
            {"field_other": "Công tác thanh niên"},
        ),
        "recognised by a sibling union": Case(
            [author_row(me, "100")],
            ("form", "recognizing_unit"),
            lambda: form_message("recognizing_unit", "0"),
            {"recognizing_unit": str(cast.tree.a2.pk)},
            not_shown=("recognizing_unit",),
        ),
        "filed from a union without a role there": Case(
            [author_row(me, "100")],
            ("form", "unit"),
            lambda: form_message("unit", "0"),
            {"unit": str(cast.tree.b1.pk)},
            not_shown=("unit",),
        ),
    }


CASE_NAMES = [
    "total 99.99",
    "total 100.01",
    "share 0",
    "negative share",
    "share over 100",
    "three decimals",
    "letters",
    "more than 20 authors",
    "no authors",
    "same person by user name and email",
    "same typed name and birth date",
    "same typed name in other case and decomposed",
    "unknown user name",
    "birth date in the future",
    "birth date not a date",
    "period ends before it starts",
    "first application in the future",
    "essence of 100,000 characters",
    "title of 100,000 characters",
    "NUL bytes in the title",
    "a listed field and another field",
    "recognised by a sibling union",
    "filed from a union without a role there",
]


def errors_at(response, where) -> list[str]:
    """Return the messages shown at the place: a field, an author row, the total."""
    form, authors = response.context["form"], response.context["authors"]
    if where[0] == "form":
        return list(form.errors.get(where[1], []))
    if where[0] == "row":
        return list(authors.forms[where[1]].errors.get(where[2], []))
    return list(authors.non_form_errors())


def assert_kept(response, data: dict, not_shown=()) -> None:
    """Every value typed is in the page again, author rows included."""
    html = response.content.decode()
    for key, value in data.items():
        if not value or key in not_shown or key.endswith(MANAGEMENT):
            continue
        if key in SELECTS:
            pattern = rf'<option value="{re.escape(value)}"[^>]*\bselected'
            assert re.search(pattern, html), f"{key}={value!r} is not selected"
        else:
            assert escape(value) in html, f"{key} lost what was typed"


@pytest.fixture(params=["create", "edit"])
def target(request, cast, client_for):
    """The page the form is posted to, with what the edit page needs."""
    me = cast.a1_member
    client = client_for(me)
    if request.param == "create":
        return client, reverse("initiatives:create"), {}, None
    draft = make_request(me, cast.tree.a1, cast.tree.a, title="Bản nháp ban đầu")
    url = reverse("initiatives:edit", args=[draft.pk])
    return client, url, {"version": draft.version}, draft


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_is_refused_beside_the_field_and_kept(name, cast, target):
    client, url, extra, draft = target
    case = bad_cases(cast)[name]
    data = form_data(cast.tree.a1, cast.tree.a, case.rows, **extra)
    data.update(case.fields)
    before = counts()
    saved = snapshot(draft) if draft else None

    response = client.post(url, data)

    assert response.status_code == 200
    expected = vietnamese(case.message)
    shown = errors_at(response, case.where)
    assert expected in shown, f"{expected!r} not in {shown!r}"
    assert escape(expected) in response.content.decode()
    assert_kept(response, data, case.not_shown)
    assert counts() == before
    if draft:
        assert snapshot(draft) == saved


def test_a_translated_message_is_never_shown_in_english(cast, client_for):
    """A message the catalogue has is shown in Vietnamese, never in English."""
    client = client_for(cast.a1_member)
    data = form_data(
        cast.tree.a1,
        None,
        [author_row(cast.a1_member, "50"), typed(share="50", person="ai.do")],
    )
    response = client.post(reverse("initiatives:create"), data)
    shown = response.context["authors"].forms[1].errors["person"]
    english = "No person has this user name or email address."
    assert english not in response.content.decode()
    assert shown == [vietnamese(lambda: gettext(english))]


@pytest.mark.parametrize(
    "shares",
    [("33.33", "33.33", "33.34"), ("33,33", "33,33", "33,34"), ("33,33 %", "66.67")],
)
def test_shares_that_add_up_to_100_are_accepted(shares, cast, client_for):
    me = cast.a1_member
    rows = [author_row(me, shares[0])] + [
        typed(f"Đồng tác giả {i}", share, f"0{i}/01/1990")
        for i, share in enumerate(shares[1:], start=1)
    ]
    response = client_for(me).post(
        reverse("initiatives:create"), form_data(cast.tree.a1, cast.tree.a, rows)
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    stored = list(initiative.authors.values_list("share", flat=True))
    expected = [Decimal(s.replace(",", ".").replace("%", "").strip()) for s in shares]
    assert stored == expected
    assert sum(stored) == Decimal("100")
    assert initiative.authors.first().user == me


def test_every_field_of_the_form_is_saved(cast, client_for):
    me = cast.a1_member
    co = person("dongtacgia", cast.tree.a1, full_name="Lý Thị Huệ")
    rows = [
        author_row(me, "60", date_of_birth="05/05/1985", position="Tổ trưởng"),
        author_row(co, "25", person=co.email),
        typed("Hoàng Minh Đức", "15", "03/09/1990", qualification="Thạc sĩ"),
    ]
    data = form_data(cast.tree.a1, cast.tree.province, rows, state_funded="on")
    response = client_for(me).post(reverse("initiatives:create"), data)
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert response["Location"] == initiative.get_absolute_url()
    assert initiative.recognizing_unit == cast.tree.province
    assert initiative.state_funded is True
    assert initiative.investor == "Quỹ xã hội của trường"
    assert initiative.first_applied_on.strftime("%d/%m/%Y") == data["first_applied_on"]
    assert initiative.benefits_confirmation == data["benefits_confirmation"]
    authors = list(initiative.authors.all())
    assert [a.user for a in authors] == [me, co, None]
    assert authors[0].date_of_birth.isoformat() == "1985-05-05"
    assert authors[0].position == "Tổ trưởng"
    assert authors[1].full_name == "Lý Thị Huệ"
    assert authors[2].qualification == "Thạc sĩ"
    event = initiative.events.get()
    assert (event.action, event.actor, event.to_status) == ("created", me, "draft")


def test_service_refuses_a_recognising_unit_outside_the_branch(cast, client_for):
    """A person in two branches is offered both, but A1 is not under B."""
    both = person("hai.nhanh", cast.tree.a1)
    grant(both, cast.tree.b1, Role.SUPPORT_TEAM)
    data = form_data(cast.tree.a1, cast.tree.b, [author_row(both, "100")])
    before = counts()
    response = client_for(both).post(reverse("initiatives:create"), data)
    assert response.status_code == 200
    expected = vietnamese(
        lambda: gettext(
            "Choose your own union or a unit above it to recognise the initiative."
        )
    )
    assert expected in response.context["form"].errors["recognizing_unit"]
    assert_kept(response, data)
    assert counts() == before


def test_no_role_anywhere_means_no_form(cast, client_for):
    client = client_for(cast.outsider)
    assert client.get(reverse("initiatives:create")).status_code == 403
    data = form_data(cast.tree.a1, None, [author_row(cast.outsider, "100")])
    assert client.post(reverse("initiatives:create"), data).status_code == 403
    assert counts() == (0, 0, 0)


def test_decomposed_vietnamese_is_stored_composed_and_found(cast, client_for):
    me = cast.a1_member
    title = "Sáng kiến đổi mới tuyên truyền pháp luật"
    essence = "Mỗi tuần một tình huống về hợp đồng lao động."
    co_author = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    data = form_data(
        cast.tree.a1,
        None,
        [author_row(me, "70"), typed(co_author, "30")],
        title=unicodedata.normalize("NFD", title),
        essence=unicodedata.normalize("NFD", essence),
    )
    assert data["title"] != title
    client = client_for(me)
    assert client.post(reverse("initiatives:create"), data).status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.title == title
    assert initiative.essence == essence
    assert initiative.authors.last().full_name == "Nguyễn Thị Hoà"
    for query in (
        "Nguyễn Thị Hòa",
        "sang kien doi moi",
        "TUYEN TRUYEN",
        unicodedata.normalize("NFD", "đổi mới"),
        "hop dong lao dong",
    ):
        page = client.get(reverse("initiatives:list"), {"q": query}).context["page"]
        assert [i.pk for i in page.object_list] == [initiative.pk], query
    page = client.get(reverse("initiatives:list"), {"q": "mat khau"}).context["page"]
    assert page.object_list == []


def test_emoji_are_kept_intact(cast, client_for):
    me = cast.a1_member
    title = "Góc đọc sách 📚 cho giáo viên 👩🏽‍🏫"
    essence = "Kệ sách 🇻🇳 thay mới hằng tháng ✅"
    data = form_data(
        cast.tree.a1, None, [author_row(me, "100")], title=title, essence=essence
    )
    client = client_for(me)
    assert client.post(reverse("initiatives:create"), data).status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.title, initiative.essence) == (title, essence)
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert title in html
    assert essence in html


def test_edit_keeps_typed_values_and_the_other_authors_rows(cast, client_for):
    """An author row in error: the other rows, the new ones too, stay as typed."""
    me = cast.a1_member
    draft = make_request(me, cast.tree.a1, None)
    rows = [
        author_row(me, "40,5"),
        typed("Triệu Thị Yến", "30", "30/06/1985", workplace="Trường Tiểu học"),
        typed("Nông Văn Dũng", "29,5", "31/13/1990", position="Bảo vệ"),
    ]
    data = form_data(
        cast.tree.a1, None, rows, version=draft.version, title="Tiêu đề mới"
    )
    response = client_for(me).post(reverse("initiatives:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["authors"].forms[2].errors["date_of_birth"]
    assert_kept(response, data)
    draft.refresh_from_db()
    assert draft.title != "Tiêu đề mới"
    assert draft.authors.count() == 1


def test_a_share_typed_with_a_comma_can_be_shown_again(cast, client_for):
    """The form takes "33,33"; a number input cannot hold it, browsers empty it."""
    me = cast.a1_member
    data = form_data(cast.tree.a1, None, [author_row(me, "33,33")])
    response = client_for(me).post(reverse("initiatives:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    tag = re.search(r'<input[^>]*name="authors-0-share"[^>]*>', html).group(0)
    assert 'value="33,33"' in tag
    assert 'type="number"' not in tag, tag


def test_what_submitting_needs_is_marked_required_before_the_first_save(
    cast, client_for
):
    """The empty form marks every field a request needs before it is submitted
    ("Đăng ký sáng kiến cấp" among them), although a draft may leave them out:
    the marked fields are exactly what a draft saved without them still lacks."""
    client = client_for(cast.a1_member)
    page = client.get(reverse("initiatives:create"))
    html = page.content.decode()
    star = '<span class="asteriskField">*</span>'
    assert f"Đăng ký sáng kiến cấp{star}" in html
    for name in InitiativeForm.needed_to_submit:
        assert not InitiativeForm.base_fields[name].required, name
        block = html[html.index(f'id="div_id_{name}"') :]
        block = block[: block.index("</div>", block.index(f'id="id_{name}"'))]
        assert star in block, name
        assert " required" in block, name
    for name in ("field_other", "period_start", "investor", "confidential_info"):
        block = html[html.index(f'id="div_id_{name}"') :]
        assert star not in block[: block.index(f'id="id_{name}"')], name
    # Each author needs a name and a share: both headers say so.
    assert html.count('<span class="asteriskField" aria-hidden="true">*</span>') >= 2

    # A draft without any of them is saved, and it lacks exactly those.
    data = form_data(
        cast.tree.a1,
        cast.tree.a,
        [author_row(cast.a1_member)],
        **dict.fromkeys(InitiativeForm.needed_to_submit, ""),
        period_start="",
    )
    response = client.post(reverse("initiatives:create"), data)
    assert response.status_code == 302
    draft = Initiative.objects.get()
    assert sorted(missing_for_submission(draft)) == sorted(
        str(Initiative._meta.get_field(name).verbose_name)
        for name in InitiativeForm.needed_to_submit
    )
