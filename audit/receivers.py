"""Sign-ins, sign-outs, failed sign-ins and lock-outs in the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)

from audit.context import Origin, origin_of
from audit.log import record, unit_id_of
from audit.models import Action

# The user name tried is written as typed, cut to the length of a user name.
NAME_LIMIT = 150


def _origin(request, actor=None) -> Origin:
    if request is None:
        return Origin(actor=actor)
    origin = origin_of(request)
    return Origin(actor=actor, ip=origin.ip, user_agent=origin.user_agent)


def _signed_in(sender, request, user, **kwargs):
    record(
        Action.SIGNED_IN,
        user,
        unit_id=unit_id_of(user),
        actor=user,
        origin=_origin(request, user),
    )


def _signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    record(
        Action.SIGNED_OUT,
        user,
        unit_id=unit_id_of(user),
        actor=user,
        origin=_origin(request, user),
    )


def _known_person(name: str):
    """The person a tried name points at (user name or email), if exactly one."""
    if not name:
        return None
    people = get_user_model()._default_manager
    found = list(
        people.filter(username=name)[:1] or people.filter(email__iexact=name)[:2]
    )
    return found[0] if len(found) == 1 else None


def _tried_name(credentials) -> str:
    name = str(credentials.get("username") or "")
    return "".join(ch for ch in name if ch.isprintable())[:NAME_LIMIT]


def _attempt(action: str, typed, request) -> None:
    """A sign-in that did not go through: the name typed (never the password),
    and the person it names when there is exactly one."""
    name = _tried_name({"username": typed})
    person = _known_person(name)
    record(
        action,
        person,
        unit_id=unit_id_of(person) if person else None,
        actor=None,
        origin=_origin(request),
        changes={"username": name},
        target_type="" if person else get_user_model()._meta.label_lower,
        target_repr=None if person else name,
    )


def _failed(sender, credentials, request=None, **kwargs):
    _attempt(Action.SIGN_IN_FAILED, (credentials or {}).get("username"), request)


def _locked_out(sender, request=None, username=None, **kwargs):
    _attempt(Action.LOCKED_OUT, username, request)


def connect():
    from axes.signals import user_locked_out

    user_logged_in.connect(_signed_in, dispatch_uid="audit:signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="audit:signed_out")
    user_login_failed.connect(_failed, dispatch_uid="audit:sign_in_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="audit:locked_out")
