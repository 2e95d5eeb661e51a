"""Accepting a request issues its receipt (giấy biên nhận): a numbered document of
the recognising unit's "GBN" series, with the received and due dates, readable by
those who see the request, and the same bytes on every download."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument
from documents.rendering import STATIC_BASE_URL
from documents.services import document_bytes
from initiatives import services
from initiatives.models import Initiative, InitiativeEvent, add_months
from initiatives.services import AuthorData
from tests.initiatives.factories import ensure_council
from tests.initiatives.pdf_helpers import (
    flat,
    page_sizes,
    pdf_fonts,
    pdf_raw_text,
    pdf_text,
    squash,
)

TITLE = "Ứng dụng phần mềm quản lý đoàn viên ở công đoàn cơ sở"
AUTHORS = [("Đặng Thị Ngọc Ánh", "60"), ("Lưu Văn Đức", "40")]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def submitted(cast):
    """Build a submitted request to be recognised by `recognizing` (default CB-A)."""

    def build(*, actor=None, unit=None, recognizing=None, title=TITLE):
        actor = actor or cast.a1_member
        initiative = services.initiative_create(
            actor=actor,
            unit=unit or cast.tree.a1,
            recognizing_unit=recognizing or cast.tree.a,
            authors=[
                AuthorData(
                    full_name=name,
                    share=Decimal(share),
                    user=actor if index == 0 else None,
                    workplace="Trường THPT Chuyên Cao Bằng",
                )
                for index, (name, share) in enumerate(AUTHORS)
            ],
            year=2026,
            title=title,
            field_other="Công tác tổ chức",
            essence="Các bước thực hiện.",
            benefits_author="Tiết kiệm thời gian.",
            level=Initiative.Scope.UPPER,
            first_applied_on=datetime.date(2026, 3, 2),
        )
        return services.initiative_submit(initiative=initiative, actor=actor)

    return build


def receipts_of(initiative):
    return IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Initiative),
        object_id=initiative.pk,
    )


def accept(client, initiative):
    return client.post(reverse("initiatives:accept", args=[initiative.pk]))


def download_url(document):
    return reverse("documents:download", args=[document.pk])


@pytest.fixture
def accepted(cast, submitted, client_for):
    """A request accepted through the page by CB-A's emulation staff."""
    initiative = submitted()
    response = accept(client_for(cast.a_staff), initiative)
    assert response.status_code == 302
    initiative.refresh_from_db()
    return initiative


# --- Issuing -----------------------------------------------------------------


def test_accepting_issues_one_numbered_receipt(cast, accepted):
    today = timezone.localdate()
    assert accepted.status == Initiative.Status.ACCEPTED
    assert accepted.accepted_on == today
    [receipt] = receipts_of(accepted)
    assert receipt.subject == accepted
    assert receipt.kind == DocumentKind.RECEIPT
    assert receipt.series.unit == cast.tree.a
    assert receipt.series.code == "GBN"
    assert receipt.series.year == today.year
    assert receipt.number == 1
    assert receipt.symbol.startswith("01/GBN")
    assert receipt.issued_on == today
    assert receipt.issued_by == cast.a_staff
    assert TITLE in receipt.title
    assert IssuedDocument.objects.count() == 1


def test_the_history_names_the_receipt(accepted, cast):
    [receipt] = receipts_of(accepted)
    event = accepted.events.get(action=InitiativeEvent.Action.ACCEPTED)
    assert event.actor == cast.a_staff
    assert receipt.symbol in event.note
    assert (event.from_status, event.to_status) == ("submitted", "accepted")


def test_successive_receipts_take_successive_numbers(cast, submitted, client_for):
    client = client_for(cast.a_staff)
    first, second = submitted(), submitted(title="Sổ tay điện tử cho tổ công đoàn")
    accept(client, first)
    accept(client, second)
    [one], [two] = receipts_of(first), receipts_of(second)
    assert (one.series, one.number) == (two.series, 1)
    assert two.number == 2
    assert two.symbol.startswith("02/GBN")


def test_the_symbol_carries_the_recognising_unit_abbreviation(
    cast, submitted, client_for
):
    initiative = submitted(
        actor=cast.province_admin,
        unit=cast.tree.p1,
        recognizing=cast.tree.province,
    )
    assert accept(client_for(cast.province_staff), initiative).status_code == 302
    [receipt] = receipts_of(initiative)
    assert receipt.series.unit == cast.tree.province
    assert receipt.symbol == "01/GBN-LĐLĐ"
    assert "Số: 01/GBN-LĐLĐ" in flat(pdf_text(document_bytes(receipt)))


def test_a_second_acceptance_issues_nothing(cast, accepted, client_for):
    response = accept(client_for(cast.a_staff), accepted)
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.initiative_accept(initiative=accepted, actor=cast.a_staff)
    assert receipts_of(accepted).count() == 1


@pytest.mark.parametrize("who", ["a_officer", "a1_member", "b_admin"])
def test_only_the_recognising_staff_accept(who, cast, submitted, client_for):
    initiative = submitted()
    response = accept(client_for(getattr(cast, who)), initiative)
    assert response.status_code in {403, 404}
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED
    assert not IssuedDocument.objects.exists()


