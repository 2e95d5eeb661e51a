"""The council of CB-A at work, for the view tests of councils and sessions.

Five members sit on it: a chair, a secretary, a member, an expert and a union
representative who co-authored the main request (so is recused from it).
Requests come from CB-A1 and are accepted by CB-A's emulation staff:

    main      accepted, on the open session (no. 2), under ballot
    decided   recognised at the closed session (no. 1)
    planned   on the planned session (no. 3)
    proposed  recognised by CB-A1's council and proposed up to CB-A's

Someone sits on CB-B's council only (`other_member`), to be out of scope.
"""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.messages import get_messages
from django.urls import get_resolver, reverse
from django.utils import timezone

from documents.models import IssuedDocument
from initiatives.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Criterion,
    Initiative,
    Recusal,
    ReviewAssignment,
    Score,
    ScoreSheet,
    Session,
    Status,
    Vote,
)
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services
from tests.initiatives.helpers import THIS_YEAR, author, make_request, person

SEATS = [
    ("chair", CouncilRole.CHAIR, "chu_tich", "Hoàng Văn Chủ"),
    ("secretary", CouncilRole.SECRETARY, "thu_ky", "Nông Thị Thư"),
    ("member", CouncilRole.MEMBER, "uy_vien", "Bế Văn Viên"),
    ("expert", CouncilRole.EXPERT, "chuyen_gia", "Lương Thị Gia"),
    ("recused", CouncilRole.UNION_REP, "tac_gia_hd", "Đàm Văn Đồng"),
]
TAKING_PART = ["chair", "secretary", "member", "expert"]


def seat(council, user, role, actor, position=""):
    return council_services.council_member_add(
        council=council, user=user, role=role, position=position, actor=actor
    )


def file_request(
    world, title, *, authors=None, recognizing_unit=None, status=Status.ACCEPTED
):
    """A request from CB-A1, accepted by the recognising unit's staff."""
    creator = world.people["creator"]
    return make_request(
        creator,
        unit=world.tree.a1,
        recognizing_unit=recognizing_unit or world.tree.a,
        authors=authors or [author(creator)],
        title=title,
        status=status,
        staff=world.people["a_staff"],
    )


def submitted_request(world, title):
    return file_request(world, title, status=Status.SUBMITTED)


def item_of(initiative, council) -> CouncilItem:
    return CouncilItem.objects.get(initiative=initiative, council=council)


def plan(world, items, place="Phòng họp tầng 2"):
    return session_services.session_create(
        council=world.council,
        held_on=timezone.localdate(),
        place=place,
        items=items,
        actor=world.people["secretary"],
    )


def open_with_all_present(world, session):
    seats = world.council.members.values_list("pk", flat=True)
    secretary = world.people["secretary"]
    session_services.attendance_set(
        session=session, present=set(seats), actor=secretary
    )
    return session_services.session_open(session=session, actor=secretary)


def vote(world, session, item, who, choice):
    agenda_item = AgendaItem.objects.get(session=session, item=item)
    return session_services.vote_cast(
        agenda_item=agenda_item, member=world.seats[who], choice=choice
    )


