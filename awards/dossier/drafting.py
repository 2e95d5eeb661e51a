"""The draft of a round's dossier: the texts of the Tờ trình and of each
nominee's summary report written from the data, and edited by staff before
anything is numbered."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.lifecycle import candidate as candidate_lifecycle
from awards.lifecycle import dossier as lifecycle
from awards.lifecycle import round as round_lifecycle
from awards.models import AwardRound, Candidate, Dossier, MovementRecord, SelectingBody
from core.text import nfc
from goldbook.models import GoldBookEntry
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
        award_round.candidates.filter(status__in=candidate_lifecycle.SELECTED)
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


@transaction.atomic
def summary_set(*, candidate: Candidate, actor: User, text: str) -> Candidate:
    """Edit a nominee's summary text while the dossier is a draft (or returned)."""
    # The dossier's row is locked so that issuing cannot number the summary
    # between this check and the save.
    lifecycle.check_editable(
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
    lifecycle.check_editable(current)
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the Tờ trình.")})
    current.submission_text = text
    current.save(update_fields=["submission_text"])
    return current


def _checked_round(award_round: AwardRound) -> tuple[AwardRound, Unit, list]:
    current = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    round_lifecycle.check_selected(current)
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
        status=lifecycle.INITIAL,
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
