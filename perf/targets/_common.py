"""Helpers shared by the benchmark's targets and the load test's journeys."""


def _user(username):
    from units.models import User

    return User.objects.filter(username=username, is_active=True).first()


def _requests(user):
    from initiatives.selectors.requests import initiative_list_for_user

    return initiative_list_for_user(user, {})


def _plain(queryset):
    """The queryset without the list's joins and prefetches, for counting."""
    return queryset.select_related(None).prefetch_related(None)
