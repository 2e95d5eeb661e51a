"""The council's voting rule, in one place.

Law: Thông tư 18/2013/TT-BKHCN Điều 8 — an initiative passes when at least 2/3 of
ALL council members agree (not of those present). A council may ask for more, never
for less; the database refuses a council whose share is below it
(`council_pass_share_legal`). Local practice adds a quorum of members present
(commonly 2/3), which each council sets between "one" and "all".

Everything that counts votes (closing a session, the session page, the minutes,
the council's form and the model's defaults and constraints) reads from here.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# The legal minimum share of ALL council members who must agree.
LEGAL_PASS = Fraction(2, 3)
# What a new council starts with: the legal minimum, and the usual quorum.
DEFAULT_PASS = LEGAL_PASS
DEFAULT_QUORUM = Fraction(2, 3)

BELOW_LEGAL_PASS = gettext_noop(
    "An initiative passes only with at least %(share)s of ALL council members "
    "agreeing (Thông tư 18/2013/TT-BKHCN, Điều 8): give a share of at least "
    "%(share)s."
)


class Outcome(models.TextChoices):
    RECOGNISED = "recognised", _("recognised")
    NOT_RECOGNISED = "not_recognised", _("not recognised")
    DEFERRED = "deferred", _("deferred")


@dataclass(frozen=True)
class Tally:
    """What a vote came to, and why."""

    outcome: str
    reason: str  # "quorum", "tie", "passed", "failed"


def _share_of(member_count: int, numerator: int, denominator: int) -> int:
    """The share of the members, rounded up (whole people), in exact arithmetic."""
    return math.ceil(Fraction(member_count * numerator, denominator))


def votes_needed(
    member_count: int,
    numerator: int = DEFAULT_PASS.numerator,
    denominator: int = DEFAULT_PASS.denominator,
) -> int:
    """Votes in favour needed to pass: the share of ALL members, rounded up."""
    return _share_of(member_count, numerator, denominator)


def quorum_needed(
    member_count: int,
    numerator: int = DEFAULT_QUORUM.numerator,
    denominator: int = DEFAULT_QUORUM.denominator,
) -> int:
    """Members who must be present for the council to decide, rounded up."""
    return _share_of(member_count, numerator, denominator)


def has_quorum(present: int, quorum: int) -> bool:
    return present >= quorum


def share_is_valid(numerator: int, denominator: int) -> bool:
    """A share between one member and all of them (a quorum, or a pass share)."""
    return 0 < numerator <= denominator


def pass_share_is_legal(numerator: int, denominator: int) -> bool:
    """At least the legal 2/3 (integer arithmetic, as the database checks it)."""
    return numerator * LEGAL_PASS.denominator >= denominator * LEGAL_PASS.numerator


def _below_legal_pass_message() -> str:
    return gettext(BELOW_LEGAL_PASS) % {
        "share": f"{LEGAL_PASS.numerator}/{LEGAL_PASS.denominator}"
    }


# Why a share is refused (translated when shown, in the reader's language).
below_legal_pass_message = lazy(_below_legal_pass_message, str)


def decide(
    *, member_count: int, present: int, quorum: int, needed: int, yes: int, no: int
) -> Tally:
    """Apply the council's rules to one item.

    A failed quorum or a tie defers the item; otherwise it passes when the votes in
    favour reach the share of ALL council members (not of those present).
    """
    if not has_quorum(present, quorum):
        return Tally(Outcome.DEFERRED, "quorum")
    if yes == no:
        return Tally(Outcome.DEFERRED, "tie")
    if yes >= needed:
        return Tally(Outcome.RECOGNISED, "passed")
    return Tally(Outcome.NOT_RECOGNISED, "failed")