def build(cast) -> SimpleNamespace:
    tree = cast.tree
    people = {n: getattr(cast, n) for n in vars(cast) if n not in ("tree", "password")}
    people.pop("councils")
    world = SimpleNamespace(cast=cast, tree=tree, people=people)
    world.council = cast.councils.a
    people["creator"] = person("tac_gia", tree.a1, full_name="Trần Văn Tác")
    world.seats = {}
    for key, role, username, name in SEATS:
        people[key] = person(username, full_name=name)
        world.seats[key] = seat(world.council, people[key], role, cast.a_admin)
    people["other_member"] = person("uy_vien_b", full_name="Vi Thị Bê")
    seat(cast.councils.b, people["other_member"], CouncilRole.CHAIR, cast.b_admin)

    creator, recused = people["creator"], people["recused"]
    world.main = file_request(
        world,
        "Sổ điểm điện tử cho giáo viên chủ nhiệm",
        authors=[author(creator, "60"), author(recused, "40")],
    )
    world.decided = file_request(world, "Thư viện ảnh minh chứng thi đua")
    world.planned = file_request(world, "Lịch trực bán trú trên điện thoại")
    world.item_main = item_of(world.main, world.council)
    world.item_decided = item_of(world.decided, world.council)
    world.item_planned = item_of(world.planned, world.council)

    world.closed = plan(world, [world.item_decided])
    open_with_all_present(world, world.closed)
    for who in TAKING_PART:
        vote(world, world.closed, world.item_decided, who, Vote.Choice.YES)
    session_services.session_close(session=world.closed, actor=people["chair"])
    world.open = plan(world, [world.item_main])
    open_with_all_present(world, world.open)
    world.session_planned = plan(world, [world.item_planned])
    world.agenda_open = AgendaItem.objects.get(session=world.open)
    world.agenda_planned = AgendaItem.objects.get(session=world.session_planned)
    world.agenda_closed = AgendaItem.objects.get(session=world.closed)

    # Recognised at CB-A1 (its council's own path is tested elsewhere), then
    # proposed to the council above.
    lower = file_request(
        world, "Góc đọc sách cho con công nhân", recognizing_unit=tree.a1
    )
    lower_item = item_of(lower, cast.councils.a1)
    CouncilItem.objects.filter(pk=lower_item.pk).update(
        status=CouncilItem.Status.RECOGNISED
    )
    lower_item.refresh_from_db()
    world.item_proposed = council_services.propose_upward(
        item=lower_item, actor=cast.a_admin, note="Có thể nhân rộng toàn ngành."
    )
    world.seat_member = world.seats["member"]
    for name in ("item_main", "item_decided", "item_planned", "item_proposed"):
        getattr(world, name).refresh_from_db()
    world.council.refresh_from_db()
    return world


def state() -> tuple:
    """Everything a refused request must leave as it was."""

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return (
        rows(Council, "name", "year", "pass_numerator", "voting_mode"),
        rows(CouncilMember, "role", "position"),
        rows(Criterion, "name", "max_points"),
        rows(CouncilItem, "status", "reasons"),
        rows(Recusal, "member"),
        rows(ReviewAssignment, "member", "due_on", "reminded_at"),
        rows(ScoreSheet, "total", "comments", "submitted_at"),
        rows(Score, "points"),
        rows(Session, "status", "place"),
        rows(Attendance, "present"),
        rows(AgendaItem, "hands_yes", "hands_no", "note"),
        rows(Vote, "choice"),
        rows(Initiative, "status", "version"),
        IssuedDocument.objects.count(),
    )


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    target: str | None = None  # the object of the world the URL points at
    actor: str = "member"  # someone allowed to use it


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
COUNCIL_ROUTES = {
    "initiatives:council_list": Route(GET),
    "initiatives:council_create": Route(BOTH, actor="a_admin"),
    "initiatives:council_detail": Route(GET, "council"),
    "initiatives:council_edit": Route(BOTH, "council", "a_admin"),
    "initiatives:council_member_add": Route(POST, "council", "a_admin"),
    "initiatives:council_member_remove": Route(POST, "seat_member", "a_admin"),
    "initiatives:council_criteria": Route(BOTH, "council", "a_admin"),
    "initiatives:council_register": Route(GET, "council", "secretary"),
    "initiatives:session_create": Route(BOTH, "council", "secretary"),
    "initiatives:item_detail": Route(GET, "item_main"),
    "initiatives:item_take_up": Route(POST, "item_proposed", "secretary"),
    "initiatives:item_decline": Route(POST, "item_proposed", "secretary"),
    "initiatives:item_assign": Route(POST, "item_main", "secretary"),
    "initiatives:item_remind": Route(POST, "item_main", "secretary"),
    "initiatives:item_score": Route(POST, "item_main"),
    "initiatives:item_conflict": Route(POST, "item_main"),
    "initiatives:item_propose": Route(POST, "item_decided", "chair"),
    "initiatives:my_reviews": Route(GET),
    "initiatives:session_detail": Route(GET, "open"),
    "initiatives:session_attendance": Route(POST, "open", "secretary"),
    "initiatives:session_open": Route(POST, "session_planned", "secretary"),
    "initiatives:session_close": Route(POST, "open", "chair"),
    "initiatives:session_documents": Route(POST, "closed", "secretary"),
    "initiatives:agenda_vote": Route(POST, "agenda_open"),
    "initiatives:agenda_hands": Route(POST, "agenda_open", "secretary"),
    "initiatives:agenda_note": Route(POST, "agenda_open", "secretary"),
    "initiatives:agenda_remove": Route(POST, "agenda_planned", "secretary"),
}


