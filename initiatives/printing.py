"""The request form (Mẫu "Đơn yêu cầu công nhận sáng kiến") and the receipt, as PDF."""

import datetime

from django.utils import timezone

from documents.header import header_for
from documents.rendering import render_pdf
from initiatives.models import Initiative, Scope, Status

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
        "signer": {"position": "NGƯỜI NHẬN", "name": received_by.get_full_name()},
        "recipients": ["Tác giả sáng kiến;", "Lưu: Hội đồng sáng kiến."],
    }


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


def _council_signer(council) -> dict:
    _members, chair, _secretary = _people(council)
    return {
        "capacity": "TM. HỘI ĐỒNG SÁNG KIẾN",
        "position": "CHỦ TỊCH",
        "name": chair.user.get_full_name() if chair else "",
    }


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
        "signer": _council_signer(council),
        "recipients": ["Như Điều 3;", "Lưu: Hội đồng sáng kiến."],
    }


def certificate_context(item, author, decision) -> dict:
    council = item.council
    return {
        "council": council,
        "item": item,
        "initiative": item.initiative,
        "author": author,
        "decision": decision,
        "scope_text": SCOPE_TEXT[council.scope],
        "signer": _council_signer(council),
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
        "signer": _council_signer(council),
        "recipients": ["Tác giả sáng kiến;", "Lưu: Hội đồng sáng kiến."],
    }
