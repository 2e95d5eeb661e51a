"""The signature blocks of official documents (Nghị định 30/2020, Điều 13).

A block is a few capacity lines ("TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "PHÓ CHỦ
TỊCH"), the space for the signature, and the signer's name. The signer of a
unit's document comes from the unit's leadership (units.leadership); the signer
of a council's document from the council's members. A document whose signer
cannot be resolved prints a placeholder while it is a draft, and is refused at
issue: an issued document never changes, so a missing name would stay missing.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError

from units import leadership
from units.models import Unit

PLACEHOLDER = "(chưa ghi nhận người ký)"


@dataclasses.dataclass(frozen=True)
class SignerBlock:
    """What the signer's block prints; ``missing`` says what to record."""

    lines: tuple[str, ...]
    name: str
    missing: str = ""
    heading: tuple[str, ...] = ()
    note: str = ""

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER if self.missing else ""


def unit_signer(unit: Unit, kind: str, day: datetime.date) -> SignerBlock:
    """The signer of a document of ``kind`` the unit issues on ``day``."""
    resolved = leadership.signature(unit, kind, day)
    return SignerBlock(resolved.lines, resolved.name, resolved.missing)


def head_confirmation(unit: Unit, day: datetime.date, person=None) -> SignerBlock:
    """The confirmation of the head (chair) of a unit, as on a person's summary
    of achievements: "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ / TM. … / CHỦ TỊCH".

    Nobody confirms their own achievements: when ``person`` is the unit's chair,
    the chair of the unit above confirms.
    """
    chair = leadership.holder(unit, leadership.Position.CHAIR, day)
    if chair is not None and person is not None and chair.user_id == person.pk:
        above = Unit.objects.get_parent(unit) if unit.depth > 1 else None
        if above is not None:
            unit = above
            chair = leadership.holder(unit, leadership.Position.CHAIR, day)
    body = leadership.BODY_PRINTED[leadership.Body(leadership.default_body(unit))]
    missing = (
        ""
        if chair
        else leadership.signature_missing(unit, leadership.Position.CHAIR, day)
    )
    return SignerBlock(
        (f"TM. {body}", "CHỦ TỊCH"),
        chair.user.get_full_name() if chair else "",
        missing,
        heading=("XÁC NHẬN CỦA", "THỦ TRƯỞNG ĐƠN VỊ"),
        note="(Ký tên, đóng dấu)",
    )


def council_signer(name: str, *, deputy: bool) -> SignerBlock:
    """A council's document: "TM. HỘI ĐỒNG / CHỦ TỊCH", or with a vice-chair
    signing for the chair "TM. HỘI ĐỒNG / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    lines = (
        ("TM. HỘI ĐỒNG", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
        if deputy
        else ("TM. HỘI ĐỒNG", "CHỦ TỊCH")
    )
    missing = "" if name else "Hội đồng chưa có Chủ tịch hoặc Phó Chủ tịch."
    return SignerBlock(lines, name, missing)


def missing_signers(context: dict) -> list[str]:
    """What each unresolved block of a document's context asks to record."""
    return [
        value.missing
        for value in context.values()
        if isinstance(value, SignerBlock) and value.missing
    ]


def require_signers(context: dict) -> None:
    """Refuse to issue a document that would carry no signer's name."""
    missing = missing_signers(context)
    if missing:
        raise ValidationError(list(dict.fromkeys(missing)))
