"""Every search box takes the same number of characters and says so the same way:
the limit is in the page (maxlength), and a longer query (typed in the address
bar, sent by a script) is answered with the same message under the box."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services as award_services
from awards.models import AwardForm
from tests.initiatives.helpers import idea_for
from units.forms import SEARCH_MAX_LENGTH

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
MESSAGE = f"Từ khóa tìm kiếm dài tối đa {SEARCH_MAX_LENGTH} ký tự."
SEARCH_BOX = re.compile(r'<input type="search" name="q"[^>]*>')

# Every page with a search box: its URL name, who reads it (None: anyone) and
# what its URL is about.
SEARCH_PAGES = [
    ("initiatives:list", "province_staff", None),
    ("initiatives:registration_list", "province_staff", None),
    ("initiatives:idea_list", "a1_support", None),
    ("units:people", "province_admin", "a"),
    ("goldbook:rollup", "province_staff", "province"),
    ("goldbook:honour", None, None),
    ("awards:round", "a_admin", "round"),
    ("audit:entry_list", "province_admin", None),
]


@pytest.fixture
def world(cast):
    """The cast, an idea and an open award round (its page searches people)."""
    award_round = award_services.round_create(
        unit=cast.tree.a,
        actor=cast.province_admin,
        year=timezone.localdate().year,
        title="Xét khen thưởng phong trào",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        offers=[award_services.OfferData(AwardForm.objects.get(name="Giấy khen"))],
    )
    idea = idea_for(cast.a1_member, cast.tree.a1)
    return SimpleNamespace(cast=cast, round=award_round, idea=idea)


def search(world, client_for, name, user, target, query):
    if target is None:
        url = reverse(name)
    elif target == "round":
        url = reverse(name, args=[world.round.pk])
    else:
        url = reverse(name, args=[getattr(world.cast.tree, target).pk])
    client = client_for(getattr(world.cast, user) if user else None)
    return client.get(url, {"q": query})


def search_box(response) -> str:
    boxes = SEARCH_BOX.findall(response.content.decode())
    assert len(boxes) == 1, boxes
    return boxes[0]


@pytest.mark.parametrize(("name", "user", "target"), SEARCH_PAGES)
def test_every_search_box_refuses_a_long_query_the_same_way(
    world, client_for, name, user, target
):
    too_long = "a" * (SEARCH_MAX_LENGTH + 1)
    response = search(world, client_for, name, user, target, too_long)
    assert response.status_code == 200
    assert f'maxlength="{SEARCH_MAX_LENGTH}"' in search_box(response)
    assert "is-invalid" in search_box(response)
    assert response.content.decode().count(MESSAGE) == 1

    longest = "á" * SEARCH_MAX_LENGTH
    response = search(world, client_for, name, user, target, longest)
    assert response.status_code == 200
    box = search_box(response)
    assert f'maxlength="{SEARCH_MAX_LENGTH}"' in box
    assert f'value="{longest}"' in box
    assert "is-invalid" not in box
    assert MESSAGE not in response.content.decode()


def test_every_search_box_is_walked(world, client_for):
    """A template that shows a search box is one of the pages above."""
    with_box = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r'\.q\|as_crispy_field|name="q"', path.read_text())
    }
    walked = set()
    for name, user, target in SEARCH_PAGES:
        response = search(world, client_for, name, user, target, "a")
        walked |= {template.name for template in response.templates}
    assert with_box
    assert with_box <= walked


def test_a_long_query_lists_as_if_nothing_was_searched(world, client_for):
    """The ideas list showed nothing for a long query: like every list, it now
    shows what it shows unsearched, under the message."""
    ideas = ("initiatives:idea_list", "a1_support", None)
    everyone = search(world, client_for, *ideas, "")
    too_long = search(world, client_for, *ideas, "y" * (SEARCH_MAX_LENGTH + 1))
    listed = list(too_long.context["page"].object_list)
    assert listed == list(everyone.context["page"].object_list)
    assert world.idea in listed
    assert MESSAGE in too_long.content.decode()
