"""Sign the measured users in through sessions stored in the database."""

from importlib import import_module

from django.conf import settings


def session_cookie(user) -> str:
    """A signed-in session stored in the database, as the sign-in form leaves
    one: the key for the session cookie. No password check, so no lock-out and
    no slow hashing in the measurements; works for members without a password."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "units.backends.UsernameOrEmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def sessions_for(usernames) -> dict[str, str]:
    """Session keys for these users (the ones that exist)."""
    from units.models import User

    users = User.objects.filter(username__in=set(usernames) - {None}, is_active=True)
    return {user.username: session_cookie(user) for user in users}


def forget_sessions(keys) -> None:
    """Remove the sessions the harness made."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store_class(session_key=key).delete()
