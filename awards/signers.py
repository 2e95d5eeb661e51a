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
from units.leadership import Leadership, Position, SigningKind
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


def chairs_for_bulk_data(award_round, chair) -> int:
    """Record ``chair`` as chair (from 1 January) of the round's unit and of the
    nominees' units that have none, so that generated data (benchmarks, scale
    demos) can issue its dossier. Returns how many terms were added."""
    units = {award_round.unit_id} | set(
        award_round.candidates.values_list("unit_id", flat=True)
    )
    start = datetime.date(award_round.year, 1, 1)
    led = set(
        Leadership.objects.on(start)
        .filter(unit_id__in=units, position=Position.CHAIR)
        .values_list("unit_id", flat=True)
    )
    terms = [
        Leadership(
            unit_id=unit_id, user=chair, position=Position.CHAIR, started_on=start
        )
        for unit_id in sorted(units - led)
    ]
    Leadership.objects.bulk_create(terms)
    return len(terms)
