"""Cached counts: kept until something they count is written."""

import pytest
from django.urls import reverse

from tests.initiatives.helpers import make_request
from units import counts

pytestmark = pytest.mark.django_db


def test_a_count_is_kept_until_its_topic_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls) * 10

    assert counts.cached("things", "k", compute, 60) == 10
    assert counts.cached("things", "k", compute, 60) == 10
    counts.changed("others")
    assert counts.cached("things", "k", compute, 60) == 10
    counts.changed("things")
    assert counts.cached("things", "k", compute, 60) == 20
    assert len(calls) == 2


def test_the_request_list_total_follows_new_requests(cast, client_for):
    client = client_for(cast.province_staff)
    make_request(cast.province_staff, unit=cast.tree.p1, title="Đơn thứ nhất")
    first = client.get(reverse("initiatives:list")).context["total"]
    assert client.get(reverse("initiatives:list")).context["total"] == first
    make_request(cast.province_staff, unit=cast.tree.p1, title="Đơn thứ hai")
    assert client.get(reverse("initiatives:list")).context["total"] == first + 1


def test_several_totals_are_counted_in_one_query(cast, django_assert_num_queries):
    from units.models import Unit, User

    quoted = "Công đoàn ngành Giáo dục' OR '1'='1"
    querysets = {
        "units": Unit.objects.filter(path__startswith=cast.tree.a.path),
        "grassroots": Unit.objects.filter(kind=Unit.Kind.GRASSROOTS).distinct(),
        "none": Unit.objects.filter(name=quoted),
        "nothing": Unit.objects.filter(pk__in=[]),
        "people": User.objects.filter(memberships__unit=cast.tree.a),
    }
    expected = {name: queryset.count() for name, queryset in querysets.items()}
    with django_assert_num_queries(1):
        found = counts.count_together(querysets)
    assert found == expected
    assert found["units"] == 3 and found["none"] == 0
    with django_assert_num_queries(0):
        assert counts.count_together({}) == {}
