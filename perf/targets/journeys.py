"""The load test's journeys: who reads, files, scores and votes where, from the data."""

from collections import Counter

from django.conf import settings
from django.urls import reverse

from perf.targets._common import _plain, _requests, _user
from perf.targets.pages import RECENT, goldbook_page, search_phrase
from perf.targets.signin import session_cookie

# Accounts that browse and search: staff and officers of the demo province.
READERS = ("thidua.tinh", "quantri.tinh", "canbo.tinh", "thidua.giaoduc")
FILERS = ("doanvien.thptchuyen", "canbo.thptchuyen", "hotro.thptchuyen")
SESSIONS_PER_ACCOUNT = 8  # simulated users of one account do not share a cookie
LOAD_REQUESTS = 200  # request pages each reader visits, among their newest


def _reader_plan(user) -> dict | None:
    visible = _plain(_requests(user))
    ids = list(visible.order_by("-id").values_list("id", flat=True)[:LOAD_REQUESTS])
    if not ids:
        return None
    titles = visible.order_by("-id").values_list("title", flat=True)[:RECENT]
    phrases = Counter()
    for title in titles:
        phrase = search_phrase([title])
        if phrase:
            phrases[phrase] += 1
    book = goldbook_page(user)
    return {
        "user": user.username,
        "requests": [reverse("initiatives:detail", args=[pk]) for pk in ids],
        "pdfs": [reverse("initiatives:pdf", args=[pk]) for pk in ids[:20]],
        "searches": [phrase for phrase, _n in phrases.most_common(20)],
        "goldbook": book.url,
    }


def _score_plan(limit: int = 20) -> list[dict]:
    """Council members who may score an open item now, with the rubric's fields."""
    from initiatives.lifecycle.council_item import OPEN as OPEN_ITEM
    from initiatives.models import CouncilItem, ReviewAssignment
    from units import access

    found = []
    assignments = (
        ReviewAssignment.objects.filter(item__status__in=OPEN_ITEM)
        .select_related("item__council", "member__user")
        .order_by("-item_id", "id")[: limit * 5]
    )
    seen = set()
    for assignment in assignments:
        item, user = assignment.item, assignment.member.user
        if (item.pk, user.pk) in seen or not user.is_active:
            continue
        seen.add((item.pk, user.pk))
        if not access.can(user, "score", item):
            continue
        criteria = [
            {"field": f"criterion_{c.pk}", "max": int(c.max_points)}
            for c in item.council.criteria.all()
        ]
        if not criteria:
            continue
        found.append(
            {
                "user": user.username,
                "item": reverse("initiatives:item_detail", args=[item.pk]),
                "score": reverse("initiatives:item_score", args=[item.pk]),
                "criteria": criteria,
            }
        )
        if len(found) >= limit:
            break
    if not found:
        # No reviewer assigned: any seated member taking part in an open item.
        for item in CouncilItem.objects.filter(status__in=OPEN_ITEM).order_by("-id")[
            :limit
        ]:
            for member in item.council.members.select_related("user"):
                if member.user.is_active and access.can(member.user, "score", item):
                    criteria = [
                        {"field": f"criterion_{c.pk}", "max": int(c.max_points)}
                        for c in item.council.criteria.all()
                    ]
                    if criteria:
                        found.append(
                            {
                                "user": member.user.username,
                                "item": reverse(
                                    "initiatives:item_detail", args=[item.pk]
                                ),
                                "score": reverse(
                                    "initiatives:item_score", args=[item.pk]
                                ),
                                "criteria": criteria,
                            }
                        )
                        break
    return found


