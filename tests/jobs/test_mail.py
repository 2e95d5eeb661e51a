"""Mail goes through the queue: rendered when it is sent for, stored as plain
text and addresses, sent by the worker once the transaction commits, never for a
transaction that rolls back."""

import json
from email.mime.text import MIMEText

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.db import transaction

from jobs.models import Job
from tests.jobs.conftest import run_worker
from units import mail as union_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(cast):
    from tests.initiatives.helpers import idea_for

    idea = idea_for(cast.a1_member, cast.tree.a1, title="Thư viện số <của> công đoàn")
    # Posting it told the support team: that mail is not what these tests send.
    Job.objects.all().delete()
    return idea


def send_idea_mail(idea, recipients=("b@example.vn", "a@example.vn", "")):
    union_mail.send_templated("idea_posted", {"idea": idea}, list(recipients))


def test_mail_is_queued_as_plain_text_and_sent_by_the_worker(idea):
    mail.outbox.clear()
    send_idea_mail(idea)
    job = Job.objects.get(kind=Job.Kind.MAIL)
    # Rendered at once: the job holds text and addresses, nothing else.
    assert json.loads(json.dumps(job.arguments)) == job.arguments
    assert job.arguments["to"] == ["a@example.vn", "b@example.vn"]
    assert "Thư viện số <của> công đoàn" in job.arguments["body"]
    assert job.owner is None
    assert mail.outbox == []

    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    (message,) = mail.outbox
    assert message.to == ["a@example.vn", "b@example.vn"]
    assert message.subject == job.arguments["subject"]
    # Plain text as typed: no HTML escaping in the subject or the text body.
    assert "Thư viện số <của> công đoàn" in message.subject
    assert "&lt;" not in message.subject + message.body
    assert "\n" not in message.subject
    assert "Thư viện số <của> công đoàn" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "Thư viện số &lt;của&gt; công đoàn" in html


def test_no_mail_for_a_transaction_that_rolls_back(idea):
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        send_idea_mail(idea)
        raise RuntimeError("a later step failed")
    assert not Job.objects.filter(kind=Job.Kind.MAIL).exists()
    assert run_worker() == 0
    assert mail.outbox == []


def test_eagerly_mail_is_sent_on_commit_and_not_on_rollback(
    idea, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RUN_EAGERLY = True
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_idea_mail(idea)
        raise RuntimeError("a later step failed")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        send_idea_mail(idea)
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 1


def test_suppressed_mail_is_not_even_queued(idea):
    with union_mail.suppressed():
        send_idea_mail(idea)
    assert not Job.objects.exists()


def test_mail_that_cannot_be_sent_is_retried(idea, settings):
    settings.JOBS_EMAIL_BACKEND = "tests.jobs.test_mail.BrokenBackend"
    send_idea_mail(idea)
    assert run_worker() == 1
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert job.attempts == 1
    assert job.max_attempts == settings.JOBS_MAIL_MAX_ATTEMPTS
    assert "ConnectionRefusedError" in job.error


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_django_s_own_mail_goes_through_the_queue_too(settings):
    settings.EMAIL_BACKEND = "jobs.mail.QueuedEmailBackend"
    mail.outbox.clear()
    message = EmailMessage(
        "Đặt mật khẩu",
        "Bấm vào liên kết để đặt mật khẩu.",
        to=["nguoi@example.vn"],
        cc=["sao@example.vn"],
        reply_to=["hotro@example.vn"],
        headers={"X-Lien-Ket": "1"},
    )
    message.attach("danh-sach.csv", "Họ tên\nAn", "text/csv")
    message.attach("anh.png", b"\x89PNG\r\n\x00\xff", "image/png")
    assert message.send() == 1
    assert send_mail("Chào", "Nội dung", None, ["khac@example.vn"]) == 1
    assert Job.objects.filter(kind=Job.Kind.MAIL).count() == 2
    assert mail.outbox == []
    assert run_worker() == 2
    sent, other = mail.outbox
    assert sent.subject == "Đặt mật khẩu"
    assert (sent.to, sent.cc, sent.reply_to) == (
        ["nguoi@example.vn"],
        ["sao@example.vn"],
        ["hotro@example.vn"],
    )
    assert sent.extra_headers == {"X-Lien-Ket": "1"}
    assert [tuple(a) for a in sent.attachments] == [
        ("danh-sach.csv", "Họ tên\nAn", "text/csv"),
        ("anh.png", b"\x89PNG\r\n\x00\xff", "image/png"),
    ]
    assert other.to == ["khac@example.vn"]


def test_a_message_json_cannot_hold_is_sent_at_once(settings):
    settings.EMAIL_BACKEND = "jobs.mail.QueuedEmailBackend"
    mail.outbox.clear()
    message = EmailMessage("Tệp", "Xem tệp kèm.", to=["nguoi@example.vn"])
    message.attach(MIMEText("phần MIME"))
    assert message.send() == 1
    assert not Job.objects.exists()
    assert len(mail.outbox) == 1
