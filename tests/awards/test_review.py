"""Review before numbering: the dossier is drafted from the data, its texts are
edited on the web (and read in Word) while nothing has a number; issuing numbers
every document at once, atomically, and then the texts never change."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from awards import dossier as dossiers
from awards import word
from awards.models import Candidate, Dossier
from documents.models import IssuedDocument, NumberSeries
from tests.initiatives.helpers import pdf_text
from tests.initiatives.pdf_helpers import squash

pytestmark = pytest.mark.django_db
CODES = ["TTr", "BC", "TrBB"]


def ours():
    """The dossier's documents (the fixture's recognition decisions aside)."""
    return IssuedDocument.objects.filter(series__code__in=CODES)


def word_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    ]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def draft(selected_round, cast):
    award_round, _candidates, _entry = selected_round
    return dossiers.dossier_prepare(award_round=award_round, actor=cast.a_staff)


def test_count_phrase_agrees_and_leaves_out_zero():
    def people(collectives, individuals):
        return [Candidate(kind="collective")] * collectives + [
            Candidate(kind="individual")
        ] * individuals

    assert dossiers.count_phrase(people(0, 1)) == "1 cá nhân"
    assert dossiers.count_phrase(people(2, 3)) == "2 tập thể, 3 cá nhân"
    assert dossiers.count_phrase(people(1, 0)) == "1 tập thể"


def test_the_draft_takes_no_number(draft, selected_round):
    _round, candidates, _entry = selected_round
    assert draft.status == Dossier.Status.DRAFT
    assert not ours().exists()
    assert not NumberSeries.objects.filter(code__in=CODES).exists()
    assert "1 tập thể, 1 cá nhân" in draft.submission_text
    for candidate in candidates:
        candidate.refresh_from_db()
        assert candidate.achievements
    # The Word draft has a blank number and the drafted text.
    text = word_text(word.submission(draft))
    assert "Số:" in text and "/TTr" in text
    assert "1 tập thể, 1 cá nhân" in text


def test_edited_texts_are_what_is_issued_then_they_never_change(
    draft, selected_round, cast
):
    award_round, candidates, _entry = selected_round
    dossiers.submission_set(
        dossier=draft, actor=cast.a_staff, text="Đoạn một đã sửa.\nĐoạn hai."
    )
    dossiers.summary_set(
        candidate=candidates[1], actor=cast.a_staff, text="Thành tích đã duyệt."
    )
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    # Every document numbered at once.
    assert dossier.status == Dossier.Status.PREPARED
    assert ours().count() == 2 + len(candidates)
    submission = pdf_text(dossiers.document_bytes(dossier.submission))
    assert squash("Đoạn một đã sửa.") in submission
    assert squash("Thành tích đã duyệt.") in pdf_text(
        dossiers.document_bytes(dossiers.latest_summary(candidates[1]))
    )
    # Then the texts are final, with a clear message.
    with pytest.raises(ValidationError) as refused:
        dossiers.submission_set(dossier=dossier, actor=cast.a_staff, text="Khác.")
    assert "đã được cấp số" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        dossiers.summary_set(candidate=candidates[0], actor=cast.a_staff, text="Khác.")
    # The Word Tờ trình now carries its number.
    text = word_text(word.submission(dossier))
    assert f"Số: {dossier.submission.symbol}" in text
    summary = dossiers.latest_summary(candidates[1])
    summary_text = word_text(word.summary(dossier, candidates[1]))
    assert f"Số: {summary.symbol}" in summary_text, summary_text[-600:]


def test_issuing_is_all_or_nothing(draft, selected_round, cast, monkeypatch):
    award_round, _candidates, _entry = selected_round
    from documents import services as document_services

    real = document_services.render_pdf

    def failing(template_name, context, **kwargs):
        if template_name == "documents/award_submission.html":
            raise RuntimeError("the renderer fell over")
        return real(template_name, context, **kwargs)

    monkeypatch.setattr(document_services, "render_pdf", failing)
    with pytest.raises(RuntimeError):
        dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert not ours().exists()
    assert not NumberSeries.objects.filter(code__in=CODES, last_number__gt=0).exists()
    draft.refresh_from_db()
    assert draft.status == Dossier.Status.DRAFT
    monkeypatch.setattr(document_services, "render_pdf", real)
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert dossier.submission.symbol.startswith("01/TTr")


def test_the_dossier_page_through_review(selected_round, cast, client_for):
    award_round, _candidates, _entry = selected_round
    client = client_for(cast.a_staff)
    response = client.post(reverse("awards:dossier_prepare", args=[award_round.pk]))
    dossier = Dossier.objects.get()
    assert response.url == dossier.get_absolute_url()
    assert len(list(get_messages(response.wsgi_request))) == 1
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert reverse("awards:submission_edit", args=[dossier.pk]) in page
    assert 'id="issue-dossier"' in page and 'id="issue-missing"' not in page
    url = reverse("awards:submission_edit", args=[dossier.pk])
    response = client.post(url, {"ttr-text": "Văn bản <b>mới</b>."})
    assert len(list(get_messages(response.wsgi_request))) == 1
    dossier.refresh_from_db()
    assert dossier.submission_text == "Văn bản <b>mới</b>."
    assert (
        "Văn bản &lt;b&gt;mới&lt;/b&gt;."
        in client.get(url.replace("submission/", "")).content.decode()
    )
    response = client.post(reverse("awards:dossier_issue", args=[award_round.pk]))
    assert len(list(get_messages(response.wsgi_request))) == 1
    page = client.get(dossier.get_absolute_url()).content.decode()
    # Nothing is missing now: no offer to issue missing documents; no text boxes.
    assert 'id="issue-missing"' not in page and 'id="issue-dossier"' not in page
    assert url not in page
    response = client.post(url, {"ttr-text": "Sửa sau khi ban hành."})
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and "đã được cấp số" in messages[0]
    dossier.refresh_from_db()
    assert dossier.submission_text == "Văn bản <b>mới</b>."


def test_issue_the_missing_documents_only_when_one_is_missing(
    selected_round, cast, client_for
):
    award_round, candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    client = client_for(cast.a_staff)
    assert (
        'id="issue-missing"'
        not in client.get(dossier.get_absolute_url()).content.decode()
    )
    dossiers.CandidateSummary.objects.filter(candidate=candidates[0]).delete()
    assert (
        'id="issue-missing"' in client.get(dossier.get_absolute_url()).content.decode()
    )
