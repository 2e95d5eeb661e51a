"""What of emulation and awards the audit log follows."""

from audit.log import track
from awards.models import (
    Attestation,
    Award,
    AwardDecision,
    AwardForm,
    AwardRound,
    Candidate,
    CandidateSummary,
    Dossier,
    MemberRating,
    MovementRecord,
    Pact,
    PactSignatory,
    RoundForm,
    Selection,
    UnitRating,
    UnitRatingLevel,
)

track(MovementRecord, unit="unit")
track(Pact, unit="organizer")
track(PactSignatory, unit="unit")
track(UnitRatingLevel)
track(UnitRating, unit="unit")
track(MemberRating, unit="unit")
track(AwardForm)
track(AwardRound, unit="unit")
track(RoundForm, unit="round__unit")
track(Candidate, unit="unit")
track(Attestation, unit="candidate__unit")
track(Selection, unit="round__unit")
track(Dossier, unit="round__unit")
track(CandidateSummary, unit="candidate__unit")
track(AwardDecision, unit="dossier__round__unit")
track(Award, unit="unit")
