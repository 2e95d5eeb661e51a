"""The lifecycles of the awards app (awards/lifecycle/): each allowed move saves
and is recorded in the audit log, a move not allowed raises and writes nothing,
the named sets, and scans that keep every state change inside the lifecycles."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, AuditEntry
from awards.lifecycle import candidate as candidate_lifecycle
from awards.lifecycle import dossier as dossier_lifecycle
from awards.lifecycle import round as round_lifecycle
from awards.models import AwardRound, Candidate, Dossier, SelectingBody
from documents.models import IssuedDocument, NumberSeries

ROOT = Path(__file__).resolve().parents[2]
YEAR = timezone.localdate().year
CandidateStatus = Candidate.Status
DossierStatus = Dossier.Status


def _round(cast, status=AwardRound.Status.OPEN) -> AwardRound:
    return AwardRound.objects.create(
        unit=cast.tree.a,
        year=YEAR,
        title="Xét khen thưởng",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        selecting_body=SelectingBody.STANDING,
        status=status,
        created_by=cast.a_staff,
    )


def _candidate(cast, status) -> Candidate:
    return Candidate.objects.create(
        round=_round(cast),
        kind=Candidate.Kind.COLLECTIVE,
        unit=cast.tree.a1,
        status=status,
        added_by=cast.a_staff,
    )


def _submission(cast) -> IssuedDocument:
    series = NumberSeries.objects.create(unit=cast.tree.a, code="TTr", year=YEAR)
    return IssuedDocument.objects.create(
        series=series,
        number=1,
        kind="submission",
        title="Tờ trình",
        symbol="01/TTr-CĐ",
        issued_on=timezone.localdate(),
        file="documents/a.pdf",
        sha256="0" * 64,
        size=1,
    )


def _dossier(cast, status, *, submission=True) -> Dossier:
    return Dossier.objects.create(
        round=_round(cast, AwardRound.Status.SELECTED),
        addressee=cast.tree.province,
        status=status,
        submission=_submission(cast) if submission else None,
    )


def _changes(row) -> list[dict]:
    return [
        entry.changes
        for entry in AuditEntry.objects.filter(
            target_type=row._meta.label_lower,
            target_id=str(row.pk),
            action=Action.CHANGED,
        ).order_by("id")
    ]


def _pairs(states, moves, allowed: bool):
    return [
        (start, to)
        for start in states
        for to in states
        if (to in moves[start]) == allowed
    ]


# --- The candidate ----------------------------------------------------------------


def test_every_candidate_state_has_its_moves():
    assert set(candidate_lifecycle.MOVES) == set(CandidateStatus.values)
    assert set(candidate_lifecycle.REFUSALS) == set(CandidateStatus.values)


def test_the_candidate_sets():
    assert {CandidateStatus.CANDIDATE} == candidate_lifecycle.CONSIDERED
    assert {CandidateStatus.NOMINATED} == candidate_lifecycle.NOMINATED
    assert {
        CandidateStatus.NOMINATED,
        CandidateStatus.SELECTED,
    } == candidate_lifecycle.TAKES_QUOTA
    assert {CandidateStatus.SELECTED} == candidate_lifecycle.SELECTED
    assert {
        CandidateStatus.SELECTED,
        CandidateStatus.NOT_SELECTED,
    } == candidate_lifecycle.DECIDED


@pytest.mark.parametrize(
    "start,to", _pairs(CandidateStatus.values, candidate_lifecycle.MOVES, True)
)
def test_an_allowed_candidate_move_saves_and_is_recorded(cast, start, to):
    candidate = _candidate(cast, start)
    moved = candidate_lifecycle.move(candidate, to, votes_for=7)
    candidate.refresh_from_db()
    assert (moved.status, candidate.status, candidate.votes_for) == (to, to, 7)
    assert _changes(candidate)[-1]["status"] == [start, to]


@pytest.mark.parametrize(
    "start,to", _pairs(CandidateStatus.values, candidate_lifecycle.MOVES, False)
)
def test_a_candidate_move_not_allowed_raises_and_writes_nothing(cast, start, to):
    candidate = _candidate(cast, start)
    with pytest.raises(ValidationError) as raised:
        candidate_lifecycle.move(candidate, to, votes_for=7)
    assert raised.value.messages == [str(candidate_lifecycle.REFUSALS[to])]
    candidate.refresh_from_db()
    assert (candidate.status, candidate.votes_for) == (start, None)
    assert _changes(candidate) == []


def test_a_bulk_move_checks_every_row_first(cast):
    considered = _candidate(cast, CandidateStatus.CANDIDATE)
    other = Candidate.objects.create(
        round=considered.round,
        kind=Candidate.Kind.COLLECTIVE,
        unit=cast.tree.a2,
        status=CandidateStatus.SELECTED,
        added_by=cast.a_staff,
    )
    with pytest.raises(ValidationError):
        candidate_lifecycle.move_all(
            [considered.pk, other.pk], CandidateStatus.NOMINATED
        )
    considered.refresh_from_db()
    assert considered.status == CandidateStatus.CANDIDATE
    assert candidate_lifecycle.move_all([considered.pk], CandidateStatus.NOMINATED) == 1
    considered.refresh_from_db()
    assert considered.status == CandidateStatus.NOMINATED


def test_the_candidate_asks_its_lifecycle(cast):
    candidate = _candidate(cast, CandidateStatus.CANDIDATE)
    assert candidate.is_considered and not candidate.is_selected
    candidate.status = CandidateStatus.SELECTED
    assert candidate.is_selected and not candidate.is_considered


# --- The dossier ------------------------------------------------------------------


def test_every_dossier_state_has_its_moves():
    assert set(dossier_lifecycle.MOVES) == set(DossierStatus.values)
    targets = set().union(*dossier_lifecycle.MOVES.values())
    assert targets == set(dossier_lifecycle.REFUSALS)
    assert dossier_lifecycle.INITIAL == DossierStatus.DRAFT


def test_the_dossier_sets():
    assert {DossierStatus.DRAFT, DossierStatus.RETURNED} == dossier_lifecycle.EDITABLE
    assert {
        DossierStatus.DRAFT,
        DossierStatus.PREPARED,
        DossierStatus.RETURNED,
    } == dossier_lifecycle.IN_PREPARATION
    assert {DossierStatus.DRAFT, DossierStatus.PREPARED} == dossier_lifecycle.UNSENT
    assert {
        DossierStatus.SENT,
        DossierStatus.ACCEPTED,
    } == dossier_lifecycle.WITH_ADDRESSEE
    assert {DossierStatus.ACCEPTED} == dossier_lifecycle.ACCEPTED


@pytest.mark.parametrize(
    "start,to", _pairs(DossierStatus.values, dossier_lifecycle.MOVES, True)
)
def test_an_allowed_dossier_move_saves_and_is_recorded(cast, start, to):
    dossier = _dossier(cast, start)
    moved = dossier_lifecycle.move(
        dossier, to, actor=cast.province_admin, comments="Bổ sung báo cáo."
    )
    dossier.refresh_from_db()
    assert moved.status == dossier.status == to
    assert dossier.comments == "Bổ sung báo cáo."
    assert (dossier.sent_at is not None) == (to == DossierStatus.SENT)
    answered = to in (DossierStatus.RETURNED, DossierStatus.ACCEPTED)
    assert (dossier.answered_by == cast.province_admin) == answered
    assert (dossier.answered_at is not None) == answered
    assert "comments" in _changes(dossier)[-1]


@pytest.mark.parametrize(
    "start,to",
    [
        pair
        for pair in _pairs(DossierStatus.values, dossier_lifecycle.MOVES, False)
        if pair[1] in dossier_lifecycle.REFUSALS
    ],
)
def test_a_dossier_move_not_allowed_raises_and_writes_nothing(cast, start, to):
    dossier = _dossier(cast, start)
    with pytest.raises(ValidationError) as raised:
        dossier_lifecycle.move(dossier, to, actor=cast.province_admin, comments="x")
    assert raised.value.messages == [str(dossier_lifecycle.REFUSALS[to])]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.comments) == (start, "")
    assert dossier.sent_at is None and dossier.answered_by is None
    assert _changes(dossier) == []


def test_only_an_issued_dossier_is_sent(cast):
    dossier = _dossier(cast, DossierStatus.PREPARED, submission=False)
    with pytest.raises(ValidationError) as raised:
        dossier_lifecycle.move(dossier, DossierStatus.SENT, actor=cast.a_staff)
    assert raised.value.messages == [_("Issue the dossier before sending it.")]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PREPARED and dossier.sent_at is None


def test_a_return_needs_comments(cast):
    dossier = _dossier(cast, DossierStatus.SENT)
    with pytest.raises(ValidationError) as raised:
        dossier_lifecycle.move(
            dossier, DossierStatus.RETURNED, actor=cast.province_admin, comments=""
        )
    assert raised.value.message_dict == {"comments": [_("Say what must be revised.")]}
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SENT and _changes(dossier) == []


def test_only_a_draft_or_returned_dossier_is_edited(cast):
    dossier_lifecycle.check_editable(None)
    for status in DossierStatus.values:
        dossier = Dossier(status=status)
        if status in dossier_lifecycle.EDITABLE:
            dossier_lifecycle.check_editable(dossier)
        else:
            with pytest.raises(ValidationError):
                dossier_lifecycle.check_editable(dossier)


def test_the_dossier_says_which_state_it_is_in():
    for status in DossierStatus.values:
        dossier = Dossier(status=status)
        flags = {
            DossierStatus.DRAFT: dossier.is_draft,
            DossierStatus.PREPARED: dossier.is_prepared,
            DossierStatus.SENT: dossier.is_sent,
            DossierStatus.RETURNED: dossier.is_returned,
            DossierStatus.ACCEPTED: dossier.is_accepted,
        }
        assert [s for s, flag in flags.items() if flag] == [status]


# --- The round --------------------------------------------------------------------


def test_the_round_sets_and_moves():
    assert set(round_lifecycle.MOVES) == set(AwardRound.Status.values)
    assert {AwardRound.Status.OPEN} == round_lifecycle.OPEN
    assert {AwardRound.Status.SELECTED} == round_lifecycle.SELECTED


def test_an_open_round_moves_to_selected_once(cast):
    award_round = _round(cast)
    round_lifecycle.check_open(award_round)
    moved = round_lifecycle.move(award_round, AwardRound.Status.SELECTED)
    award_round.refresh_from_db()
    assert moved.status == award_round.status == AwardRound.Status.SELECTED
    assert len(_changes(award_round)) == 1
    round_lifecycle.check_selected(award_round)
    for to in (AwardRound.Status.SELECTED,):
        with pytest.raises(ValidationError) as raised:
            round_lifecycle.move(award_round, to)
        assert raised.value.messages == [
            _("The selection of this round is already recorded.")
        ]
    with pytest.raises(ValidationError):
        round_lifecycle.check_open(award_round)
    assert len(_changes(award_round)) == 1


def test_a_closed_round_does_not_move(cast):
    award_round = _round(cast, AwardRound.Status.CLOSED)
    with pytest.raises(ValidationError):
        round_lifecycle.move(award_round, AwardRound.Status.SELECTED)
    with pytest.raises(ValidationError) as raised:
        round_lifecycle.check_selected(award_round)
    assert raised.value.messages == [_("Record the selection meeting first.")]
    award_round.refresh_from_db()
    assert award_round.status == AwardRound.Status.CLOSED


# --- Scans: states change only in the lifecycles ------------------------------------

# `x.status = …`, `x.status += …` (not `==`), and `setattr(x, "status", …)`.
STATUS_WRITE = re.compile(r"\.status\s*[-+]?=(?!=)|setattr\([^,]+,\s*[\"']status[\"']")
# A status compared with a raw string or an ad-hoc tuple, list or set.
STATUS_RAW = re.compile(
    r"\bstatus\s*(?:==|!=)\s*[\"']"
    r"|\bstatus\s+(?:not\s+)?in\s*[\(\[{]"
    r"|status__in=[\(\[{]"
)
SKIPPED = {"demo.py", "scale.py"}


def _modules():
    base = ROOT / "awards"
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(base).parts
        if parts[0] in ("migrations", "lifecycle") or path.name in SKIPPED:
            continue
        yield path


def _hits(pattern, paths) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]


def test_the_scans_see_what_they_look_for():
    assert STATUS_WRITE.search("    candidate.status = Candidate.Status.NOMINATED")
    assert STATUS_WRITE.search('    setattr(dossier, "status", "sent")')
    assert not STATUS_WRITE.search("    if dossier.status == Dossier.Status.SENT:")
    assert not STATUS_WRITE.search("    status=Candidate.Status.NOMINATED,")
    assert STATUS_RAW.search('if dossier.status == "sent":')
    assert STATUS_RAW.search("if c.status in (Candidate.Status.NOMINATED, x):")
    assert STATUS_RAW.search("    status__in=[Dossier.Status.DRAFT]")
    assert not STATUS_RAW.search("if c.status in lifecycle.NOMINATED:")
    assert ROOT / "awards" / "services" / "nominations.py" in list(_modules())


def test_no_module_of_the_app_moves_a_state_itself():
    assert _hits(STATUS_WRITE, _modules()) == []


def test_no_module_of_the_app_compares_a_state_with_raw_values():
    assert _hits(STATUS_RAW, _modules()) == []
