"""The award dossier: every part issued for every nominee, the bundle's table of
contents matching its pages, Word files with the nominees, and the way up."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from awards import dossier as dossiers
from awards.models import Award, AwardForm, Candidate, Dossier
from tests.initiatives.helpers import pdf_text
from tests.initiatives.pdf_helpers import squash

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_the_dossier_has_every_part_for_every_nominee(selected_round, cast):
    award_round, candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert dossier.addressee == cast.tree.province
    assert dossier.submission.symbol.startswith("01/TTr")
    assert "/TrBB" in dossier.excerpt.symbol
    for candidate in candidates:
        assert dossiers.latest_summary(candidate) is not None
    text = pdf_text(dossiers.document_bytes(dossier.submission))
    for name in ("Công đoàn Trường THPT Chuyên", cast.a1_member.full_name):
        assert squash(name) in text
    excerpt = pdf_text(dossiers.document_bytes(dossier.excerpt))
    assert "<b>Chủtịch</b>" in excerpt and squash("Được chọn") in excerpt
    # Issuing again adds nothing.
    again = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert again.submission_id == dossier.submission_id


def test_the_bundle_contents_match_its_pages(selected_round, cast):
    award_round, _candidates, entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    pdf, rows = dossiers.bundle(dossier)
    reader = PdfReader(io.BytesIO(pdf))
    parts = dossiers.parts(dossier)
    assert len(rows) == len(parts) >= 5  # Tờ trình, excerpt, 2 summaries, decisions
    assert rows[0]["page"] == 2
    total = 1 + sum(len(PdfReader(io.BytesIO(p.pdf)).pages) for p in parts)
    assert len(reader.pages) == total
    for row, part in zip(rows, parts, strict=True):
        first = PdfReader(io.BytesIO(part.pdf)).pages[0].extract_text()
        assert reader.pages[row["page"] - 1].extract_text() == first
    toc = reader.pages[0].extract_text()
    assert "MỤC LỤC" in toc and dossier.submission.symbol in toc
    assert any(entry.decision.symbol == row["symbol"] for row in rows)


def test_the_zip_holds_the_parts_and_word_files(selected_round, cast):
    award_round, candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    with zipfile.ZipFile(io.BytesIO(dossiers.archive(dossier))) as zipped:
        names = zipped.namelist()
        words = [n for n in names if n.endswith(".docx")]
        assert len([n for n in names if n.endswith(".pdf")]) == len(
            dossiers.parts(dossier)
        )
        assert len(words) == 1 + len(candidates)
        submission = Document(io.BytesIO(zipped.read("word/01-to-trinh.docx")))
    text = "\n".join(
        cell.text
        for table in submission.tables
        for row in table.rows
        for cell in row.cells
    )
    assert cast.a1_member.full_name in text
    assert "Công đoàn Trường THPT Chuyên" in text


def test_the_dossier_goes_up_and_comes_back_with_an_award(selected_round, cast):
    award_round, candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    dossier = dossiers.dossier_send(dossier=dossier, actor=cast.a_staff)
    with pytest.raises(ValidationError):
        dossiers.dossier_return(dossier=dossier, actor=cast.province_staff, comments="")
    dossier = dossiers.dossier_return(
        dossier=dossier, actor=cast.province_staff, comments="Bổ sung số liệu."
    )
    first = dossier.submission
    dossiers.summary_set(
        candidate=candidates[0], actor=cast.a_staff, text="Thành tích đã bổ sung."
    )
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert dossier.submission.refers_to == first
    assert squash("Thành tích đã bổ sung.") in pdf_text(
        dossiers.document_bytes(dossiers.latest_summary(candidates[0]))
    )
    dossier = dossiers.dossier_send(dossier=dossier, actor=cast.a_staff)
    with pytest.raises(ValidationError):
        dossiers.decision_record(
            dossier=dossier,
            actor=cast.province_staff,
            award_form=AwardForm.objects.get(name="Giấy khen"),
            symbol="125/QĐ-LĐLĐ",
            issued_on=TODAY,
            awardees=candidates,
        )
    dossier = dossiers.dossier_accept(dossier=dossier, actor=cast.province_staff)
    assert dossier.status == Dossier.Status.ACCEPTED
    decision = dossiers.decision_record(
        dossier=dossier,
        actor=cast.province_staff,
        award_form=AwardForm.objects.get(name="Giấy khen"),
        symbol="125/QĐ-LĐLĐ",
        issued_on=TODAY,
        awardees=candidates,
    )
    assert decision.awards.count() == 2
    history = Award.objects.filter(person=cast.a1_member)
    assert [a.award_form.name for a in history] == ["Giấy khen"]
    assert Award.objects.filter(unit=cast.tree.a1, person=None).count() == 1
    with pytest.raises(ValidationError):
        dossiers.decision_record(
            dossier=dossier,
            actor=cast.province_staff,
            award_form=AwardForm.objects.get(name="Giấy khen"),
            symbol="126/QĐ-LĐLĐ",
            issued_on=TODAY,
            awardees=candidates[:1],
        )


def test_no_dossier_before_the_selection(movement, cast):
    award_round = movement.round(cast.tree.a)
    with pytest.raises(ValidationError):
        dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert not Dossier.objects.exists()
    assert Candidate.objects.count() == 0
