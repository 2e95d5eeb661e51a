"""Evidence files of a request: recognised by their content, stored under random
names outside the static folders, served only to those who see the request, as
attachments, and removed only while the request is editable."""

import datetime
import hashlib
import io
import re
import urllib.parse
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from initiatives import services, uploads
from initiatives.models import Attachment, Initiative, InitiativeEvent
from initiatives.services import AuthorData

# --- Files -------------------------------------------------------------------

# Letters only Vietnamese uses; an English message has none of them.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
    re.IGNORECASE,
)


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PDF")
    return buffer.getvalue()


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bytes() -> bytes:
    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
        '2006/main"><w:body><w:p><w:r><w:t>Báo cáo</w:t></w:r></w:p></w:body>'
        "</w:document>"
    )
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document}
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số giờ công tiết kiệm"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

ACCEPTED = {
    "pdf": ("minh-chung.pdf", pdf_bytes, "application/pdf", ".pdf"),
    "png": ("anh-chup.png", lambda: image_bytes("PNG"), "image/png", ".png"),
    "jpeg": ("anh-hoi-nghi.jpg", lambda: image_bytes("JPEG"), "image/jpeg", ".jpg"),
    "docx": ("bao-cao.docx", docx_bytes, uploads.DOCX.content_type, ".docx"),
    "xlsx": ("so-lieu.xlsx", xlsx_bytes, uploads.XLSX.content_type, ".xlsx"),
}

REFUSED = {
    "script renamed .pdf": ("hop-le.pdf", b"#!/bin/sh\nrm -rf ~\n", "application/pdf"),
    "svg renamed .png": (
        "anh.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        "image/png",
    ),
    "html renamed .docx": (
        "bao-cao.docx",
        b"<html><body><script>alert(1)</script></body></html>",
        uploads.DOCX.content_type,
    ),
    "zip that is not an office file": (
        "so-lieu.xlsx",
        zip_bytes({"a.txt": "xin chào", "[Content_Types].xml": CONTENT_TYPES}),
        uploads.XLSX.content_type,
    ),
    "old .doc": ("don.doc", OLE, "application/msword"),
    "old .xls": ("bang.xls", OLE, "application/vnd.ms-excel"),
}


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def disposition_name(header: str) -> str:
    """Return the file name a Content-Disposition header gives."""
    if "filename*=" in header:
        encoded = header.split("filename*=", 1)[1].split(";")[0]
        return urllib.parse.unquote(encoded.split("''", 1)[1])
    return header.split('filename="', 1)[1].rsplit('"', 1)[0]


# --- Fixtures ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Store uploads in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(cast):
    """A draft filed by a1_member from CB-A1, to be recognised by CB-A."""
    tree = cast.tree
    return services.initiative_create(
        actor=cast.a1_member,
        unit=tree.a1,
        recognizing_unit=tree.a,
        authors=[
            AuthorData(
                full_name="Đặng Thị Ngọc Ánh", share=Decimal("100"), user=cast.a1_member
            )
        ],
        year=2026,
        title="Số hoá sổ đoàn viên",
        field_other="Tổ chức công đoàn",
        essence="Các bước thực hiện.",
        benefits_author="Tiết kiệm thời gian.",
        level=Initiative.Scope.GRASSROOTS,
        first_applied_on=datetime.date(2026, 3, 1),
    )


def submit(initiative, actor):
    return services.initiative_submit(initiative=initiative, actor=actor)


def attach(initiative, actor, name="minh-chung.pdf", data=None):
    return services.attachment_add(
        initiative=initiative,
        actor=actor,
        upload=SimpleUploadedFile(name, pdf_bytes() if data is None else data),
    )


def upload_url(initiative):
    return reverse("initiatives:attachment_upload", args=[initiative.pk])


def post_file(client, initiative, name, data, content_type="application/octet-stream"):
    return client.post(
        upload_url(initiative),
        {
            "file": SimpleUploadedFile(name, data, content_type=content_type),
            "purpose": Attachment.Purpose.EVIDENCE,
        },
        follow=True,
    )


# --- Recognised by content ---------------------------------------------------


