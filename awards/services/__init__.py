"""Writes for the movement's records, ratings and award rounds.

Every function checks its input and raises ValidationError with messages for the
user; nothing is half-written. By topic: `records` (movement records, pacts),
`ratings`, `rounds` (rounds and their candidates), `nominations` (nominations and
the selection meeting); the dossier is `awards.dossier`.
"""

from awards.services.common import FIRST_YEAR, LAST_YEAR
from awards.services.nominations import (
    candidates_nominate,
    nominate,
    nomination_withdraw,
    selection_record,
)
from awards.services.ratings import is_member_of, member_rating_set, unit_rating_set
from awards.services.records import SignatoryData, pact_create, record_create
from awards.services.rounds import (
    OfferData,
    attest,
    candidate_add,
    candidate_remove,
    candidates_attest,
    candidates_suggest,
    collective_choices,
    default_body,
    individual_choices,
    round_create,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "OfferData",
    "SignatoryData",
    "attest",
    "candidate_add",
    "candidate_remove",
    "candidates_attest",
    "candidates_nominate",
    "candidates_suggest",
    "collective_choices",
    "default_body",
    "individual_choices",
    "is_member_of",
    "member_rating_set",
    "nominate",
    "nomination_withdraw",
    "pact_create",
    "record_create",
    "round_create",
    "selection_record",
    "unit_rating_set",
]
