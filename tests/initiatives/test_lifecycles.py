"""The three lifecycles of the initiatives app (`initiatives.lifecycle`): a request,
a council item and a session. Each allowed move saves, writes the history and
queues the mail it owes; a refused move raises and writes nothing; the named sets
are the ones the app always used; and no code outside the lifecycles sets one of
these states by hand (templates: tests/test_templates_ask_flags.py).
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, override

from initiatives.lifecycle import council_item, request, session
from initiatives.models import (
    CouncilItem,
    Initiative,
    InitiativeEvent,
    Session,
    Status,
)
from tests.initiatives.council_kit import Kit

pytestmark = pytest.mark.django_db

Action = InitiativeEvent.Action
ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def kit(cast):
    return Kit(cast)


def written(initiative) -> tuple:
    """What a move may write about a request: its row, its history."""
    row = Initiative.objects.values_list("status", "version").get(pk=initiative.pk)
    return row, initiative.events.count()


# --- A request ----------------------------------------------------------------


def test_request_sets_and_moves_are_the_ones_the_app_used():
    assert {"draft", "returned"} == request.EDITABLE
    assert {"recognised", "not_recognised"} == request.DECIDED
    outcomes = {"recognised", "not_recognised", "deferred"}
    assert {k: set(v) for k, v in request.MOVES.items()} == {
        "draft": {"submitted", "withdrawn"},
        "submitted": {"returned", "accepted", "withdrawn"},
        "returned": {"submitted", "withdrawn"},
        "accepted": {"under_review", "withdrawn", *outcomes},
        "under_review": {"withdrawn", *outcomes},
        "deferred": {"under_review", "withdrawn", *outcomes},
        "recognised": set(),
        "not_recognised": set(),
        "withdrawn": set(),
    }
    assert set(request.MOVES) == set(Status.values)
    assert not request.may_withdraw(Status.DRAFT)
    assert request.may_withdraw(Status.DEFERRED)
    assert not request.may_withdraw(Status.RECOGNISED)


def test_request_allowed_move_saves_records_and_mails(
    kit, cast, django_capture_on_commit_callbacks
):
    submitted = kit.request(cast.councils.a)
    version = submitted.version
    with django_capture_on_commit_callbacks(execute=True):
        moved = request.move(
            submitted,
            Status.RETURNED,
            actor=cast.a_staff,
            action=Action.RETURNED,
            note="Bổ sung số liệu.",
            mail_context={"reason": "Bổ sung số liệu."},
        )
    assert Initiative.objects.values_list("status", "version").get(pk=submitted.pk) == (
        Status.RETURNED,
        version + 1,
    )
    assert moved.is_returned and moved.is_editable
    event = submitted.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "returned",
        "submitted",
        "returned",
        cast.a_staff,
    )
    assert event.note == "Bổ sung số liệu."
    (message,) = mail.outbox
    assert message.to == sorted(set(request.author_emails(submitted)))
    assert "Bổ sung số liệu." in message.body

    # Submitting again is a resubmission in the history; no mail is owed.
    request.move(moved, Status.SUBMITTED, actor=cast.a_staff, action=Action.SUBMITTED)
    assert submitted.events.last().action == Action.RESUBMITTED
    assert len(mail.outbox) == 1


def test_request_refused_move_raises_and_writes_nothing(
    kit, cast, django_capture_on_commit_callbacks
):
    submitted = kit.request(cast.councils.a)
    before = written(submitted)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        request.move(
            submitted,
            Status.RECOGNISED,
            actor=cast.a_staff,
            action=Action.RECOGNISED,
        )
    assert refused.value.code == "transition"
    with override("vi"):
        expected = gettext("A request that is %(status)s cannot be %(action)s.") % {
            "status": Status.SUBMITTED.label,
            "action": Action.RECOGNISED.label,
        }
        assert refused.value.messages == [expected]
    assert written(submitted) == before
    assert mail.outbox == []


def test_request_move_if_allowed_skips_quietly(kit, cast):
    submitted = kit.request(cast.councils.a)
    before = written(submitted)
    skipped = request.move(
        submitted,
        Status.RECOGNISED,
        actor=cast.a_staff,
        action=Action.RECOGNISED,
        if_allowed=True,
    )
    assert skipped is None
    assert written(submitted) == before
    # A move to the state it is in is no step, even where the map allows it.
    Initiative.objects.filter(pk=submitted.pk).update(status=Status.DEFERRED)
    assert request.may_move(Status.DEFERRED, Status.DEFERRED)
    before = written(submitted)
    assert (
        request.move(
            submitted,
            Status.DEFERRED,
            actor=cast.a_staff,
            action=Action.DEFERRED,
            if_allowed=True,
        )
        is None
    )
    assert written(submitted) == before


def test_one_history_writer_and_no_second_mover():
    assert request.record_event.__module__ == "initiatives.lifecycle.request"
    from initiatives.services import councils, requests, sessions

    for module in (requests, councils, sessions):
        assert not hasattr(module, "_record")
        assert not hasattr(module, "_move_initiative")


# --- A council item ---------------------------------------------------------------


def test_council_item_sets_are_the_ones_the_app_used():
    assert {"accepted", "under_review", "deferred"} == council_item.OPEN
    assert {"recognised", "not_recognised"} == council_item.DECIDED
    assert set(council_item.MOVES) == set(CouncilItem.Status.values)
    for status in CouncilItem.Status.values:
        item = CouncilItem(status=status)
        assert item.is_open == (status in {"accepted", "under_review", "deferred"})
        assert item.is_decided == (status in {"recognised", "not_recognised"})


def test_council_item_allowed_move_saves_and_the_request_follows(
    kit, cast, django_capture_on_commit_callbacks
):
    council = cast.councils.a
    item = kit.accept(council)
    initiative = item.initiative
    moved = council_item.move(
        item, CouncilItem.Status.UNDER_REVIEW, actor=cast.a_staff, note=council.name
    )
    assert moved.status == CouncilItem.Status.UNDER_REVIEW
    item.refresh_from_db()
    initiative.refresh_from_db()
    assert item.status == initiative.status == "under_review"
    event = initiative.events.last()
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "under_review",
        "accepted",
        "under_review",
        council.name,
    )

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        council_item.move(
            item,
            CouncilItem.Status.RECOGNISED,
            actor=cast.a_staff,
            changes={"decided_on": today, "reasons": "Được 5/5 đồng ý."},
            note="Hội đồng: Được 5/5 đồng ý.",
        )
    item.refresh_from_db()
    initiative.refresh_from_db()
    assert (item.status, item.decided_on, item.reasons) == (
        "recognised",
        today,
        "Được 5/5 đồng ý.",
    )
    assert initiative.status == Status.RECOGNISED
    assert initiative.events.last().action == Action.RECOGNISED
    (message,) = mail.outbox
    assert message.to == sorted(set(request.author_emails(initiative)))


def test_council_item_refused_move_raises_and_writes_nothing(
    kit, cast, django_capture_on_commit_callbacks
):
    item = kit.accept(cast.councils.a)
    before = written(item.initiative)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refused,
    ):
        council_item.move(
            item,
            CouncilItem.Status.DECLINED,
            actor=cast.a_staff,
            changes={"reasons": "Không"},
            refusal="Only a proposed request can be declined.",
        )
    assert refused.value.messages == ["Only a proposed request can be declined."]
    item.refresh_from_db()
    assert (item.status, item.reasons) == ("accepted", "")
    assert written(item.initiative) == before
    assert mail.outbox == []


def test_an_item_proposed_from_below_moves_only_the_upper_history(kit, cast):
    own = kit.accept(cast.councils.a)
    upper = CouncilItem.objects.create(
        council=cast.councils.province,
        initiative=own.initiative,
        status=CouncilItem.Status.ACCEPTED,
        escalated_from=own,
        accepted_on=timezone.localdate(),
    )
    initiative = own.initiative
    before = written(initiative)
    council_item.move(upper, CouncilItem.Status.UNDER_REVIEW, actor=cast.a_staff)
    assert written(initiative) == before
    council_item.move(
        upper, CouncilItem.Status.RECOGNISED, actor=cast.a_staff, note="Tỉnh"
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.ACCEPTED
    event = initiative.events.last()
    assert (event.action, event.note, event.from_status) == (
        "escalation_recognised",
        "Tỉnh",
        "",
    )


# --- A session --------------------------------------------------------------------


def test_session_sets_are_the_ones_the_app_used():
    assert {"planned", "open"} == session.CHANGEABLE
    assert set(session.MOVES) == set(Session.Status.values)


def test_session_moves_planned_open_closed_only(kit, cast):
    council = cast.councils.a
    kit.seat(council, 3)
    item = kit.accept(council)
    planned = kit.session(council, [item], open_it=False)
    assert planned.is_planned
    events = InitiativeEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        session.move(planned, Session.Status.CLOSED)
    assert refused.value.messages == [gettext("Open the session before closing it.")]
    planned.refresh_from_db()
    assert planned.is_planned

    at = timezone.now()
    opened = session.move(planned, Session.Status.OPEN, changes={"opened_at": at})
    planned.refresh_from_db()
    assert opened.is_open and planned.is_open and planned.opened_at == at
    with pytest.raises(ValidationError) as refused:
        session.move(planned, Session.Status.OPEN)
    assert refused.value.messages == [gettext("The session is already open.")]

    closed = session.move(
        planned, Session.Status.CLOSED, prepare=lambda current: {"member_count": 3}
    )
    planned.refresh_from_db()
    assert closed.is_closed and planned.is_closed and planned.member_count == 3
    for to_status in Session.Status.values:
        with pytest.raises(ValidationError) as refused:
            session.move(planned, to_status)
        assert refused.value.messages == [
            gettext("The session is closed; nothing in it can change.")
        ]
    # A session writes no request history of its own.
    assert InitiativeEvent.objects.count() == events


# --- Nobody else moves these states ---------------------------------------------

# Sets of `status` on the three models: an attribute set, setattr, or an update.
WATCHED_MODELS = {"Initiative", "CouncilItem", "Session"}
SKIPPED = {"migrations", "lifecycle"}
SKIPPED_FILES = {"demo.py", "scale.py"}


def _is_idea_status(node: ast.AST) -> bool:
    """`Idea.Status.X`: ideas have a life of their own, outside these three."""
    text = ast.unparse(node)
    return text.startswith("Idea.Status.")


def status_writes(source: str) -> list[str]:
    """The lines of `source` that set a `status` by hand."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if (
                        isinstance(part, ast.Attribute)
                        and part.attr == "status"
                        and not _is_idea_status(node.value)
                    ):
                        found.append(ast.unparse(node))
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if (
                name == "setattr"
                and len(node.args) >= 2
                and ast.unparse(node.args[1]) in {"'status'", '"status"'}
            ):
                found.append(ast.unparse(node))
            if name.endswith((".update", ".bulk_update")):
                keywords = {k.arg for k in node.keywords}
                listed = [ast.unparse(a) for a in node.args]
                if "status" in keywords or any("'status'" in a for a in listed):
                    found.append(ast.unparse(node))
    return found