@pytest.mark.parametrize("kind", ACCEPTED)
def test_each_allowed_type_is_recognised_and_stored_safely(
    kind, cast, draft, client_for, media_root
):
    name, build, content_type, extension = ACCEPTED[kind]
    data = build()
    # The browser's claimed type is ignored: the content decides.
    response = post_file(client_for(cast.a1_member), draft, name, data, "text/plain")
    assert response.status_code == 200
    attachment = Attachment.objects.get(initiative=draft)
    assert attachment.content_type == content_type
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.original_name == name
    assert attachment.uploaded_by == cast.a1_member
    stored = Path(attachment.file.path).resolve()
    assert stored.read_bytes() == data
    assert stored.is_relative_to((media_root / "attachments").resolve())
    for static in [*django_settings.STATICFILES_DIRS, django_settings.STATIC_ROOT]:
        assert not stored.is_relative_to(Path(static).resolve())
    # A random name with the detected extension; nothing of the user's name.
    assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(extension), stored.name)
    assert Path(name).stem not in attachment.file.name
    assert stored_files() == [stored]
    assert any(name in message for message in messages_of(response))


def test_a_failure_after_storing_leaves_no_file(cast, draft, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment, "save", broken_save)
    with pytest.raises(RuntimeError):
        attach(draft, cast.a1_member)
    assert stored_files() == []


def test_the_extension_of_the_stored_file_follows_the_content(cast, draft):
    attachment = attach(draft, cast.a1_member, "anh.png", pdf_bytes())
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "anh.png"


def test_the_same_file_twice_gets_two_different_stored_names(cast, draft):
    first = attach(draft, cast.a1_member)
    second = attach(draft, cast.a1_member)
    assert first.file.name != second.file.name
    assert first.sha256 == second.sha256
    assert len(stored_files()) == 2


def test_attaching_is_recorded_in_the_history(cast, draft):
    attach(draft, cast.a1_member, "Biên bản nghiệm thu.pdf")
    event = draft.events.get(action=InitiativeEvent.Action.ATTACHED)
    assert event.actor == cast.a1_member
    assert event.note == "Biên bản nghiệm thu.pdf"


# --- Refused -----------------------------------------------------------------


@pytest.mark.parametrize("case", REFUSED)
def test_other_content_is_refused_with_a_vietnamese_message(
    case, cast, draft, client_for
):
    name, data, content_type = REFUSED[case]
    response = post_file(client_for(cast.a1_member), draft, name, data, content_type)
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert stored_files() == []
    assert not draft.events.filter(action=InitiativeEvent.Action.ATTACHED).exists()
    [message] = messages_of(response)
    assert "PDF" in message
    assert VIETNAMESE.search(message), message


@pytest.mark.parametrize("case", REFUSED)
def test_the_service_refuses_other_content(case, cast, draft):
    name, data, _content_type = REFUSED[case]
    with pytest.raises(ValidationError) as refused:
        attach(draft, cast.a1_member, name, data)
    assert refused.value.code == "type"
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_corrupt_zip_is_refused_not_an_error(cast, draft):
    data = b"PK\x03\x04" + b"\x00" * 64
    assert uploads.detect(data) is None
    with pytest.raises(ValidationError):
        attach(draft, cast.a1_member, "hong.docx", data)
    assert stored_files() == []


def test_an_empty_file_is_refused(cast, draft, client_for):
    response = post_file(client_for(cast.a1_member), draft, "trong.pdf", b"")
    [message] = messages_of(response)
    assert VIETNAMESE.search(message), message
    with pytest.raises(ValidationError) as refused:
        attach(draft, cast.a1_member, "trong.pdf", b"")
    assert refused.value.code == "empty"
    assert VIETNAMESE.search(refused.value.messages[0])
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_file_over_the_limit_is_refused(settings, cast, draft, client_for):
    settings.UPLOAD_MAX_MB = 1
    limit = 1024 * 1024
    base = pdf_bytes()
    too_big = base + b"%" * (limit + 1 - len(base))
    response = post_file(client_for(cast.a1_member), draft, "lon.pdf", too_big)
    [message] = messages_of(response)
    assert "1 MB" in message
    assert VIETNAMESE.search(message), message
    assert not Attachment.objects.exists()
    assert stored_files() == []
    # Exactly at the limit is still accepted.
    attachment = attach(draft, cast.a1_member, "vua.pdf", too_big[:limit])
    assert attachment.size == limit


