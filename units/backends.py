"""Sign in with either the user name or the email address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        username = username.strip()
        users = list(
            get_user_model()._default_manager.filter(
                Q(username__iexact=username) | Q(email__iexact=username)
            )[:2]
        )
        user = users[0] if len(users) == 1 else None
        if user is None:
            # Spend the time a password check takes, so timing does not reveal
            # which names exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