def test_the_scan_sees_a_status_set_by_hand():
    assert status_writes("item.status = CouncilItem.Status.DEFERRED\n")
    assert status_writes("current.status = 'closed'\n")
    assert status_writes("setattr(initiative, 'status', 'draft')\n")
    assert status_writes("Initiative.objects.filter(pk=1).update(status='draft')\n")
    assert status_writes("CouncilItem.objects.bulk_update(rows, ['status'])\n")
    assert not status_writes("idea.status = Idea.Status.CLOSED\n")
    assert not status_writes("x = item.status\n")


def test_only_the_lifecycles_set_the_states():
    offenders = []
    for path in sorted((ROOT / "initiatives").rglob("*.py")):
        parts = set(path.relative_to(ROOT / "initiatives").parts)
        if parts & SKIPPED or path.name in SKIPPED_FILES:
            continue
        for line in status_writes(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}: {line}")
    assert offenders == []


def test_the_flags_say_what_the_templates_compared():
    item = CouncilItem(status=CouncilItem.Status.DEFERRED)
    assert item.is_deferred and not item.is_recognised and not item.is_proposed
    assert CouncilItem(status="recognised").is_recognised
    assert CouncilItem(status="not_recognised").is_not_recognised
    assert CouncilItem(status="proposed").is_proposed
    assert Session(status="planned").is_planned
    assert not Session(status="open").is_planned
    assert Initiative(status="returned").is_returned
    assert Initiative(status="draft").is_editable
    assert not Initiative(status="submitted").is_editable
