"""Fixtures for the initiative councils: seated members in every role, requests
accepted into a council through the real intake, and sessions run through the
services (attendance, votes, closing).

Everything is built with `initiatives.services`, so recusals, receipts, history
and mail are exactly what the application makes.
"""

from types import SimpleNamespace

import pytest

from tests.initiatives.council_kit import Kit


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Receipts and council documents are stored in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def kit(cast):
    return Kit(cast)


@pytest.fixture
def council(cast):
    """The council of CB-A (an upper-level union) for this year."""
    return cast.councils.a


@pytest.fixture
def seated(kit, council):
    """Build the council of CB-A with N members in every role."""

    def build(count: int):
        members = kit.seat(council, count)
        return SimpleNamespace(
            council=council,
            members=members,
            chair=members[0],
            secretary=members[1],
        )

    return build


@pytest.fixture
def board(seated):
    """The council of CB-A with five members, one in each role."""
    return seated(5)


@pytest.fixture
def accepted(kit, council):
    """A request accepted into the council of CB-A."""
    return kit.accept(council)