# (url, method, target, who): they see the object, but may not do this to it.
FORBIDDEN = [
    # A plain member sets up, runs and closes nothing.
    ("council_edit", "GET", "council", "member"),
    ("council_edit", "POST", "council", "member"),
    ("council_member_add", "POST", "council", "member"),
    ("council_member_remove", "POST", "seat_member", "expert"),
    ("council_criteria", "GET", "council", "member"),
    ("council_criteria", "POST", "council", "member"),
    ("council_register", "GET", "council", "member"),
    ("session_create", "GET", "council", "member"),
    ("session_create", "POST", "council", "expert"),
    ("item_take_up", "POST", "item_proposed", "member"),
    ("item_decline", "POST", "item_proposed", "member"),
    ("item_assign", "POST", "item_main", "member"),
    ("item_remind", "POST", "item_main", "expert"),
    ("item_propose", "POST", "item_decided", "member"),
    ("session_attendance", "POST", "open", "member"),
    ("session_open", "POST", "session_planned", "member"),
    ("session_close", "POST", "open", "member"),
    ("session_close", "POST", "open", "expert"),
    ("session_documents", "POST", "closed", "member"),
    ("agenda_hands", "POST", "agenda_open", "member"),
    ("agenda_note", "POST", "agenda_open", "expert"),
    ("agenda_remove", "POST", "agenda_planned", "member"),
    # The secretary runs the council; its rules and seats are the unit admins'.
    ("council_edit", "GET", "council", "secretary"),
    ("council_edit", "POST", "council", "secretary"),
    ("council_member_add", "POST", "council", "secretary"),
    ("council_member_add", "POST", "council", "chair"),
    ("council_member_remove", "POST", "seat_member", "secretary"),
    ("council_criteria", "POST", "council", "secretary"),
    ("council_edit", "POST", "council", "a_staff"),
    ("council_create", "GET", None, "secretary"),
    ("council_create", "POST", None, "outsider"),
    # A member who is an author takes no part in the item.
    ("item_score", "POST", "item_main", "recused"),
    ("item_conflict", "POST", "item_main", "recused"),
    # The unit's staff see the council without a seat: no score, vote or closing.
    ("item_score", "POST", "item_main", "a_staff"),
    ("item_conflict", "POST", "item_main", "a_staff"),
    ("agenda_vote", "POST", "agenda_open", "a_staff"),
    ("session_close", "POST", "open", "a_staff"),
    # Steps that do not fit the state of the object.
    ("item_score", "POST", "item_decided", "member"),
    ("item_take_up", "POST", "item_main", "secretary"),
    ("item_decline", "POST", "item_main", "secretary"),
    ("item_assign", "POST", "item_decided", "secretary"),
    ("item_propose", "POST", "item_main", "chair"),
    ("session_open", "POST", "closed", "secretary"),
    ("session_attendance", "POST", "closed", "secretary"),
    ("session_close", "POST", "session_planned", "chair"),
    ("session_documents", "POST", "open", "chair"),
    ("agenda_hands", "POST", "agenda_closed", "secretary"),
    ("agenda_note", "POST", "agenda_closed", "secretary"),
    ("agenda_remove", "POST", "agenda_closed", "secretary"),
]


def url(world, name: str, target: str | None = None) -> str:
    target = target or COUNCIL_ROUTES[name].target
    return reverse(name, args=[getattr(world, target).pk] if target else [])


def page_of(obj) -> str:
    """The page where the object is shown (a seat on its council's page, an agenda
    item on its session's page)."""
    if isinstance(obj, CouncilMember):
        return obj.council.get_absolute_url()
    if isinstance(obj, AgendaItem):
        return obj.session.get_absolute_url()
    return obj.get_absolute_url()


LIST = "initiatives:council_list"
DETAIL = "initiatives:council_detail"
ITEM = "initiatives:item_detail"
SESSION = "initiatives:session_detail"


def url_names() -> set[str]:
    """Every URL name of the initiatives and documents namespaces."""
    resolver = get_resolver()
    names = set()
    for namespace in ("initiatives", "documents"):
        _prefix, sub = resolver.namespace_dict[namespace]
        names |= {
            f"{namespace}:{key}" for key in sub.reverse_dict if isinstance(key, str)
        }
    return names


def call(client, method: str, path: str, data=None):
    return getattr(client, method.lower())(path, data or {})