def test_adding_to_a_submitted_request_is_refused(cast, draft, client_for):
    submit(draft, cast.a1_member)
    response = client_for(cast.a1_member).post(
        upload_url(draft),
        {"file": SimpleUploadedFile("muon.pdf", pdf_bytes()), "purpose": "evidence"},
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError) as refused:
        attach(draft, cast.a1_member)
    assert VIETNAMESE.search(refused.value.messages[0]), refused.value.messages
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_returned_request_takes_files_again(cast, draft):
    submit(draft, cast.a1_member)
    services.initiative_return(initiative=draft, actor=cast.a_staff, reason="Bổ sung.")
    assert attach(draft, cast.a1_member).pk


def test_only_authors_may_upload(cast, draft, client_for):
    data = {"file": SimpleUploadedFile("x.pdf", pdf_bytes()), "purpose": "evidence"}
    # The support team sees the draft but is not an author.
    assert client_for(cast.a1_support).post(upload_url(draft), data).status_code == 403
    assert client_for(cast.outsider).post(upload_url(draft), data).status_code == 404
    assert stored_files() == []


# --- File names --------------------------------------------------------------


def multipart(filename: bytes, data: bytes) -> tuple[bytes, str]:
    boundary = "----sangkien"
    body = b"\r\n".join(
        [
            f"--{boundary}".encode(),
            b'Content-Disposition: form-data; name="purpose"',
            b"",
            b"evidence",
            f"--{boundary}".encode(),
            b'Content-Disposition: form-data; name="file"; filename="'
            + filename
            + b'"',
            b"Content-Type: application/pdf",
            b"",
            data,
            f"--{boundary}--".encode(),
            b"",
        ]
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "raw",
    [
        "../../../etc/cron.d/Báo cáo.pdf",
        "..\\..\\Windows\\System32\\Báo cáo.pdf",
        "Báo cáo\x00.sh.pdf",
    ],
)
def test_a_hostile_file_name_is_kept_only_as_clean_display_text(
    raw, cast, draft, client_for
):
    body, content_type = multipart(raw.encode(), pdf_bytes())
    client = client_for(cast.a1_member)
    response = client.post(upload_url(draft), body, content_type=content_type)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name in {"Báo cáo.pdf", "Báo cáo.sh.pdf"}
    assert re.fullmatch(
        r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name
    )


@pytest.mark.parametrize(
    "raw",
    ["thu-muc/con/Báo cáo.pdf", "C:\\Users\\An\\Báo cáo.pdf", "Báo\x00 cáo.pdf"],
)
def test_the_service_cleans_the_display_name_whoever_calls_it(raw, cast, draft):
    class Upload(io.BytesIO):
        name = raw

    attachment = services.attachment_add(
        initiative=draft, actor=cast.a1_member, upload=Upload(pdf_bytes())
    )
    name = attachment.original_name
    assert "/" not in name
    assert "\\" not in name
    assert "\x00" not in name
    assert name.endswith("cáo.pdf")
    assert "Báo" not in attachment.file.name


def test_a_300_character_name_is_truncated(cast, draft, client_for):
    long_name = "Biên bản " + "ấ" * 287 + ".pdf"
    assert len(long_name) == 300
    response = post_file(client_for(cast.a1_member), draft, long_name, pdf_bytes())
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert 0 < len(attachment.original_name) <= 255
    assert attachment.original_name.startswith("Biên bản ấấấ")
    assert len(attachment.file.name) < 80
    assert "ấ" not in attachment.file.name
    # The service truncates by itself too.
    direct = attach(draft, cast.a1_member, long_name)
    assert len(direct.original_name) <= 255


# --- Downloads ---------------------------------------------------------------


def download(client, attachment):
    """GET a file and read it whole; reading closes it (never call close() on a
    test client's streaming response: that would close the test's connection)."""
    response = client.get(
        reverse("initiatives:attachment_download", args=[attachment.pk])
    )
    response.body = b"".join(response.streaming_content) if response.streaming else b""
    return response


def test_a_download_is_an_attachment_with_its_name_and_type(cast, draft, client_for):
    data = docx_bytes()
    attachment = attach(draft, cast.a1_member, "Báo cáo kết quả áp dụng.docx", data)
    response = download(client_for(cast.a1_member), attachment)
    assert response.status_code == 200
    assert response.body == data
    assert response["Content-Type"] == uploads.DOCX.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition_name(disposition) == "Báo cáo kết quả áp dụng.docx"


