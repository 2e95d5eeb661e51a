"""Movement records, ratings, award rounds, candidates and nominations.

The records (launch, propagation, reviews, inspections, pacts) and the ratings
are what a unit did in a year; award rounds read them, with the Gold Books, to
fill in each candidate's criteria checklist.
"""

# The models register in this order (as they did in one module).
from awards.models.common import YEAR_RANGE  # noqa: I001
from awards.models.records import (
    FileFields,
    MovementRecord,
    Pact,
    PactSignatory,
    record_file_path,
)
from awards.models.ratings import (
    GOOD_OR_BETTER,
    MemberGrade,
    MemberRating,
    UnitRating,
    UnitRatingLevel,
)
from awards.models.rounds import (
    Attestation,
    AwardForm,
    AwardRound,
    Candidate,
    RoundForm,
    SelectingBody,
    Selection,
)
from awards.models.dossiers import (
    Award,
    AwardDecision,
    CandidateSummary,
    Dossier,
)

__all__ = [
    "GOOD_OR_BETTER",
    "YEAR_RANGE",
    "Attestation",
    "Award",
    "AwardDecision",
    "AwardForm",
    "AwardRound",
    "Candidate",
    "CandidateSummary",
    "Dossier",
    "FileFields",
    "MemberGrade",
    "MemberRating",
    "MovementRecord",
    "Pact",
    "PactSignatory",
    "RoundForm",
    "SelectingBody",
    "Selection",
    "UnitRating",
    "UnitRatingLevel",
    "record_file_path",
]
