"""Mail sent by the application: every message has a subject, a text body and an
HTML body, each rendered from its own template, and is sent by the background
worker (`jobs.mail`)."""

import contextlib
import threading

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from jobs.mail import mail_enqueue

_state = threading.local()


@contextlib.contextmanager
def suppressed():
    """Send no mail from the code run inside (demo data notifies nobody)."""
    previous = getattr(_state, "suppressed", False)
    _state.suppressed = True
    try:
        yield
    finally:
        _state.suppressed = previous


def render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template (a subject, a text body) without HTML
    escaping: "A & B <c>" stays as typed, not "A &amp; B &lt;c&gt;"."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def send_templated(prefix: str, context: dict, recipients: list[str]) -> None:
    """Queue `emails/<prefix>_subject.txt`, `_body.txt` and `_body.html` for the
    worker, which sends them once the surrounding transaction commits.

    Mail is written in Vietnamese, the language the union works in. It is
    rendered now, while the context is at hand; the queued job holds only text
    and addresses. Nothing is sent if the transaction rolls back.
    """
    recipients = sorted({address for address in recipients if address})
    if not recipients or getattr(_state, "suppressed", False):
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(
            render_plain(f"emails/{prefix}_subject.txt", context).split()
        )
        text = render_plain(f"emails/{prefix}_body.txt", context)
        html = render_to_string(f"emails/{prefix}_body.html", context)
    message = EmailMultiAlternatives(subject, text, to=recipients)
    message.attach_alternative(html, "text/html")
    mail_enqueue(message)
