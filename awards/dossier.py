"""The award dossier of a round: its parts issued through `documents`, the bundle
with a table of contents, the ZIP of the parts, Word versions, and its way to the
unit above (sent, returned with comments, accepted, the award decision).

Parts (seed IV.4): the Tờ trình with the list of nominees; a summary report per
nominee (a collective's achievements; an individual's initiative, with its
recognition decision); the excerpt of the selection meeting's minutes.
"""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from audit import log as audit_log
from awards import criteria
from awards.models import (
    Award,
    AwardDecision,
    AwardForm,
    AwardRound,
    Candidate,
    CandidateSummary,
    Dossier,
    MovementRecord,
    SelectingBody,
)
from awards.signers import award_signers, summary_signers
from core.text import nfc
from documents.models import DocumentKind, IssuedDocument
from documents.rendering import render_pdf
from documents.services import document_bytes, document_issue
from goldbook.models import GoldBookEntry
from initiatives import uploads
from units.models import Unit, User

BODY_NAMES = {
    SelectingBody.EXECUTIVE: "Ban Chấp hành",
    SelectingBody.STANDING: "Ban Thường vụ",
    SelectingBody.COUNCIL: "Hội đồng sáng kiến",
}
CAPACITIES = {
    SelectingBody.EXECUTIVE: "TM. BAN CHẤP HÀNH",
    SelectingBody.STANDING: "TM. BAN THƯỜNG VỤ",
    SelectingBody.COUNCIL: "TM. HỘI ĐỒNG",
}


def addressee_of(award_round: AwardRound) -> Unit | None:
    """A dossier goes to the unit directly above the round's unit."""
    return Unit.objects.get_parent(award_round.unit)


def selected(award_round: AwardRound) -> list[Candidate]:
    return list(
        award_round.candidates.filter(status=Candidate.Status.SELECTED)
        .select_related("unit", "person", "award_form")
        .order_by("kind", "id")
    )


def entries_of(candidate: Candidate, year: int) -> list[GoldBookEntry]:
    """The Gold Book entries behind a nominee: an individual's own; a
    collective's in the books of its subtree or for requests filed from it
    (the checklist's rule)."""
    entries = GoldBookEntry.objects.filter(
        year=year, status=GoldBookEntry.Status.ACTIVE
    ).select_related("decision")
    if candidate.kind == Candidate.Kind.INDIVIDUAL:
        entries = entries.filter(initiative__authors__user=candidate.person_id)
    else:
        path = candidate.unit.path
        entries = entries.filter(
            Q(book__unit__path__startswith=path)
            | Q(initiative__unit__path__startswith=path)
        )
    return list(entries.distinct().order_by("recorded_on", "id"))


def draft_summary(candidate: Candidate, year: int) -> str:
    """A first text of the summary report, from the application's data; staff
    edit it before the dossier is issued."""
    if candidate.kind == Candidate.Kind.INDIVIDUAL:
        entries = entries_of(candidate, year)
        lines = [
            f"{candidate.display_name} là tác giả, đồng tác giả của "
            f"{len(entries)} sáng kiến được Hội đồng sáng kiến công nhận, áp dụng "
            f"vào thực tiễn và ghi vào Sổ vàng sáng kiến năm {year}."
        ]
        lines += [f"Sáng kiến “{e.title}”: {e.public_summary}" for e in entries]
        return "\n".join(lines)
    records = MovementRecord.objects.filter(unit=candidate.unit, year=year).order_by(
        "held_on"
    )
    lines = [
        f"Năm {year}, {candidate.unit.name} tổ chức thực hiện phong trào thi đua "
        "“Đổi mới, sáng tạo, hiệu quả trong hoạt động của tổ chức Công đoàn”:"
    ]
    lines += [
        f"- {r.get_kind_display().capitalize()} ngày {r.held_on:%d/%m/%Y}: {r.title}."
        for r in records
    ]
    entries = entries_of(candidate, year)
    if entries:
        lines.append(
            f"- Có {len(entries)} sáng kiến được công nhận, áp dụng và ghi vào Sổ vàng "
            "sáng kiến."
        )
    return "\n".join(lines)


# While its texts may change: before anything is numbered, and after the unit
# above returned it (the corrected documents then refer to the earlier ones).
EDITABLE = (Dossier.Status.DRAFT, Dossier.Status.RETURNED)


def _check_editable(dossier: Dossier | None) -> None:
    if dossier is not None and dossier.status not in EDITABLE:
        raise ValidationError(
            _(
                "The dossier's documents are numbered and issued; their texts no "
                "longer change. If the unit above returns the dossier, correct "
                "them then."
            )
        )


@transaction.atomic
def summary_set(*, candidate: Candidate, actor: User, text: str) -> Candidate:
    """Edit a nominee's summary text while the dossier is a draft (or returned)."""
    # The dossier's row is locked so that issuing cannot number the summary
    # between this check and the save.
    _check_editable(
        Dossier.objects.select_for_update().filter(round=candidate.round_id).first()
    )
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the summary.")})
    candidate.achievements = text
    candidate.save(update_fields=["achievements"])
    return candidate


