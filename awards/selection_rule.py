"""The selecting body's rule for an award round, in one place.

The meeting (executive or standing committee, or the federation's council) decides
with at least two thirds of its members present, and a nominee is selected with the
votes of MORE than half of ALL its members (not of those present). The rule is the
same for every body, so it is kept here as constants rather than stored per round;
the database checks that a recorded meeting had its quorum
(`selection_quorum_met` on `Selection`).
"""

import math
from collections.abc import Hashable, Mapping
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# At least this share of all members present.
QUORUM = Fraction(2, 3)
# Strictly more than this share of all members voting for a nominee.
MAJORITY = Fraction(1, 2)


def quorum_needed(members_total: int) -> int:
    """Members who must be present: two thirds of all members, rounded up."""
    return math.ceil(members_total * QUORUM)


def quorum_met(present: int, members_total: int) -> bool:
    """The body decides with at least two thirds of its members present."""
    return present >= quorum_needed(members_total)


def votes_needed(members_total: int) -> int:
    """Votes for a nominee needed: the least whole number above half of all members."""
    return math.floor(members_total * MAJORITY) + 1


def selected_by(votes_for: int, members_total: int) -> bool:
    """Selected with the votes of more than half of all members of the body."""
    return votes_for >= votes_needed(members_total)


def decide(
    *, members_total: int, members_present: int, votes: Mapping[K, int]
) -> dict[K, bool]:
    """Whether each nominee is selected; nobody is without a quorum."""
    has_quorum = quorum_met(members_present, members_total)
    return {
        nominee: has_quorum and selected_by(votes_for, members_total)
        for nominee, votes_for in votes.items()
    }
