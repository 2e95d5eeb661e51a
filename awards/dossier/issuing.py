"""Issuing the dossier's parts through `documents`: the excerpt of the
selection minutes, a summary report per nominee, the Tờ trình."""

from django.db import transaction
from django.utils import timezone

from awards import criteria
from awards.dossier.drafting import (
    BODY_NAMES,
    _checked_round,
    _draft,
    count_phrase,
    draft_submission,
    draft_summary,
    entries_of,
)
from awards.lifecycle import candidate as candidate_lifecycle
from awards.lifecycle import dossier as lifecycle
from awards.models import AwardRound, Candidate, CandidateSummary, Dossier
from awards.signers import award_signers, summary_signers
from documents.models import DocumentKind, IssuedDocument
from documents.services import document_issue
from units.models import Unit, User


def missing_documents(dossier: Dossier, nominees, summaries: dict) -> bool:
    """Whether an issued dossier lacks one of its documents."""
    return (
        dossier.submission_id is None
        or dossier.excerpt_id is None
        or any(c.pk not in summaries for c in nominees)
    )


def document_context(award_round: AwardRound, addressee: Unit, nominees, day) -> dict:
    body = award_round.selecting_body
    selection = award_round.selection
    return {
        "round": award_round,
        "selection": selection,
        "body_name": BODY_NAMES[body],
        "unit_name": award_round.unit.name_on(day),
        "addressee": f"Ban Thường vụ {addressee.name_on(day)}",
        **award_signers(award_round.unit, day),
        "recipients": [f"{addressee.name_on(day)};", "Lưu: VT."],
    }


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def headline(candidate: Candidate) -> str:
    first = (candidate.achievements or "").strip().splitlines()
    text = first[0] if first else ""
    return text if len(text) <= 220 else text[:217] + "…"


def summary_context(candidate: Candidate, base: dict, year: int) -> dict:
    checklist = criteria.checklists([candidate], year)[candidate.pk]
    text = candidate.achievements or draft_summary(candidate, year)
    position = ""
    if candidate.person_id:
        membership = candidate.person.memberships.filter(unit=candidate.unit).first()
        position = membership.position if membership else ""
    return {
        **base,
        **summary_signers(candidate, base),
        "collective": candidate.kind == Candidate.Kind.COLLECTIVE,
        "name": candidate.display_name,
        "position": position,
        "form": candidate.award_form.name if candidate.award_form else "",
        "paragraphs": _paragraphs(text),
        "entries": [
            {
                "title": e.title,
                "decision_symbol": e.decision.symbol if e.decision else "",
                "decision_day": e.decision.issued_on if e.decision else None,
                "public_summary": e.public_summary,
            }
            for e in entries_of(candidate, year)
        ],
        "checks": [
            {
                "label": str(check.criterion.label),
                "grounds": "; ".join(str(item.label) for item in check.evidence)
                or "Đạt",
            }
            for check in checklist.checks
        ],
    }


def latest_summary(candidate: Candidate) -> IssuedDocument | None:
    row = candidate.summaries.select_related("document").first()
    return row.document if row else None


@transaction.atomic
def dossier_issue(*, award_round: AwardRound, actor: User) -> Dossier:
    """Issue the dossier's parts once the selection is recorded: the excerpt of
    the minutes, a summary per selected nominee, then the Tờ trình. A dossier
    returned by the unit above is issued again: new summaries and a new Tờ
    trình, each correcting the one before.

    Every document is numbered in this one transaction: all of them, or (when
    one fails to render) none, and no number is used."""
    current, addressee, nominees = _checked_round(award_round)
    dossier = Dossier.objects.select_for_update().filter(round=current).first()
    if dossier is not None:
        lifecycle.check(dossier, Dossier.Status.PREPARED)
    if dossier is None:
        dossier = _draft(current, addressee, nominees)
    stored: list[str] = []

    def issue(**arguments) -> IssuedDocument:
        document = document_issue(**arguments)
        stored.append(document.file.name)
        return document

    try:
        _issue_parts(current, dossier, addressee, nominees, actor, issue)
        return lifecycle.move(
            dossier,
            Dossier.Status.PREPARED,
            actor=actor,
            excerpt=dossier.excerpt,
            submission=dossier.submission,
        )
    except BaseException:
        # The transaction forgets the rows; the files stored so far go too.
        storage = IssuedDocument._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


def _issue_parts(current, dossier, addressee, nominees, actor, issue) -> None:
    reissue = dossier.status == Dossier.Status.RETURNED
    day = timezone.localdate()
    base = document_context(current, addressee, nominees, day)
    if dossier.excerpt_id is None:
        dossier.excerpt = issue(
            unit=current.unit,
            code="TrBB",
            kind=DocumentKind.MINUTES_EXCERPT,
            title=f"Trích biên bản họp xét chọn: {current.title}",
            template_name="documents/award_excerpt.html",
            context={
                **base,
                "results": [
                    {
                        "name": c.display_name,
                        "form": c.award_form.name if c.award_form else "",
                        "votes": c.votes_for,
                        "selected": c.status in candidate_lifecycle.SELECTED,
                    }
                    for c in current.candidates.filter(votes_for__isnull=False)
                    .select_related("unit", "person", "award_form")
                    .order_by("kind", "id")
                ],
            },
            issued_on=day,
            actor=actor,
            subject=current,
        )
    for candidate in nominees:
        previous = latest_summary(candidate)
        if previous is not None and not reissue:
            continue
        if not candidate.achievements:
            candidate.achievements = draft_summary(candidate, current.year)
            candidate.save(update_fields=["achievements"])
        document = issue(
            unit=current.unit,
            code="BC",
            kind=DocumentKind.REPORT,
            title=f"Báo cáo tóm tắt: {candidate.display_name}",
            template_name="documents/award_summary.html",
            context=summary_context(candidate, base, current.year),
            issued_on=day,
            actor=actor,
            subject=current,
            refers_to=previous,
        )
        CandidateSummary.objects.create(candidate=candidate, document=document)
    if dossier.submission_id is None or reissue:
        dossier.submission = issue(
            unit=current.unit,
            code="TTr",
            kind=DocumentKind.SUBMISSION,
            title=f"Tờ trình đề nghị khen thưởng: {current.title}",
            template_name="documents/award_submission.html",
            context={
                **base,
                "paragraphs": _paragraphs(
                    dossier.submission_text
                    or draft_submission(current, addressee, nominees, day)
                ),
                "count_phrase": count_phrase(nominees),
                "nominees": [
                    {
                        "name": c.display_name,
                        "unit": c.unit.name_on(day),
                        "form": c.award_form.name if c.award_form else "",
                        "headline": headline(c),
                    }
                    for c in nominees
                ],
            },
            issued_on=day,
            actor=actor,
            subject=current,
            refers_to=dossier.submission if reissue else None,
        )
