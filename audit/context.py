"""Who is acting and from where, for the entries written while a request (or a
command) runs."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_request = ContextVar("audit_request", default=None)
_suspended = ContextVar("audit_suspended", default=False)


@dataclass(frozen=True)
class Origin:
    actor: object = None
    ip: str | None = None
    user_agent: str = ""


def origin_of(request) -> Origin:
    """Return who sent the request and from where."""
    from core.net import client_ip

    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    agent = request.META.get("HTTP_USER_AGENT", "")
    agent = "".join(ch for ch in agent if ch.isprintable())[:255]
    return Origin(actor=actor, ip=_valid_ip(client_ip(request)), user_agent=agent)


def _valid_ip(value: str | None) -> str | None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    if not value:
        return None
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def current_origin() -> Origin:
    request = _request.get()
    return origin_of(request) if request is not None else Origin()


def is_suspended() -> bool:
    return _suspended.get()


@contextmanager
def suspended():
    """Write no entries inside the block (bulk loads of demo or test data)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


@contextmanager
def acting(request):
    """Entries written inside the block are by the request's user, from its address."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


class AuditMiddleware:
    """Remember the request while it runs, for the entries its changes write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(request):
            return self.get_response(request)
