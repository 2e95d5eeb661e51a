"""Issuing: the number, the stored PDF and its SHA-256 exist together or not at
all, and an issued document never changes."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import TemplateDoesNotExist
from django.utils import timezone

from documents import services
from documents.models import IssuedDocument, NumberSeries
from documents.services import document_bytes, document_issue, document_verify
from tests.documents.conftest import NOTICE, flat, pdf_text
from units.services import unit_rename

D = datetime.date


def files_under(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


@pytest.fixture
def issue(tree, cast):
    def issue(**overrides):
        arguments = {
            "unit": tree.province,
            "code": "TB",
            "kind": "notice",
            "title": "Thông báo tổ chức hội nghị sơ kết",
            "template_name": NOTICE,
            "context": {
                "summary": "Về việc tổ chức hội nghị sơ kết phong trào",
                "paragraphs": ["Nội dung thông báo."],
            },
            "issued_on": D(2026, 1, 5),
            "actor": cast.province_staff,
        }
        return document_issue(**{**arguments, **overrides})

    return issue


def test_issuing_numbers_renders_and_stores_the_document(issue, cast, media_root):
    document = issue()
    assert (document.number, document.symbol) == (1, "01/TB-LĐLĐ")
    assert document.series.code == "TB"
    assert document.issued_by == cast.province_staff
    assert document.kind == "notice"
    stored = Path(document.file.path)
    assert stored.is_file()
    assert media_root in stored.parents
    assert document.file.name.startswith(f"documents/{timezone.now():%Y}/")
    data = stored.read_bytes()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert len(data) == document.size
    text = flat(pdf_text(data))
    assert "Số: 01/TB-LĐLĐ" in text
    assert "Cao Bằng, ngày 05 tháng 01 năm 2026" in text
    assert "DỰ THẢO" not in text


def test_the_stored_name_is_generated_never_taken_from_the_user(issue):
    document = issue(title="../../etc/passwd <x>.pdf")
    name = Path(document.file.name).name
    assert len(name) == len("0123456789abcdef0123456789abcdef.pdf")
    assert "passwd" not in document.file.name


def test_reading_a_document_twice_gives_the_same_bytes(issue):
    document = issue()
    fresh = IssuedDocument.objects.get(pk=document.pk)
    first, second = document_bytes(fresh), document_bytes(fresh)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == document.sha256
    assert document_verify(fresh)


def test_verify_detects_a_changed_or_missing_file(issue):
    changed, missing = issue(), issue()
    Path(changed.file.path).write_bytes(b"%PDF-1.7 altered")
    Path(missing.file.path).unlink()
    assert document_verify(changed) is False
    assert document_verify(missing) is False


def test_successive_documents_take_successive_numbers(issue):
    symbols = [issue().symbol for _ in range(3)]
    assert symbols == ["01/TB-LĐLĐ", "02/TB-LĐLĐ", "03/TB-LĐLĐ"]
    assert issue(issued_on=D(2025, 12, 31)).symbol == "01/TB-LĐLĐ"


def test_a_rendering_failure_uses_no_number_and_stores_no_file(issue, media_root):
    issue()
    with pytest.raises(TemplateDoesNotExist):
        issue(template_name="documents/no_such_template.html")
    with pytest.raises(ZeroDivisionError):
        issue(context={"paragraphs": Exploding()})
    with pytest.raises(TemplateDoesNotExist):
        issue(template_name="documents/no_such_template.html", code="QĐ")
    assert NumberSeries.objects.get(code="TB").last_number == 1
    assert not NumberSeries.objects.filter(code="QĐ").exists()
    assert IssuedDocument.objects.count() == 1
    assert len(files_under(media_root)) == 1
    assert issue().number == 2


def test_a_failure_after_storing_removes_the_file(issue, media_root, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(IssuedDocument, "save", broken_save)
    with pytest.raises(RuntimeError):
        issue()
    assert files_under(media_root) == []
    assert not NumberSeries.objects.exists()


class Exploding:
    def __iter__(self):
        raise ZeroDivisionError


def test_a_correction_refers_to_the_original(issue):
    original = issue()
    correction = issue(title="Đính chính thông báo", refers_to=original)
    assert correction.refers_to == original
    assert list(original.corrections.all()) == [correction]
    # The original is untouched.
    assert IssuedDocument.objects.get(pk=original.pk).sha256 == original.sha256
    assert document_verify(original)


def test_a_document_concerns_any_object_through_a_generic_link(issue, tree):
    document = issue(subject=tree.a1)
    fresh = IssuedDocument.objects.get(pk=document.pk)
    assert fresh.subject == tree.a1
    assert fresh.content_type.model == "unit"
    assert fresh.object_id == tree.a1.pk


def test_a_council_issues_in_its_own_name_and_series(issue):
    document = issue(
        code="QĐ-HĐSK",
        kind="decision",
        issuer="Hội đồng sáng kiến",
        abbreviation="",
    )
    assert document.symbol == "01/QĐ-HĐSK"
    text = flat(pdf_text(document_bytes(document)))
    # The unit's name over the council's (the national title sits between them
    # in pdftotext's reading order, each being one line of its column).
    unit_at = text.index("LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG")
    assert text.index("HỘI ĐỒNG SÁNG KIẾN", unit_at) > unit_at
    assert "Số: 01/QĐ-HĐSK" in text
    assert "TỔNG LIÊN ĐOÀN" not in text


def test_the_symbol_uses_the_abbreviation_of_the_issuing_day(issue, tree):
    unit_rename(
        unit=tree.province,
        name="Liên đoàn Lao động tỉnh Cao Bằng",
        short_name="",
        abbreviation="LĐLĐT",
        effective_on=D(2026, 7, 1),
        actor=None,
    )
    assert issue(issued_on=D(2026, 6, 30)).symbol == "01/TB-LĐLĐ"
    assert issue(issued_on=D(2026, 7, 1)).symbol == "02/TB-LĐLĐT"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "poem"}, "kind"),
        ({"title": "   "}, "title"),
        ({"title": "Đ" * 501}, "title"),
        ({"code": "T/B"}, "code"),
        ({"issued_on": timezone.localdate() + datetime.timedelta(days=1)}, "issued_on"),
    ],
)
def test_bad_input_is_refused_before_anything_is_taken(
    issue, media_root, overrides, field
):
    with pytest.raises(ValidationError) as error:
        issue(**overrides)
    assert field in error.value.message_dict
    assert not NumberSeries.objects.exists()
    assert files_under(media_root) == []


def test_there_is_no_service_to_change_an_issued_document():
    public = {name for name in dir(services) if name.startswith("document_")}
    assert public == {"document_issue", "document_bytes", "document_verify"}