def test_a_download_carries_the_detected_type_not_the_name(cast, draft, client_for):
    data = image_bytes("PNG")
    attachment = attach(draft, cast.a1_member, "trang.html", data)
    response = download(client_for(cast.a1_member), attachment)
    assert response.body == data
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("who", "draft_status", "submitted_status"),
    [
        ("a1_member", 200, 200),  # the author
        ("a1_support", 200, 200),  # the support team coaching the union
        ("a_staff", 404, 200),  # the recognising unit's emulation staff
        ("a_officer", 404, 200),  # an officer above the filing union
        ("province_admin", 404, 200),
        ("superuser", 200, 200),
        ("b_admin", 404, 404),  # the admin of a sibling unit
        ("b1_member", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_only_those_who_see_the_request_download_its_files(
    who, draft_status, submitted_status, cast, draft, client_for
):
    attachment = attach(draft, cast.a1_member)
    client = client_for(getattr(cast, who))
    response = download(client, attachment)
    assert response.status_code == draft_status
    stored = Path(attachment.file.path).read_bytes()
    assert (response.body == stored) == (draft_status == 200)
    submit(draft, cast.a1_member)
    response = download(client, attachment)
    assert response.status_code == submitted_status


def test_anonymous_visitors_are_sent_to_sign_in(cast, draft, client_for):
    attachment = attach(draft, cast.a1_member)
    response = download(client_for(None), attachment)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_stored_files_are_not_served_from_the_media_url(cast, draft, client_for):
    attachment = attach(draft, cast.a1_member)
    url = "/" + django_settings.MEDIA_URL.strip("/") + "/" + attachment.file.name
    response = client_for(cast.outsider).get(url)
    assert response.status_code == 404


# --- Removal -----------------------------------------------------------------


def delete_url(attachment):
    return reverse("initiatives:attachment_delete", args=[attachment.pk])


def test_an_author_removes_a_file_after_commit_and_it_is_recorded(
    cast, draft, client_for, django_capture_on_commit_callbacks
):
    attachment = attach(draft, cast.a1_member, "Ảnh hội nghị.pdf")
    stored = Path(attachment.file.path)
    client = client_for(cast.a1_member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(delete_url(attachment))
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    # The file goes only once the removal is committed.
    assert stored.exists()
    for callback in callbacks:
        callback()
    assert not stored.exists()
    event = draft.events.get(action=InitiativeEvent.Action.DETACHED)
    assert event.actor == cast.a1_member
    assert event.note == "Ảnh hội nghị.pdf"


def test_a_removal_that_rolls_back_keeps_the_file(
    cast, draft, django_capture_on_commit_callbacks
):
    attachment = attach(draft, cast.a1_member)
    pk, stored = attachment.pk, Path(attachment.file.path)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.attachment_remove(attachment=attachment, actor=cast.a1_member)
        raise RuntimeError("later step failed")
    assert stored.exists()
    assert Attachment.objects.filter(pk=pk).exists()
    assert not draft.events.filter(action=InitiativeEvent.Action.DETACHED).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("a1_support", 403), ("outsider", 404), ("b_admin", 404), ("a_staff", 404)],
)
def test_others_cannot_remove_a_file(
    who, status, cast, draft, client_for, django_capture_on_commit_callbacks
):
    attachment = attach(draft, cast.a1_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(getattr(cast, who)).post(delete_url(attachment))
    assert response.status_code == status
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert Path(attachment.file.path).exists()


def test_files_of_a_submitted_request_cannot_be_removed(
    cast, draft, client_for, django_capture_on_commit_callbacks
):
    attachment = attach(draft, cast.a1_member)
    submit(draft, cast.a1_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.a1_member).post(delete_url(attachment))
        assert response.status_code == 403
        with pytest.raises(ValidationError):
            services.attachment_remove(attachment=attachment, actor=cast.a1_member)
    assert Path(attachment.file.path).exists()
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert not draft.events.filter(action=InitiativeEvent.Action.DETACHED).exists()


def test_removal_takes_a_post(cast, draft, client_for):
    attachment = attach(draft, cast.a1_member)
    response = client_for(cast.a1_member).get(delete_url(attachment))
    assert response.status_code == 405
    assert Attachment.objects.filter(pk=attachment.pk).exists()