def flashed(response) -> list[str]:
    """The messages the view queued for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def field_block(response, name: str) -> str:
    """The HTML of one field of a form in the page: label, input and messages."""
    html = response.content.decode()
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end > 0 else None]


# --- Scores and votes -----------------------------------------------------------

FULL_MARKS = [Decimal(points) for _name, points in council_services.DEFAULT_CRITERIA]


def score(world, item, who, points, comments="", submit=True):
    criteria = list(item.council.criteria.all())
    return council_services.score_sheet_save(
        item=item,
        member=world.seats[who],
        points={c.pk: p for c, p in zip(criteria, points, strict=True)},
        comments=comments,
        submit=submit,
    )


def score_data(criteria, values, comments="", submit=True) -> dict:
    """The POST data of the score sheet form, values as typed."""
    data = {f"criterion_{c.pk}": v for c, v in zip(criteria, values, strict=True)}
    data["comments"] = comments
    if submit:
        data["submit"] = "1"
    return data


def score_everyone(world, items, seats=None):
    """Every member taking part submits a sheet for each item."""
    for item in items:
        recused = set(item.recusals.values_list("member_id", flat=True))
        for key, member in (seats or world.seats).items():
            if member.pk not in recused:
                points = [p - (member.pk % 7) for p in FULL_MARKS]
                score(world, item, key, points, f"Nhận xét {member.pk}-{item.pk}")


def sheets_after_the_fact(world, item):
    """Sheets on a decided item, as if everyone had scored it before the vote."""
    items = CouncilItem.objects.filter(pk=item.pk)
    items.update(status=CouncilItem.Status.UNDER_REVIEW)
    score_everyone(world, [items.get()])
    items.update(status=item.status)


def vote_everyone(world, session, choice=Vote.Choice.YES, seats=None):
    """Every member present and taking part votes on each item of the session."""
    for agenda_item in session.agenda.select_related("item"):
        recused = set(agenda_item.item.recusals.values_list("member_id", flat=True))
        for key, member in (seats or world.seats).items():
            if member.pk not in recused:
                vote(world, session, agenda_item.item, key, choice)


def grow(world, members=11, items=20) -> SimpleNamespace:
    """Take the council to `members` members and `items` requests, with sheets
    from everyone and their votes: an open session and a closed one with its
    documents, half the new requests on each."""
    admin = world.people["a_admin"]
    for index in range(members - len(world.seats)):
        key = f"extra{index}"
        world.people[key] = person(f"uy_vien_them_{index}")
        world.seats[key] = seat(world.council, world.people[key], "member", admin)
    new = [
        item_of(file_request(world, f"Sáng kiến bổ sung số {n}"), world.council)
        for n in range(items - world.council.items.exclude(status="proposed").count())
    ]
    score_everyone(world, new)
    half = len(new) // 2
    sessions = []
    for part in (new[:half], new[half:]):
        session = plan(world, part)
        open_with_all_present(world, session)
        vote_everyone(world, session)
        sessions.append(session)
    closed, opened = sessions
    session_services.session_close(session=closed, actor=world.people["chair"])
    session_services.session_documents_issue(
        session=closed, actor=world.people["secretary"]
    )
    return SimpleNamespace(
        open=opened,
        closed=closed,
        open_item=new[half],
        decided_item=CouncilItem.objects.get(pk=new[0].pk),
    )


def payload(world) -> dict:
    """Data for any form of the council's pages: whatever a refused request would
    have changed, had it been allowed."""
    data = {
        "unit": world.tree.a.pk,
        "year": THIS_YEAR + 1,
        "name": "Tên mới",
        "code": "HĐ",
        "voting_mode": "hands",
        "pass_numerator": 3,
        "pass_denominator": 4,
        "quorum_numerator": 1,
        "quorum_denominator": 2,
        "person": "a1_member",
        "role": "member",
        "criteria-TOTAL_FORMS": 1,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-name": "Một tiêu chí",
        "criteria-0-max_points": 10,
        "held_on": timezone.localdate().strftime("%d/%m/%Y"),
        "place": "Hội trường",
        "members": [world.seats["member"].pk],
        "present": [world.seats["member"].pk],
        "choice": "no",
        "hands_yes": 1,
        "hands_no": 0,
        "note": "Ghi chú",
        "reason": "Lý do",
        "comments": "Nhận xét",
        "submit": "1",
    }
    for criterion in world.council.criteria.all():
        data[f"criterion_{criterion.pk}"] = "1"
    return data
