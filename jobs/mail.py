"""Mail through the queue.

Every message becomes a mail job whose arguments are plain JSON (subject, bodies,
addresses); the worker sends it through JOBS_EMAIL_BACKEND, the backend the site
is configured with. `QueuedEmailBackend`, set as EMAIL_BACKEND, brings Django's
own mail (password links) into the queue too. Mail goes before prints in the
queue and is retried for longer, since a mail server is often down for a while.
"""

import base64

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from jobs.models import Job
from jobs.services import job_enqueue

MAIL_PRIORITY = 0


def message_arguments(message: EmailMessage) -> dict:
    """Return the message as JSON arguments; raise TypeError for what JSON
    cannot hold (an attachment given as a MIME part)."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise TypeError("MIME attachments are sent directly.")
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            content, encoding = base64.b64encode(content).decode("ascii"), "base64"
        else:
            encoding = "text"
        attachments.append([filename, content, mimetype, encoding])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def mail_enqueue(message: EmailMessage) -> Job:
    """Queue the message; it is sent once the transaction commits."""
    return job_enqueue(
        kind=Job.Kind.MAIL,
        arguments=message_arguments(message),
        title=str(message.subject)[:300],
        priority=MAIL_PRIORITY,
        max_attempts=settings.JOBS_MAIL_MAX_ATTEMPTS,
    )


def sending_connection(**kwargs):
    backend = settings.JOBS_EMAIL_BACKEND
    if backend == f"{QueuedEmailBackend.__module__}.{QueuedEmailBackend.__name__}":
        raise ImproperlyConfigured(
            "JOBS_EMAIL_BACKEND must be a backend that sends, not the queue."
        )
    return get_connection(backend, **kwargs)


def deliver(job: Job, progress) -> None:
    """The mail job: send the stored message."""
    data = job.arguments
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data.get("from_email") or None,
        to=data.get("to") or [],
        cc=data.get("cc") or [],
        bcc=data.get("bcc") or [],
        reply_to=data.get("reply_to") or [],
        headers=data.get("headers") or {},
        connection=sending_connection(),
    )
    for content, mimetype in data.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype, encoding in data.get("attachments") or []:
        if encoding == "base64":
            content = base64.b64decode(content)
        message.attach(filename, content, mimetype)
    message.send()


class QueuedEmailBackend(BaseEmailBackend):
    """An email backend that queues each message for the worker."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                mail_enqueue(message)
            except TypeError:
                sending_connection(fail_silently=self.fail_silently).send_messages(
                    [message]
                )
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            count += 1
        return count
