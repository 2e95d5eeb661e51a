"""The request form (Mẫu "Đơn yêu cầu công nhận sáng kiến") and the receipt, as PDF."""

import datetime

from django.utils import timezone

from documents.header import header_for
from documents.rendering import render_pdf
from documents.signing import SignerBlock, council_signer, unit_signer
from initiatives.models import Initiative, Scope, Status
from units import leadership

# The level as the form asks it ("Đăng ký sáng kiến cấp: …"); documents are
# Vietnamese only.
LEVEL_TEXT = {
    Scope.GRASSROOTS: "cơ sở",
    Scope.UPPER: "trên trực tiếp cơ sở",
    Scope.PROVINCE: "tỉnh",
    Scope.NATIONAL: "toàn quốc",
}


def _filed_on(initiative: Initiative) -> datetime.date:
    if initiative.submitted_at:
        return timezone.localdate(initiative.submitted_at)
    return timezone.localdate()


def request_context(initiative: Initiative, *, show_confidential: bool) -> dict:
    day = _filed_on(initiative)
    return {
        "header": header_for(initiative.unit, day=day, symbol=None),
        "initiative": initiative,
        "authors": list(initiative.authors.all()),
        "recognising_name": initiative.recognizing_unit.name_on(day),
        "level_text": LEVEL_TEXT.get(initiative.level, ""),
        "show_confidential": show_confidential,
    }


def request_pdf(initiative: Initiative, *, show_confidential: bool) -> bytes:
    """Render the request; a draft is marked "DỰ THẢO" on every page.

    The confidential information is printed only for those allowed to see it.
    """
    return render_pdf(
        "documents/initiative_request.html",
        request_context(initiative, show_confidential=show_confidential),
        draft=initiative.status == Status.DRAFT,
    )


def receipt_context(initiative: Initiative, *, item, received_by) -> dict:
    """What the receipt (giấy biên nhận) says; the header comes with its number."""
    return {
        "initiative": initiative,
        "item": item,
        "authors": list(initiative.authors.all()),
        "attachment_count": initiative.attachments.count(),
        "submitted_on": _filed_on(initiative),
        "recognising_name": item.council.unit.name_on(item.accepted_on),
        "council_name": item.council.name,
        "received_by": received_by,
        "signer": receipt_signer(item, received_by),
        "recipients": ["Tác giả sáng kiến;", "Lưu: Hội đồng sáng kiến."],
    }


def receipt_signer(item, received_by) -> SignerBlock:
    """The receipt is signed by the person who received the request, unless the
    council's unit has a signing rule for receipts (then its leader signs)."""
    unit = item.council.unit
    if leadership.rule_for(unit, leadership.SigningKind.RECEIPT) is None:
        return SignerBlock(("NGƯỜI NHẬN",), received_by.get_full_name())
    return unit_signer(unit, leadership.SigningKind.RECEIPT, item.accepted_on)


# --- Council documents ------------------------------------------------------------

SCOPE_TEXT = {
    Scope.GRASSROOTS: "cấp cơ sở",
    Scope.UPPER: "cấp trên trực tiếp cơ sở",
    Scope.PROVINCE: "cấp tỉnh",
    Scope.NATIONAL: "toàn quốc",
}
ROLE_TEXT = {
    "chair": "Chủ tịch Hội đồng",
    "vice_chair": "Phó Chủ tịch Hội đồng",
    "secretary": "Thư ký Hội đồng",
    "member": "Ủy viên",
    "expert": "Chuyên gia",
    "union_rep": "Đại diện công đoàn",
}
OUTCOME_TEXT = {
    "recognised": "Đạt — công nhận sáng kiến",
    "not_recognised": "Không đạt — không công nhận",
    "deferred": "Hoãn xem xét",
}


def council_issuer(council) -> str:
    return "HỘI ĐỒNG SÁNG KIẾN"


def _people(council):
    members = list(council.members.select_related("user").order_by("id"))
    chair = next((m for m in members if m.role == "chair"), None)
    secretary = next((m for m in members if m.role == "secretary"), None)
    return members, chair, secretary


def _council_signer(council, session=None) -> SignerBlock:
    """Who signs the council's documents: the chair, for the council.

    A session's documents are signed by whoever presided: the chair, or, when
    the attendance shows the chair absent, a vice-chair who was present, for
    the chair ("TM. HỘI ĐỒNG / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"). The attendance the
    secretary records is what the council says about that meeting, so the
    signer follows from it and cannot disagree with the minutes.
    """
    members, chair, _secretary = _people(council)
    vice_chairs = [m for m in members if m.role == "vice_chair"]
    absent = set()
    present = set()
    if session is not None:
        for member_id, here in session.attendance.values_list("member_id", "present"):
            (present if here else absent).add(member_id)
    if chair is not None and chair.pk not in absent:
        return council_signer(chair.user.get_full_name(), deputy=False)
    deputy = next((m for m in vice_chairs if m.pk in present), None)
    if deputy is None and chair is None and vice_chairs:
        deputy = vice_chairs[0]
    if deputy is not None:
        return council_signer(deputy.user.get_full_name(), deputy=True)
    return council_signer(chair.user.get_full_name() if chair else "", deputy=False)


def _rows(agenda):
    return [
        {
            "agenda_item": agenda_item,
            "initiative": agenda_item.item.initiative,
            "authors": list(agenda_item.item.initiative.authors.all()),
            "outcome_text": OUTCOME_TEXT.get(agenda_item.outcome, ""),
        }
        for agenda_item in agenda
    ]


def minutes_context(session, agenda) -> dict:
    council = session.council
    members, chair, secretary = _people(council)
    present = set(
        session.attendance.filter(present=True).values_list("member_id", flat=True)
    )
    return {
        "council": council,
        "session": session,
        "members": [
            {"member": m, "role_text": ROLE_TEXT[m.role], "present": m.pk in present}
            for m in members
        ],
        "rows": _rows(agenda),
        "quorum_needed": council.quorum_needed(session.member_count or 0),
        "votes_needed": council.votes_needed(session.member_count or 0),
        "ballot": council.voting_mode == "ballot",
        "chair": chair,
        "secretary": secretary,
        "signer": _council_signer(council, session),
    }


def excerpt_context(session, agenda_item) -> dict:
    context = minutes_context(session, [agenda_item])
    context["row"] = context["rows"][0]
    return context


def decision_context(session, agenda) -> dict:
    council = session.council
    return {
        "council": council,
        "session": session,
        "rows": _rows(agenda),
        "scope_text": SCOPE_TEXT[council.scope],
        "signer": _council_signer(council, session),
        "recipients": ["Như Điều 3;", "Lưu: Hội đồng sáng kiến."],
    }


def _session_of(decision):
    """The session whose decision this is (a decision's subject is its session)."""
    subject = decision.subject if decision is not None else None
    return subject if hasattr(subject, "attendance") else None


def certificate_context(item, author, decision) -> dict:
    council = item.council
    return {
        "council": council,
        "item": item,
        "initiative": item.initiative,
        "author": author,
        "decision": decision,
        "scope_text": SCOPE_TEXT[council.scope],
        "signer": _council_signer(council, _session_of(decision)),
        "recipients": [],
    }


def refusal_context(session, agenda_item) -> dict:
    council = session.council
    initiative = agenda_item.item.initiative
    return {
        "council": council,
        "session": session,
        "agenda_item": agenda_item,
        "initiative": initiative,
        "authors": list(initiative.authors.all()),
        "signer": _council_signer(council, session),
        "recipients": ["Tác giả sáng kiến;", "Lưu: Hội đồng sáng kiến."],
    }