def _vote_plan(limit: int = 20) -> list[dict]:
    """Votes that can be cast now: members present at an open ballot session, or
    (hands-up councils) the secretary recording the count."""
    from initiatives.models import Session, VotingMode
    from initiatives.services.sessions import can_vote
    from units import access

    found = []
    sessions = (
        Session.objects.filter(status=Session.Status.OPEN)
        .select_related("council")
        .order_by("-id")[:limit]
    )
    for session in sessions:
        agenda = list(session.agenda.select_related("item", "session__council"))
        members = list(session.council.members.select_related("user"))
        page = reverse("initiatives:session_detail", args=[session.pk])
        for agenda_item in agenda:
            if session.council.voting_mode == VotingMode.BALLOT:
                for member in members:
                    if member.user.is_active and can_vote(agenda_item, member) is None:
                        found.append(
                            {
                                "mode": "ballot",
                                "user": member.user.username,
                                "session": page,
                                "vote": reverse(
                                    "initiatives:agenda_vote", args=[agenda_item.pk]
                                ),
                            }
                        )
            else:
                runner = next(
                    (
                        m.user
                        for m in members
                        if m.user.is_active and access.can(m.user, "run", session)
                    ),
                    None,
                )
                if runner is not None:
                    found.append(
                        {
                            "mode": "hands",
                            "user": runner.username,
                            "session": page,
                            "vote": reverse(
                                "initiatives:agenda_hands", args=[agenda_item.pk]
                            ),
                        }
                    )
            if len(found) >= limit:
                return found
    return found


def _filer(usernames=FILERS):
    from initiatives.selectors.requests import member_units_for

    for username in usernames:
        user = _user(username)
        if user is not None and member_units_for(user).exists():
            return user
    return None


LOAD_TITLE = "Sáng kiến thử tải"  # drafts the load test files, removed after


def load_plan(readers=READERS) -> dict:
    """What the simulated users do, from the data: who reads what, who files,
    scores and votes where. A journey the data cannot supply is left empty and
    named in `missing`."""
    plan = {"readers": [], "filer": None, "scorers": [], "voters": [], "missing": {}}
    for username in readers:
        user = _user(username)
        reader = _reader_plan(user) if user is not None else None
        if reader:
            plan["readers"].append(reader)
    if not plan["readers"]:
        plan["missing"]["browse"] = "no reader account sees any request"
    filer = _filer()
    if filer is None:
        plan["missing"]["file"] = "no member account of the demo data may file"
    else:
        plan["filer"] = {"user": filer.username, "url": reverse("initiatives:create")}
    plan["scorers"] = _score_plan()
    if not plan["scorers"]:
        plan["missing"]["score"] = "no council item open for scoring"
    plan["voters"] = _vote_plan()
    if not plan["voters"]:
        plan["missing"]["vote"] = "no open council session"
    plan["title"] = LOAD_TITLE
    plan["pages"] = {
        "home": reverse("home"),
        "list": reverse("initiatives:list"),
        "honour": reverse("goldbook:honour"),
    }
    return plan


def plan_users(plan: dict) -> set[str]:
    users = {r["user"] for r in plan["readers"]}
    users |= {s["user"] for s in plan["scorers"]} | {v["user"] for v in plan["voters"]}
    if plan.get("filer"):
        users.add(plan["filer"]["user"])
    return users


def add_sessions(plan: dict, per_account: int = SESSIONS_PER_ACCOUNT) -> list[str]:
    """Sign every account of the plan in `per_account` times; return all keys."""
    from units.models import User

    keys = []
    plan["sessions"] = {}
    for user in User.objects.filter(username__in=plan_users(plan), is_active=True):
        plan["sessions"][user.username] = [
            session_cookie(user) for _ in range(per_account)
        ]
        keys += plan["sessions"][user.username]
    plan["cookie"] = settings.SESSION_COOKIE_NAME
    return keys


def remove_load_drafts(usernames, since) -> int:
    """Delete the drafts the load test filed (title LOAD_TITLE…, made by its
    accounts since it started); return how many."""
    from initiatives.models import Initiative, Status

    drafts = Initiative.objects.filter(
        title__startswith=LOAD_TITLE,
        status=Status.DRAFT,
        created_by__username__in=list(usernames),
        created_at__gte=since,
    )
    count = drafts.count()
    drafts.delete()
    return count
