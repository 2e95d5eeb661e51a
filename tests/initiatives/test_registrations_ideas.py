"""Registrations (what people pledge to work on) and ideas (posted to the support
team), and how each becomes a recognition request."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from initiatives import services
from initiatives.models import Idea, IdeaComment, Initiative, Registration
from tests.initiatives.factories import (
    author_row,
    first_field,
    form_data,
    make_request,
    person,
    signed_in,
    vietnamese,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def registration_data(**overrides) -> dict:
    data = {
        "year": str(timezone.localdate().year),
        "title": "Câu lạc bộ pháp luật cho đoàn viên trẻ",
        "kind": "initiative",
        "field": str(first_field().pk),
        "field_other": "",
        "expected_completion": "30/11/2026",
        "team": "Hoàng Minh Đức, Lý Thị Huệ",
        "note": "Họp mỗi tháng một lần.",
    }
    data.update(overrides)
    return data


def make_registration(user, unit, **overrides) -> Registration:
    data = {
        "year": timezone.localdate().year,
        "title": "Sổ tay điện tử về chế độ bảo hiểm xã hội",
        "kind": "initiative",
        "field": first_field(),
        "field_other": "",
        "expected_completion": datetime.date(2026, 12, 31),
        "team": "",
        "note": "",
    }
    data.update(overrides)
    return services.registration_create(actor=user, unit=unit, **data)


# --- Registrations --------------------------------------------------------------


def test_a_registration_starts_at_the_members_union(cast):
    client = signed_in(cast.a1_member)
    url = reverse("initiatives:registration_create")
    form = client.get(url).context["form"]
    assert form["unit"].value() == cast.tree.a1.pk
    assert list(form.fields["unit"].queryset) == [cast.tree.a1]
    response = client.post(url, registration_data(unit=str(cast.tree.a1.pk)))
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    assert (registration.unit, registration.registrant) == (
        cast.tree.a1,
        cast.a1_member,
    )
    assert registration.search_text.startswith("cau lac bo phap luat")


def test_a_registration_refuses_a_field_and_another_field(cast):
    client = signed_in(cast.a1_member)
    data = registration_data(unit=str(cast.tree.a1.pk), field_other="Nữ công")
    response = client.post(reverse("initiatives:registration_create"), data)
    assert response.status_code == 200
    expected = vietnamese(
        lambda: gettext("Choose a field from the list or write another, not both.")
    )
    assert response.context["form"].errors["field_other"] == [expected]
    assert "Hoàng Minh Đức, Lý Thị Huệ" in response.content.decode()
    assert not Registration.objects.exists()


def test_no_role_no_registration(cast):
    client = signed_in(cast.outsider)
    assert client.get(reverse("initiatives:registration_create")).status_code == 403


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("a1_member", 200),
        ("a1_support", 200),
        ("a_officer", 200),
        ("a_staff", 200),
        ("province_admin", 200),
        ("b_admin", 404),
        ("b1_member", 404),
        ("other_member", 404),
        ("outsider", 404),
    ],
)
def test_units_see_registrations_of_their_unit_and_below(who, code, cast):
    registration = make_registration(cast.a1_member, cast.tree.a1)
    other = person("thanhvien.khac", cast.tree.a1)
    user = other if who == "other_member" else getattr(cast, who)
    client = signed_in(user)
    assert client.get(registration.get_absolute_url()).status_code == code
    listed = client.get(reverse("initiatives:registration_list")).context["page"]
    assert (registration in listed.object_list) is (code == 200)
    edit = reverse("initiatives:registration_edit", args=[registration.pk])
    may_edit = 200 if who == "a1_member" else 403
    assert client.get(edit).status_code == (may_edit if code == 200 else 404)


def test_the_registrant_edits_until_it_is_linked(cast):
    me = cast.a1_member
    registration = make_registration(me, cast.tree.a1)
    client = signed_in(me)
    edit = reverse("initiatives:registration_edit", args=[registration.pk])
    data = registration_data(title="Tên mới của đăng ký", unit=str(cast.tree.b1.pk))
    assert client.post(edit, data).status_code == 302
    registration.refresh_from_db()
    assert registration.title == "Tên mới của đăng ký"
    assert registration.unit == cast.tree.a1

    services.registration_link(
        registration=registration,
        initiative=make_request(me, cast.tree.a1),
        actor=me,
    )
    assert client.get(edit).status_code == 403
    assert client.post(edit, registration_data(title="Lần nữa")).status_code == 403
    withdraw = reverse("initiatives:registration_withdraw", args=[registration.pk])
    assert client.post(withdraw).status_code == 403
    with pytest.raises(ValidationError):
        services.registration_update(
            registration=registration, actor=me, title="Lần nữa"
        )
    registration.refresh_from_db()
    assert registration.title == "Tên mới của đăng ký"
    assert registration.withdrawn_at is None


def test_the_registrant_withdraws_once(cast):
    me = cast.a1_member
    registration = make_registration(me, cast.tree.a1)
    client = signed_in(me)
    withdraw = reverse("initiatives:registration_withdraw", args=[registration.pk])
    assert client.get(withdraw).status_code == 405
    assert signed_in(cast.a_admin).post(withdraw).status_code == 403
    assert client.post(withdraw).status_code == 302
    registration.refresh_from_db()
    assert registration.withdrawn_at is not None
    html = client.get(registration.get_absolute_url()).content.decode()
    assert timezone.localtime(registration.withdrawn_at).strftime("%d/%m/%Y") in html
    assert client.post(withdraw).status_code == 403
    edit = reverse("initiatives:registration_edit", args=[registration.pk])
    assert client.get(edit).status_code == 403


def test_filing_from_a_registration_prefills_and_links(cast):
    me = cast.a1_member
    registration = make_registration(
        me, cast.tree.a1, field=None, field_other="Công tác thanh niên"
    )
    client = signed_in(me)
    url = f"{reverse('initiatives:create')}?registration={registration.pk}"
    form = client.get(url).context["form"]
    assert form["title"].value() == registration.title
    assert form["field_other"].value() == "Công tác thanh niên"
    assert form["unit"].value() == cast.tree.a1.pk
    data = form_data(
        cast.tree.a1,
        cast.tree.a,
        [author_row(me, "100")],
        title=registration.title,
        field="",
        field_other="Công tác thanh niên",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    registration.refresh_from_db()
    assert registration.initiative == initiative
    detail = client.get(initiative.get_absolute_url())
    assert list(detail.context["registrations"]) == [registration]
    html = client.get(registration.get_absolute_url()).content.decode()
    assert initiative.get_absolute_url() in html


def test_only_the_registrant_files_from_a_registration(cast):
    registration = make_registration(cast.a1_member, cast.tree.a1)
    url = f"{reverse('initiatives:create')}?registration={registration.pk}"
    assert signed_in(cast.a1_support).get(url).status_code == 403
    assert signed_in(cast.b1_member).get(url).status_code == 404


# --- Ideas -------------------------------------------------------------------------


def post_idea(client, unit, django_capture_on_commit_callbacks) -> Idea:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("initiatives:idea_create"),
            {
                "unit": str(unit.pk),
                "title": "Góc đọc sách pháp luật ở phòng chờ giáo viên",
                "description": "Đặt một kệ sách nhỏ, thay tài liệu hằng tháng.",
            },
        )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()
    return idea


def test_an_idea_goes_to_the_support_team(cast, django_capture_on_commit_callbacks):
    idea = post_idea(
        signed_in(cast.a1_member), cast.tree.a1, django_capture_on_commit_callbacks
    )
    assert (idea.author, idea.unit, idea.status) == (
        cast.a1_member,
        cast.tree.a1,
        Idea.Status.OPEN,
    )
    (message,) = mail.outbox
    assert message.to == [cast.a1_support.email]


@pytest.mark.parametrize(
    ("who", "code", "may_comment"),
    [
        ("a1_member", 200, True),
        ("a1_support", 200, True),
        ("a_officer", 200, True),
        ("other_member", 404, False),
        ("b1_member", 404, False),
        ("b_admin", 404, False),
        ("outsider", 404, False),
    ],
)
def test_who_sees_an_idea(who, code, may_comment, cast):
    idea = services.idea_create(
        actor=cast.a1_member, unit=cast.tree.a1, title="Ý tưởng", description="Mô tả"
    )
    other = person("thanhvien.khac", cast.tree.a1)
    client = signed_in(other if who == "other_member" else getattr(cast, who))
    response = client.get(idea.get_absolute_url())
    assert response.status_code == code
    if code == 200:
        assert (response.context["comment_form"] is not None) is may_comment
    listed = client.get(reverse("initiatives:idea_list")).context["page"]
    assert (idea in listed.object_list) is (code == 200)
    comment = reverse("initiatives:idea_comment", args=[idea.pk])
    response = client.post(comment, {"text": "Góp ý."})
    assert response.status_code == (302 if may_comment else 404)
    assert IdeaComment.objects.count() == (1 if may_comment else 0)


def test_the_author_is_mailed_about_comments(cast, django_capture_on_commit_callbacks):
    idea = services.idea_create(
        actor=cast.a1_member, unit=cast.tree.a1, title="Ý tưởng", description="Mô tả"
    )
    url = reverse("initiatives:idea_comment", args=[idea.pk])
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(cast.a1_support).post(url, {"text": "Nên đo số người dùng."})
    (message,) = mail.outbox
    assert message.to == [cast.a1_member.email]
    assert "Nên đo số người dùng." in message.body
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(cast.a1_member).post(url, {"text": "Cảm ơn tổ hỗ trợ."})
    assert len(mail.outbox) == 1
    assert list(idea.comments.values_list("text", flat=True)) == [
        "Nên đo số người dùng.",
        "Cảm ơn tổ hỗ trợ.",
    ]


def test_an_idea_becomes_a_draft_and_keeps_its_conversation(cast):
    me = cast.a1_member
    idea = services.idea_create(
        actor=me,
        unit=cast.tree.a1,
        title="Lịch trực tư vấn giờ ra chơi",
        description="Mỗi ngày một cán bộ trực 15 phút.",
    )
    services.idea_comment(idea=idea, actor=cast.a1_support, text="Ý tưởng hay.")
    url = reverse("initiatives:idea_to_request", args=[idea.pk])
    assert signed_in(cast.a1_support).post(url).status_code == 403
    client = signed_in(me)
    response = client.post(url)
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:edit", args=[initiative.pk])
    assert (initiative.title, initiative.essence) == (idea.title, idea.description)
    assert initiative.status == "draft"
    assert (initiative.unit, initiative.created_by) == (cast.tree.a1, me)
    assert initiative.authors.get().user == me
    idea.refresh_from_db()
    assert (idea.initiative, idea.status) == (initiative, Idea.Status.BECAME_REQUEST)
    detail = client.get(initiative.get_absolute_url())
    assert detail.context["idea"] == idea
    assert idea.get_absolute_url() in detail.content.decode()
    page = client.get(idea.get_absolute_url())
    html = page.content.decode()
    assert "Ý tưởng hay." in html
    assert initiative.get_absolute_url() in html
    assert page.context["comment_form"] is None
    assert client.post(url).status_code == 403
    assert Initiative.objects.count() == 1


def test_closed_ideas_take_no_comments(cast):
    idea = services.idea_create(
        actor=cast.a1_member, unit=cast.tree.a1, title="Ý tưởng", description="Mô tả"
    )
    close = reverse("initiatives:idea_close", args=[idea.pk])
    assert signed_in(cast.a1_support).get(close).status_code == 405
    assert signed_in(cast.a1_support).post(close).status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.CLOSED
    comment = reverse("initiatives:idea_comment", args=[idea.pk])
    assert signed_in(cast.a1_member).post(comment, {"text": "x"}).status_code == 403
    with pytest.raises(ValidationError) as refused:
        services.idea_comment(idea=idea, actor=cast.a1_member, text="Mở lại?")
    assert refused.value.messages == [
        vietnamese(lambda: gettext("This idea is closed to comments."))
    ]
    assert not idea.comments.exists()
    to_request = reverse("initiatives:idea_to_request", args=[idea.pk])
    assert signed_in(cast.a1_member).post(to_request).status_code == 403
