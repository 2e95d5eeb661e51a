"""A unit's leadership and who signs its documents."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from documents.services import document_issue
from documents.signing import council_signer, unit_signer
from tests.factories import UserFactory
from units import leadership
from units.leadership import Authority, Body, Leadership, Position, SigningKind

pytestmark = pytest.mark.django_db

JAN = datetime.date(2024, 1, 1)
JUL = datetime.date(2024, 7, 1)
TODAY = timezone.localdate()


def add(unit, user, position, start, end=None, actor=None):
    return leadership.leadership_add(
        unit=unit,
        user=user,
        position=position,
        started_on=start,
        ended_on=end,
        actor=actor,
    )


def messages_vi(call) -> str:
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_the_chair_of_the_document_s_day_signs_and_ended_terms_stay(tree):
    old, new = UserFactory(full_name="Lưu Văn Cũ"), UserFactory(full_name="Mã Thị Mới")
    first = add(tree.a, old, Position.CHAIR, JAN)
    leadership.leadership_end(
        term=first, ended_on=JUL - datetime.timedelta(1), actor=None
    )
    add(tree.a, new, Position.CHAIR, JUL)
    assert unit_signer(tree.a, SigningKind.AWARD_SUBMISSION, JAN).name == "Lưu Văn Cũ"
    block = unit_signer(tree.a, SigningKind.AWARD_SUBMISSION, TODAY)
    assert block.lines == ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")
    assert block.name == "Mã Thị Mới" and not block.missing
    assert Leadership.objects.filter(unit=tree.a).count() == 2


def test_a_grassroots_union_signs_for_its_executive_committee(tree):
    add(tree.a1, UserFactory(full_name="Bế Văn Trưởng"), Position.CHAIR, JAN)
    block = unit_signer(tree.a1, SigningKind.MOVEMENT_REPORT, TODAY)
    assert block.lines == ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH")


def test_bad_terms_are_refused_in_vietnamese(tree):
    chair = UserFactory()
    add(tree.a, chair, Position.CHAIR, JAN)
    text = messages_vi(
        lambda: add(tree.a, UserFactory(), Position.VICE_CHAIR, JUL, end=JAN)
    )
    assert "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu." in text
    text = messages_vi(lambda: add(tree.a, UserFactory(), Position.CHAIR, JUL))
    assert "mỗi đơn vị chỉ có một Chủ tịch" in text
    text = messages_vi(lambda: add(tree.a, chair, Position.VICE_CHAIR, JUL))
    assert "đã giữ một chức vụ lãnh đạo" in text
    assert Leadership.objects.filter(unit=tree.a).count() == 1


def test_a_vice_chair_signs_for_the_chair_under_kt(tree):
    add(tree.a, UserFactory(full_name="Nông Văn Chủ"), Position.CHAIR, JAN)
    deputy = UserFactory(full_name="Đàm Minh Quân")
    add(tree.a, deputy, Position.VICE_CHAIR, JAN)
    leadership.signing_rule_set(
        unit=tree.a,
        kind=SigningKind.AWARD_SUBMISSION,
        authority=Authority.KT,
        body=Body.STANDING,
        signer=deputy,
        actor=None,
    )
    block = unit_signer(tree.a, SigningKind.AWARD_SUBMISSION, TODAY)
    assert block.lines == ("TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert block.name == "Đàm Minh Quân"
    # Other kinds keep the chair.
    assert unit_signer(tree.a, SigningKind.RECEIPT, TODAY).name == "Nông Văn Chủ"
    # Before the vice-chair's term, the rule finds nobody and says so.
    early = unit_signer(
        tree.a, SigningKind.AWARD_SUBMISSION, JAN - datetime.timedelta(1)
    )
    assert early.name == "" and "Đàm Minh Quân" in early.missing


def test_a_signer_must_lead_the_unit_in_a_fitting_position(tree):
    chair = UserFactory()
    add(tree.a, chair, Position.CHAIR, JAN)
    outsider = UserFactory()
    for signer in (outsider, chair):
        text = messages_vi(
            lambda signer=signer: leadership.signing_rule_set(
                unit=tree.a,
                kind=SigningKind.AWARD_SUBMISSION,
                authority=Authority.KT,
                body=Body.STANDING,
                signer=signer,
                actor=None,
            )
        )
        assert "không giữ chức vụ lãnh đạo được ký với thẩm quyền này" in text
    text = messages_vi(
        lambda: leadership.signing_rule_set(
            unit=tree.a,
            kind=SigningKind.AWARD_SUBMISSION,
            authority=Authority.KT,
            body=Body.STANDING,
            signer=None,
            actor=None,
        )
    )
    assert "Hãy chọn người ký." in text


def test_without_a_chair_the_draft_says_so_and_issuing_is_refused(
    tree, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    block = unit_signer(tree.b, SigningKind.MOVEMENT_REPORT, TODAY)
    assert block.name == "" and block.placeholder
    with translation.override("vi"):
        missing = unit_signer(tree.b, SigningKind.MOVEMENT_REPORT, TODAY).missing
    assert "Chưa ghi nhận Chủ tịch" in missing
    with pytest.raises(ValidationError):
        document_issue(
            unit=tree.b,
            code="BC",
            kind="report",
            title="Báo cáo",
            template_name="documents/test_fixture_notice.html",
            context={"paragraphs": ["Nội dung."], "signer": block},
            issued_on=TODAY,
            actor=None,
        )
    from documents.models import IssuedDocument

    assert not IssuedDocument.objects.exists()


def test_council_blocks_print_for_the_council():
    assert council_signer("Nông Văn Chủ", deputy=False).lines == (
        "TM. HỘI ĐỒNG",
        "CHỦ TỊCH",
    )
    assert council_signer("Đàm Minh Quân", deputy=True).lines == (
        "TM. HỘI ĐỒNG",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )


def test_the_unit_admin_keeps_the_leadership_from_the_unit_s_pages(
    cast, client_for, django_assert_max_num_queries
):
    unit = cast.tree.a
    client = client_for(cast.a_admin)
    person = cast.a_staff  # holds a role on CB-A, so may be chosen
    response = client.post(
        reverse("units:leadership_add", args=[unit.pk]),
        {
            "user": person.pk,
            "position": "chair",
            "started_on": "2024-07-01",
            "ended_on": "2024-01-01",
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu." in response.text
    assert not Leadership.objects.exists()
    response = client.post(
        reverse("units:leadership_add", args=[unit.pk]),
        {"user": person.pk, "position": "chair", "started_on": "2024-07-01"},
    )
    assert response.status_code == 302
    term = Leadership.objects.get()
    # A person without a role in the unit cannot be chosen (never typed).
    response = client.post(
        reverse("units:leadership_add", args=[unit.pk]),
        {
            "user": cast.outsider.pk,
            "position": "vice_chair",
            "started_on": "2024-07-01",
        },
    )
    assert response.status_code == 200 and Leadership.objects.count() == 1
    for _extra in range(3):
        add(unit, UserFactory(), Position.STANDING_MEMBER, JAN)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("units:leadership", args=[unit.pk]))
    assert page.status_code == 200
    assert person.get_full_name() in page.text
    response = client.post(
        reverse("units:leadership_end", args=[term.pk]), {"ended_on": "2025-06-30"}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.ended_on == datetime.date(2025, 6, 30)
    assert Leadership.objects.filter(pk=term.pk).exists()
    # The officer of the unit sees the page but keeps nothing.
    officer = client_for(cast.a_officer)
    assert officer.get(reverse("units:leadership", args=[unit.pk])).status_code == 200
    response = officer.post(
        reverse("units:leadership_add", args=[unit.pk]),
        {"user": person.pk, "position": "chair", "started_on": "2026-01-01"},
    )
    assert response.status_code == 403


def test_the_receipt_is_signed_by_its_receiver_unless_a_rule_names_a_leader(tree):
    from types import SimpleNamespace

    from initiatives.printing import receipt_signer

    receiver = UserFactory(full_name="Lò Thị Nhận")
    item = SimpleNamespace(council=SimpleNamespace(unit=tree.a), accepted_on=TODAY)
    block = receipt_signer(item, receiver)
    assert block.lines == ("NGƯỜI NHẬN",) and block.name == "Lò Thị Nhận"
    chair = UserFactory(full_name="Nông Văn Chủ")
    add(tree.a, chair, Position.CHAIR, JAN)
    leadership.signing_rule_set(
        unit=tree.a,
        kind=SigningKind.RECEIPT,
        authority=Authority.TM,
        body=Body.STANDING,
        signer=None,
        actor=None,
    )
    block = receipt_signer(item, receiver)
    assert block.lines == ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")
    assert block.name == "Nông Văn Chủ"


def test_nobody_confirms_their_own_summary(tree):
    from documents.signing import head_confirmation

    school_chair = UserFactory(full_name="Nguyễn Thị Mai")
    upper_chair = UserFactory(full_name="Nông Văn Chủ")
    add(tree.a1, school_chair, Position.CHAIR, JAN)
    add(tree.a, upper_chair, Position.CHAIR, JAN)
    other = UserFactory()
    assert head_confirmation(tree.a1, TODAY, other).name == "Nguyễn Thị Mai"
    assert head_confirmation(tree.a1, TODAY, school_chair).name == "Nông Văn Chủ"