def count_phrase(nominees) -> str:
    """ "2 tập thể, 3 cá nhân": the nominees counted by kind, a zero left out."""
    collectives = sum(c.kind == Candidate.Kind.COLLECTIVE for c in nominees)
    individuals = len(nominees) - collectives
    parts = []
    if collectives:
        parts.append(f"{collectives} tập thể")
    if individuals:
        parts.append(f"{individuals} cá nhân")
    return ", ".join(parts)


def draft_submission(award_round: AwardRound, addressee: Unit, nominees, day) -> str:
    """A first text of the Tờ trình's request, from the round's data."""
    body = BODY_NAMES[award_round.selecting_body]
    return (
        f"{body} {award_round.unit.name_on(day)} kính trình Ban Thường vụ "
        f"{addressee.name_on(day)} xem xét, khen thưởng {count_phrase(nominees)} "
        f"có thành tích xuất sắc trong phong trào năm {award_round.year}, cụ thể "
        "như sau:"
    )


@transaction.atomic
def submission_set(*, dossier: Dossier, actor: User, text: str) -> Dossier:
    """Edit the Tờ trình's text while the dossier is a draft (or returned)."""
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _check_editable(current)
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the Tờ trình.")})
    current.submission_text = text
    current.save(update_fields=["submission_text"])
    return current


def _checked_round(award_round: AwardRound) -> tuple[AwardRound, Unit, list]:
    current = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    if current.status != AwardRound.Status.SELECTED:
        raise ValidationError(_("Record the selection meeting first."))
    addressee = addressee_of(current)
    if addressee is None:
        raise ValidationError(_("This unit has no unit above to send a dossier to."))
    nominees = selected(current)
    if not nominees:
        raise ValidationError(_("No nominee was selected: there is nothing to send."))
    return current, addressee, nominees


def _draft(current: AwardRound, addressee: Unit, nominees) -> Dossier:
    """The draft dossier: the texts written from the data, nothing numbered."""
    day = timezone.localdate()
    dossier = Dossier.objects.create(
        round=current,
        addressee=addressee,
        status=Dossier.Status.DRAFT,
        submission_text=draft_submission(current, addressee, nominees, day),
    )
    drafted = [c for c in nominees if not c.achievements]
    for candidate in drafted:
        candidate.achievements = draft_summary(candidate, current.year)
    Candidate.objects.bulk_update(drafted, ["achievements"])
    return dossier


@transaction.atomic
def dossier_prepare(*, award_round: AwardRound, actor: User) -> Dossier:
    """Draft the dossier of a selected round for review: the Tờ trình's text and
    a summary per nominee, from the data; nothing takes a number yet."""
    current, addressee, nominees = _checked_round(award_round)
    dossier = Dossier.objects.filter(round=current).first()
    return dossier or _draft(current, addressee, nominees)


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
    if dossier is not None and dossier.status not in (
        Dossier.Status.DRAFT,
        Dossier.Status.PREPARED,
        Dossier.Status.RETURNED,
    ):
        raise ValidationError(_("The dossier has been sent; its parts are final."))
    if dossier is None:
        dossier = _draft(current, addressee, nominees)
    stored: list[str] = []

    def issue(**arguments) -> IssuedDocument:
        document = document_issue(**arguments)
        stored.append(document.file.name)
        return document

    try:
        _issue_parts(current, dossier, addressee, nominees, actor, issue)
    except BaseException:
        # The transaction forgets the rows; the files stored so far go too.
        storage = IssuedDocument._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise
    return dossier


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
                        "selected": c.status == Candidate.Status.SELECTED,
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
    dossier.status = Dossier.Status.PREPARED
    dossier.save()


# --- The parts together -----------------------------------------------------------


@dataclass
class Part:
    title: str
    symbol: str
    pdf: bytes
    name: str


def parts(dossier: Dossier) -> list[Part]:
    """The dossier's documents in order, with the recognition decisions and the
    PDF records they refer to."""
    award_round = dossier.round
    found: list[Part] = []
    seen: set[int] = set()

    def add_document(document: IssuedDocument, title: str | None = None) -> None:
        if document is None or document.pk in seen:
            return
        seen.add(document.pk)
        found.append(
            Part(
                title or document.title,
                document.symbol,
                document_bytes(document),
                f"{len(found) + 1:02d}-{document.symbol.replace('/', '-')}.pdf",
            )
        )

    add_document(dossier.submission)
    add_document(dossier.excerpt)
    for candidate in selected(award_round):
        add_document(latest_summary(candidate))
        for entry in entries_of(candidate, award_round.year):
            if entry.decision is not None:
                add_document(
                    entry.decision,
                    f"Quyết định công nhận sáng kiến “{entry.title}”",
                )
        if candidate.kind == Candidate.Kind.COLLECTIVE:
            for record in MovementRecord.objects.filter(
                unit=candidate.unit, year=award_round.year
            ).exclude(file=""):
                with record.file.open("rb") as handle:
                    data = handle.read()
                if uploads.detect(data) is uploads.PDF:
                    found.append(
                        Part(
                            f"{record.get_kind_display().capitalize()}: {record.title}",
                            "",
                            data,
                            f"{len(found) + 1:02d}-tai-lieu-{record.pk}.pdf",
                        )
                    )
    return found


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def bundle(dossier: Dossier) -> tuple[bytes, list[dict]]:
    """One PDF: a table of contents, then every part. Returns the PDF and the
    table's rows (title, symbol, first page)."""
    found = parts(dossier)
    counts = [_pages(part.pdf) for part in found]
    context = {
        "round": dossier.round,
        "unit_name": dossier.round.unit.name,
    }
    toc_pages = 1
    for _attempt in range(3):
        rows, page = [], toc_pages + 1
        for part, count in zip(found, counts, strict=True):
            rows.append({"title": part.title, "symbol": part.symbol, "page": page})
            page += count
        toc = render_pdf("documents/award_bundle_toc.html", {**context, "rows": rows})
        if _pages(toc) == toc_pages:
            break
        toc_pages = _pages(toc)
    writer = PdfWriter()
    for pdf in [toc, *(part.pdf for part in found)]:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), rows