# --- Downloading -------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["a1_member", "a_staff", "a_admin", "a_officer", "province_staff"]
)
def test_those_who_see_the_request_download_the_receipt(
    who, cast, accepted, client_for
):
    [receipt] = receipts_of(accepted)
    response = client_for(getattr(cast, who)).get(download_url(receipt))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == document_bytes(receipt)


@pytest.mark.parametrize("who", ["outsider", "b_admin", "b1_member"])
def test_others_get_a_404(who, cast, accepted, client_for):
    [receipt] = receipts_of(accepted)
    response = client_for(getattr(cast, who)).get(download_url(receipt))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(accepted, client_for):
    [receipt] = receipts_of(accepted)
    response = client_for(None).get(download_url(receipt))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_every_download_gives_the_same_bytes_with_the_recorded_sha256(
    cast, accepted, client_for
):
    [receipt] = receipts_of(accepted)
    downloads = [
        client_for(user).get(download_url(receipt)).content
        for user in [cast.a1_member, cast.a_staff, cast.a1_member]
    ]
    assert downloads[0].startswith(b"%PDF-")
    assert downloads[0] == downloads[1] == downloads[2]
    assert hashlib.sha256(downloads[0]).hexdigest() == receipt.sha256
    assert len(downloads[0]) == receipt.size


def test_the_receipt_does_not_change_when_the_request_does(cast, accepted, client_for):
    [receipt] = receipts_of(accepted)
    before = client_for(cast.a1_member).get(download_url(receipt)).content
    services.initiative_withdraw(initiative=accepted, actor=cast.a1_member)
    Initiative.objects.filter(pk=accepted.pk).update(title="Tên khác hẳn")
    after = client_for(cast.a1_member).get(download_url(receipt)).content
    assert after == before
    assert TITLE in flat(pdf_text(after))


# --- What it says ------------------------------------------------------------


def test_the_receipt_shows_dates_authors_and_title(cast, accepted):
    [receipt] = receipts_of(accepted)
    pdf = document_bytes(receipt)
    assert set(page_sizes(pdf)) == {(595, 842)}
    assert all(font["name"].startswith("Tinos") for font in pdf_fonts(pdf))
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))
    text = flat(pdf_raw_text(pdf))
    received = accepted.accepted_on
    due = add_months(received, 3)
    assert f"Ngày tiếp nhận đơn hợp lệ: {received:%d/%m/%Y}" in text
    assert f"chậm nhất ngày {due:%d/%m/%Y}" in text
    assert f"Tên sáng kiến: {TITLE}" in text
    for name, share in AUTHORS:
        assert f"{name} Trường THPT Chuyên Cao Bằng {share},00" in text
    for expected in [
        "CÔNG ĐOÀN NGÀNH GIÁO DỤC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {receipt.symbol}",
        "GIẤY BIÊN NHẬN",
    ]:
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_user_text_is_printed_literally_and_nothing_is_fetched(
    cast, submitted, renderer_fetches
):
    hostile = '<img src="http://127.0.0.1:9/x.png"> file:///etc/passwd'
    initiative = submitted(title=f"Sáng kiến {hostile}")
    initiative.authors.filter(order=1).update(
        full_name='<link rel=stylesheet href="file:///etc/passwd">'
    )
    calls = renderer_fetches
    services.initiative_accept(initiative=initiative, actor=cast.a_staff)
    [receipt] = receipts_of(initiative)
    # Compared without white space: the layout may break a long word anywhere.
    text = squash(pdf_raw_text(document_bytes(receipt)))
    assert squash(f"Tên sáng kiến: Sáng kiến {hostile}") in text
    assert squash('<link rel=stylesheet href="file:///etc/passwd">') in text
    assert calls
    assert all(url.startswith(STATIC_BASE_URL) for url in calls), calls


def test_the_due_date_is_three_months_later_at_the_end_of_a_short_month(
    cast, submitted
):
    request = submitted()
    ensure_council(request.recognizing_unit, 2025)
    initiative = services.initiative_accept(
        initiative=request,
        actor=cast.a_staff,
        accepted_on=datetime.date(2025, 11, 30),
    )
    assert initiative.due_on == datetime.date(2026, 2, 28)
    [receipt] = receipts_of(initiative)
    assert receipt.series.year == 2025
    assert receipt.issued_on == datetime.date(2025, 11, 30)
    text = flat(pdf_text(document_bytes(receipt)))
    assert "Ngày tiếp nhận đơn hợp lệ: 30/11/2025" in text
    assert "chậm nhất ngày 28/02/2026" in text
    assert "ngày 30 tháng 11 năm 2025" in text


# --- The request page --------------------------------------------------------


@pytest.mark.parametrize("who", ["a1_member", "a_staff"])
def test_the_request_page_lists_the_receipt(who, cast, accepted, client_for):
    [receipt] = receipts_of(accepted)
    response = client_for(getattr(cast, who)).get(accepted.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{download_url(receipt)}"' in page
    assert receipt.symbol in page
    due = add_months(accepted.accepted_on, 3)
    assert f"{due:%d/%m/%Y}" in page


def test_a_request_not_yet_accepted_lists_no_receipt(cast, submitted, client_for):
    initiative = submitted()
    page = client_for(cast.a1_member).get(initiative.get_absolute_url())
    assert page.status_code == 200
    assert "/documents/" not in page.content.decode()
