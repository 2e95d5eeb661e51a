"""A print has a time limit (documents.time_limit): past it the print stops and
the person reads why, in Vietnamese; nothing is issued, no number is used, no
file is kept; a download answers with a page saying so, never a server error;
the worker fails such a print for good instead of trying it again."""

import datetime
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import parallel, rendering, time_limit
from documents.models import IssuedDocument, NumberSeries
from documents.services import document_issue
from documents.time_limit import PrintTimeLimitError
from initiatives.models import Initiative
from jobs.services import JobCannotRunError
from tests.documents.conftest import NOTICE, flat, pdf_text
from tests.documents.test_parallel import page
from tests.initiatives.factories import make_request

STOPPED = "nên đã dừng lại"
# Longer than any limit used here: a print that is not stopped fails the test
# after this, rather than hanging it.
AT_MOST = 20.0


class SlowHTML:
    """WeasyPrint's HTML, laying out for ever (AT_MOST seconds)."""

    def __init__(self, *args, **kwargs):
        pass

    def write_pdf(self, *args, **kwargs):
        end = time.monotonic() + AT_MOST
        while time.monotonic() < end:
            time.sleep(0.01)
        return b"%PDF-never"


@pytest.fixture
def slow_renderer(monkeypatch, settings):
    settings.PRINT_TIME_LIMIT = 0.3
    monkeypatch.setattr(rendering, "HTML", SlowHTML)


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def files_under(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


# --- The limit -------------------------------------------------------------------


def test_a_block_past_its_limit_is_stopped_with_a_message():
    with pytest.raises(PrintTimeLimitError) as raised, time_limit.enforced(0.1):
        busy(AT_MOST)
    error = raised.value
    assert isinstance(error, ValidationError)
    [message] = error.messages
    assert STOPPED in message
    assert "thử lại" in message


def test_a_block_within_its_limit_runs_to_its_end_and_nothing_follows_it():
    with time_limit.enforced(5):
        busy(0.05)
    # Past the limit the block would have had, nothing is raised any more.
    busy(0.1)


def test_a_stop_never_reaches_the_code_after_the_block():
    """Blocks that end about when their limit comes: each either ends or is
    stopped inside, and nothing arrives afterwards."""
    outcomes = set()
    for _ in range(60):
        try:
            with time_limit.enforced(0.01):
                busy(0.01)
        except PrintTimeLimitError:
            outcomes.add("stopped")
        else:
            outcomes.add("ended")
        # A stop arriving here would fail the test (it is no Exception).
        busy(0.02)
        time.sleep(0.001)
    assert outcomes


def test_an_inner_block_keeps_the_outer_deadline():
    outer, inner = time_limit.enforced(0.2), time_limit.enforced(60)
    with pytest.raises(PrintTimeLimitError) as raised, outer, inner:
        busy(AT_MOST)
    assert raised.value.seconds == 0.2


def test_the_limit_of_prints_comes_from_the_settings_or_the_block(settings):
    settings.PRINT_TIME_LIMIT = 30
    assert time_limit.seconds() == 30
    with time_limit.time_limit(600):
        assert time_limit.seconds() == 600
    assert time_limit.seconds() == 30


def test_the_worker_s_prints_have_their_own_limit_and_fail_for_good(settings):
    settings.PRINT_JOB_TIME_LIMIT = 900
    with time_limit.in_the_worker():
        assert time_limit.seconds() == 900
    with pytest.raises(JobCannotRunError, match=STOPPED), time_limit.in_the_worker():
        raise PrintTimeLimitError(900)


# --- The renderer ----------------------------------------------------------------


def test_weasyprint_itself_is_stopped_at_the_limit(monkeypatch, settings):
    """Without the places to break, a word of 50,000 characters keeps WeasyPrint
    busy for half a minute or more: the limit stops it, and the next print
    works."""
    monkeypatch.setattr(rendering, "break_long_tokens", str)
    settings.PRINT_TIME_LIMIT = 1
    word = ("ĐổiMớiSángTạo" * 4000)[:50_000]
    started = time.monotonic()
    with pytest.raises(PrintTimeLimitError):
        rendering.render_pdf(NOTICE, {"paragraphs": [word]})
    assert time.monotonic() - started < AT_MOST
    monkeypatch.undo()
    pdf = rendering.render_pdf(NOTICE, {"paragraphs": ["Nội dung thông báo."]})
    assert "Nội dung thông báo." in flat(pdf_text(pdf))


def test_a_slow_print_is_stopped(slow_renderer):
    with pytest.raises(PrintTimeLimitError):
        rendering.render_pdf(NOTICE, {"paragraphs": ["Nội dung."]})


@pytest.mark.django_db
def test_a_slow_document_is_not_issued_and_uses_no_number(
    slow_renderer, tree, cast, media_root
):
    with pytest.raises(PrintTimeLimitError):
        document_issue(
            unit=tree.province,
            code="TB",
            kind="notice",
            title="Thông báo tổ chức hội nghị sơ kết",
            template_name=NOTICE,
            context={"summary": "Về việc thử", "paragraphs": ["Nội dung."]},
            issued_on=datetime.date(2026, 1, 5),
            actor=cast.province_staff,
        )
    assert not IssuedDocument.objects.exists()
    assert not NumberSeries.objects.exists()
    assert files_under(media_root) == []


def test_parts_past_the_limit_end_the_print_with_the_message():
    with pytest.raises(PrintTimeLimitError) as raised:
        parallel.render_pdf_in_parts(
            lambda count: [page("x", 50)] * count,
            lambda first, count, total: "",
            processes=2,
            timeout=0.05,
        )
    assert isinstance(raised.value.__cause__, parallel.PartsTimeoutError)


# --- What the person sees --------------------------------------------------------


@pytest.mark.django_db
def test_a_download_past_the_limit_answers_with_a_page_saying_so(
    slow_renderer, cast, client_for
):
    initiative = make_request(cast.a1_member, cast.tree.a1, cast.tree.a)
    response = client_for(cast.a1_member).get(
        reverse("initiatives:pdf", args=[initiative.pk])
    )
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert STOPPED in content
    assert "Bản in đã dừng lại" in content


@pytest.mark.django_db
def test_accepting_a_request_whose_receipt_is_too_slow_changes_nothing(
    slow_renderer, cast, client_for
):
    from initiatives import services

    initiative = make_request(cast.a1_member, cast.tree.a1, cast.tree.a)
    services.initiative_submit(initiative=initiative, actor=cast.a1_member)
    client = client_for(cast.a_staff)
    response = client.post(
        reverse("initiatives:accept", args=[initiative.pk]), follow=True
    )
    assert response.status_code == 200
    assert STOPPED in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED
    assert not IssuedDocument.objects.exists()
    assert not NumberSeries.objects.exists()
