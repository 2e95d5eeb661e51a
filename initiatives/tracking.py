"""What of the initiatives and their councils the audit log follows, and how a
vote's choice stays sealed until its session closes."""

from audit.log import track, untracked
from audit.models import Action
from initiatives.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Author,
    Council,
    CouncilItem,
    CouncilMember,
    Criterion,
    Field,
    Idea,
    IdeaComment,
    Initiative,
    InitiativeEvent,
    Recusal,
    Registration,
    ReviewAssignment,
    Score,
    ScoreSheet,
    Session,
    Vote,
)


def session_seal(session) -> str:
    """The seal on the votes of a session, lifted when it closes."""
    return f"initiatives.session:{session.pk}"


def _vote_seal(vote):
    return f"initiatives.session:{vote.agenda_item.session_id}"


def _vote_label(vote):
    # Never str(vote): it says the choice.
    return f"{vote.member} — {vote.agenda_item.item}"


def _vote_action(vote, created, changes):
    return Action.VOTED


track(Field)
track(Registration, unit="unit")
track(Idea, unit="unit")
track(IdeaComment, unit="idea__unit")
# Confidential parts are shown only to a few people: the log says that they
# changed, never what they say.
track(Initiative, unit="unit", secret=frozenset({"confidential_info"}))
track(Author, unit="initiative__unit")
track(Attachment, unit="initiative__unit")
track(Council, unit="unit")
track(CouncilMember, unit="council__unit")
track(Criterion, unit="council__unit")
track(CouncilItem, unit="council__unit")
track(Recusal, unit="item__council__unit")
track(ReviewAssignment, unit="item__council__unit")
track(ScoreSheet, unit="item__council__unit")
track(Score, unit="sheet__item__council__unit")
track(Session, unit="council__unit")
track(Attendance, unit="session__council__unit")
track(AgendaItem, unit="session__council__unit")
# A vote's choice stays sealed until its session closes.
track(
    Vote,
    unit="agenda_item__session__council__unit",
    seal=_vote_seal,
    action=_vote_action,
    label=_vote_label,
)

# Histories of their own: they are written with the change they describe.
untracked(InitiativeEvent, "a request's own history, written with the change")
