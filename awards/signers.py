"""Who signs the parts of an award dossier, from the units' leadership.

The Tờ trình and the excerpt of the selection meeting are signed for the
proposing unit as its signing rules say (by default its chair, for its
standing or executive committee). A collective's summary is signed the same
way. An individual's summary of achievements is written by the person
("NGƯỜI BÁO CÁO") and confirmed by the head (chair) of the person's own unit,
never confirmed by the person.
"""

import datetime

from documents.signing import SignerBlock, head_confirmation, unit_signer
from units.leadership import SigningKind
from units.models import Unit


def award_signers(unit: Unit, day: datetime.date) -> dict:
    """The signers shared by the dossier's documents of ``unit`` on ``day``."""
    return {
        "signer": unit_signer(unit, SigningKind.AWARD_SUBMISSION, day),
        "excerpt_signer": unit_signer(unit, SigningKind.AWARD_EXCERPT, day),
        "signed_on": day,
    }


def summary_signers(candidate, base: dict) -> dict:
    """The blocks of a nominee's summary report."""
    day = base["signed_on"]
    if candidate.person_id is None:
        return {
            "signer": unit_signer(candidate.round.unit, SigningKind.AWARD_SUMMARY, day),
            "confirmation": None,
        }
    return {
        "signer": SignerBlock(
            ("NGƯỜI BÁO CÁO",),
            candidate.person.get_full_name(),
            note="(Ký, ghi rõ họ tên)",
        ),
        "confirmation": head_confirmation(candidate.unit, day, candidate.person),
    }