def archive(dossier: Dossier) -> bytes:
    """A ZIP of the parts as PDF, with Word versions of the Tờ trình and the
    summaries."""
    from awards import word

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for part in parts(dossier):
            zipped.writestr(part.name, part.pdf)
        for name, data in word.documents(dossier):
            zipped.writestr(name, data)
    return buffer.getvalue()


# --- Sending up -------------------------------------------------------------------


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


@transaction.atomic
def dossier_send(*, dossier: Dossier, actor: User) -> Dossier:
    current = _locked(dossier)
    if current.status != Dossier.Status.PREPARED or current.submission_id is None:
        raise ValidationError(_("Issue the dossier before sending it."))
    current.status = Dossier.Status.SENT
    current.sent_at = timezone.now()
    current.save(update_fields=["status", "sent_at"])
    return current


@transaction.atomic
def dossier_return(*, dossier: Dossier, actor: User, comments: str) -> Dossier:
    current = _locked(dossier)
    comments = nfc(comments or "").strip()
    if current.status != Dossier.Status.SENT:
        raise ValidationError(_("Only a dossier that was sent can be returned."))
    if not comments:
        raise ValidationError({"comments": _("Say what must be revised.")})
    current.status = Dossier.Status.RETURNED
    current.comments = comments
    current.answered_at, current.answered_by = timezone.now(), actor
    current.save(update_fields=["status", "comments", "answered_at", "answered_by"])
    return current


@transaction.atomic
def dossier_accept(*, dossier: Dossier, actor: User) -> Dossier:
    current = _locked(dossier)
    if current.status != Dossier.Status.SENT:
        raise ValidationError(_("Only a dossier that was sent can be accepted."))
    current.status = Dossier.Status.ACCEPTED
    current.answered_at, current.answered_by = timezone.now(), actor
    current.save(update_fields=["status", "answered_at", "answered_by"])
    return current


@transaction.atomic
def decision_record(
    *,
    dossier: Dossier,
    actor: User,
    award_form: AwardForm,
    symbol: str,
    issued_on,
    awardees: list[Candidate],
    upload=None,
) -> AwardDecision:
    """Record the award decision of the unit above for nominees of an accepted
    dossier; each awardee gets the award in their history."""
    current = _locked(dossier)
    symbol = nfc(symbol or "").strip()
    errors: dict = {}
    if current.status != Dossier.Status.ACCEPTED:
        errors[NON_FIELD_ERRORS] = _("Accept the dossier first.")
    if not symbol:
        errors["symbol"] = _('Give the number and symbol, e.g. "125/QĐ-LĐLĐ".')
    if issued_on is None:
        errors["issued_on"] = _("Give the date of the decision.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("The date cannot be in the future.")
    if not awardees:
        errors["awardees"] = _("Choose who is awarded.")
    nominees = {c.pk for c in selected(current.round)}
    if any(c.pk not in nominees for c in awardees):
        errors["awardees"] = _("Only nominees of this dossier can be awarded.")
    elif Award.objects.filter(candidate__in=awardees).exists():
        errors["awardees"] = _("Someone chosen already has an award for this dossier.")
    decision = AwardDecision(
        dossier=current,
        award_form=award_form,
        symbol=symbol,
        issued_on=issued_on,
        recorded_by=actor,
    )
    data = None
    if upload:
        try:
            data, kind = uploads.read_checked(upload)
        except ValidationError as error:
            errors["file"] = error.messages
        else:
            if kind is not uploads.PDF:
                errors["file"] = _("Upload the signed decision as a PDF.")
            decision.file_name = uploads.display_name(upload.name, kind)
    if errors:
        raise ValidationError(errors)
    if data is not None:
        decision.file.save("quyet-dinh.pdf", ContentFile(data), save=False)
    try:
        decision.save()
    except BaseException:
        if decision.file:
            decision.file.storage.delete(decision.file.name)
        raise
    awards = Award.objects.bulk_create(
        Award(
            decision=decision,
            candidate=c,
            unit=c.unit,
            person=c.person,
            award_form=award_form,
            year=current.round.year,
        )
        for c in awardees
    )
    audit_log.record_created(awards)
    return decision
