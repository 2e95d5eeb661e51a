"""The Gold Book services: confirming an entry (numbering, refusals, the snapshot of
what the entry says), annotating and revoking.

Refusals are checked as a Vietnamese user reads them: the exact text of the
Vietnamese catalogue, with the language switched to Vietnamese.
"""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import override

from core.text import fold
from goldbook import selectors, services
from goldbook.models import Annotation, GoldBook, GoldBookEntry
from initiatives.models import Attachment, CouncilItem, Initiative, Scope
from initiatives.services import AuthorData
from tests.goldbook.conftest import EVIDENCE, SUMMARY
from tests.initiatives.helpers import PDF_FILE
from units.models import Unit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
ONE_DAY = datetime.timedelta(days=1)

# What a Vietnamese user reads (locale/vi/LC_MESSAGES/django.po).
NOT_RECOGNISED = "Chỉ ghi vào sổ sáng kiến đã được Hội đồng công nhận."
NO_DECISION = (
    "Quyết định công nhận chưa được ban hành; vui lòng ban hành quyết định trước."
)
ALREADY_WRITTEN = "Sáng kiến này đã được ghi vào Sổ vàng."
NO_SUMMARY = "Vui lòng nhập hiệu quả sáng kiến mang lại để công bố công khai."
NO_EVIDENCE = "Vui lòng ghi rõ việc áp dụng vào thực tiễn đã được xác nhận như thế nào."
FOREIGN_FILE = "Tệp phải thuộc hồ sơ của đơn này."
FUTURE = "Ngày không được sau ngày hiện tại."
BEFORE_DECISION = "Ngày ghi sổ không được trước ngày công nhận."
NO_TEXT = "Vui lòng nhập nội dung đính chính hoặc ghi chú."
BAD_KIND = "Vui lòng chọn đính chính hoặc ghi chú."
ALREADY_REVOKED = "Mục ghi này đã bị thu hồi."
NO_REASON = "Vui lòng nêu lý do, ví dụ: quyết định hủy bỏ việc công nhận."
BAD_REVOKE_DATE = "Vui lòng nhập ngày từ ngày ghi sổ đến hôm nay."


def attachment_of(initiative: Initiative, user) -> Attachment:
    """A stored file of the request (the upload service only takes files while a
    request is editable; these requests are already before the council)."""
    attachment = Attachment(
        initiative=initiative,
        purpose=Attachment.Purpose.CONFIRMATION,
        original_name="xac-nhan-ap-dung.pdf",
        content_type="application/pdf",
        size=len(PDF_FILE),
        sha256=hashlib.sha256(PDF_FILE).hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save("xac-nhan.pdf", ContentFile(PDF_FILE), save=False)
    attachment.save()
    return attachment


def last_number(unit: Unit) -> int:
    book = GoldBook.objects.filter(unit=unit).first()
    return book.last_number if book else 0


def confirm(gold, item, **kwargs) -> GoldBookEntry:
    data = {
        "item": item,
        "actor": gold.keeper(item.council),
        "public_summary": SUMMARY,
        "application_evidence": EVIDENCE,
        **kwargs,
    }
    return services.entry_confirm(**data)


def decided_earlier(item: CouncilItem, days: int) -> CouncilItem:
    """Move the council's decision `days` back, as if the session was held then."""
    CouncilItem.objects.filter(pk=item.pk).update(decided_on=TODAY() - days * ONE_DAY)
    item.refresh_from_db()
    return item


@pytest.fixture
def past_entry(gold):
    """An entry of CB-A written 20 days ago, for a decision 30 days ago."""
    item = decided_earlier(gold.recognised(), 30)
    return confirm(gold, item, recorded_on=TODAY() - 20 * ONE_DAY)


# --- Numbering ---------------------------------------------------------------------


def test_numbers_run_from_one_in_each_book_independently(gold, cast):
    councils = cast.councils
    order = [
        councils.a,
        councils.province,
        councils.a,
        councils.b,
        councils.province,
        councils.a,
        councils.b,
    ]
    numbers = {}
    for council in order:
        entry = gold.entry(council)
        assert entry.book.unit == council.unit
        numbers.setdefault(council.unit.code, []).append(entry.number)

    assert numbers == {"CB-A": [1, 2, 3], "CB": [1, 2], "CB-B": [1, 2]}
    for code, expected in numbers.items():
        book = GoldBook.objects.get(unit__code=code)
        assert book.last_number == len(expected)
        assert list(
            book.entries.order_by("number").values_list("number", flat=True)
        ) == [*range(1, len(expected) + 1)]
    assert GoldBook.objects.count() == 3


FAILURES = [
    pytest.param(
        {"public_summary": "  \n\t "}, "public_summary", NO_SUMMARY, id="summary"
    ),
    pytest.param(
        {"application_evidence": ""}, "application_evidence", NO_EVIDENCE, id="evidence"
    ),
    pytest.param({"recorded_on": "tomorrow"}, "recorded_on", FUTURE, id="future"),
    pytest.param(
        {"recorded_on": "before"}, "recorded_on", BEFORE_DECISION, id="before-decision"
    ),
    pytest.param(
        {"evidence_file": "foreign"}, "evidence_file", FOREIGN_FILE, id="file"
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), FAILURES)
def test_a_refused_confirmation_takes_no_number(gold, cast, change, field, message):
    first = gold.entry()
    item = decided_earlier(gold.recognised(), 3)
    other = gold.recognised()
    values = {
        "tomorrow": TODAY() + ONE_DAY,
        "before": item.decided_on - ONE_DAY,
        "foreign": attachment_of(other.initiative, cast.a_staff),
    }
    kwargs = {key: values.get(value, value) for key, value in change.items()}

    with override("vi"), pytest.raises(ValidationError) as refused:
        confirm(gold, item, **kwargs)

    assert refused.value.message_dict == {field: [message]}
    assert last_number(cast.tree.a) == 1
    assert not GoldBookEntry.objects.filter(council_item=item).exists()

    second = confirm(gold, item)
    assert (first.number, second.number) == (1, 2)
    assert last_number(cast.tree.a) == 2


def test_every_missing_part_is_reported_at_once(gold, cast):
    item = gold.recognised()
    with override("vi"), pytest.raises(ValidationError) as refused:
        confirm(
            gold,
            item,
            public_summary="",
            application_evidence=" ",
            recorded_on=TODAY() + 2 * ONE_DAY,
        )
    assert refused.value.message_dict == {
        "public_summary": [NO_SUMMARY],
        "application_evidence": [NO_EVIDENCE],
        "recorded_on": [FUTURE],
    }
    assert last_number(cast.tree.a) == 0


def test_the_day_of_the_decision_and_today_are_accepted(gold):
    item = decided_earlier(gold.recognised(), 5)
    on_decision_day = confirm(gold, item, recorded_on=item.decided_on)
    assert on_decision_day.recorded_on == item.decided_on
    today = confirm(gold, gold.recognised())
    assert today.recorded_on == TODAY()
    assert (on_decision_day.number, today.number) == (1, 2)


# --- What may be written in ----------------------------------------------------------


def test_an_item_not_recognised_is_refused(gold, cast):
    council = cast.councils.a
    accepted = gold.kit.accept(council)
    rejected = gold.kit.accept(council)
    gold.kit.decide(council, rejected, yes=[], no=gold.board(council))
    rejected.refresh_from_db()
    assert rejected.status == CouncilItem.Status.NOT_RECOGNISED

    for item in (accepted, rejected):
        with override("vi"), pytest.raises(ValidationError) as refused:
            confirm(gold, item)
        assert refused.value.messages == [NOT_RECOGNISED]
    assert GoldBookEntry.objects.count() == 0
    assert last_number(cast.tree.a) == 0


def test_an_item_without_its_decision_is_refused(gold, cast):
    item = gold.recognised(decision=False)
    with override("vi"), pytest.raises(ValidationError) as refused:
        confirm(gold, item)
    assert refused.value.messages == [NO_DECISION]
    assert GoldBookEntry.objects.count() == 0
    assert last_number(cast.tree.a) == 0


def test_an_item_already_written_is_refused(gold, cast, entry):
    # A stale copy of the item, as a second browser tab would hold it.
    item = CouncilItem.objects.get(pk=entry.council_item_id)
    with override("vi"), pytest.raises(ValidationError) as refused:
        confirm(gold, item, public_summary="Lần ghi thứ hai.")
    assert refused.value.messages == [ALREADY_WRITTEN]
    assert GoldBookEntry.objects.filter(council_item=item).count() == 1
    assert last_number(cast.tree.a) == 1
    # The next recognition still takes the next number.
    assert gold.entry().number == 2


# --- What the entry says -------------------------------------------------------------


def test_the_entry_is_a_snapshot_of_the_recognition(gold, cast):
    council = cast.councils.a
    filer = gold.kit.person("Nguyễn Thị Hồng Nhung", unit=cast.tree.a1)
    item = gold.recognised(
        council,
        filer=filer,
        title="Sổ tay điện tử hướng dẫn chế độ thai sản cho đoàn viên nữ",
        authors=[
            AuthorData(
                user=filer,
                full_name=filer.full_name,
                share=Decimal("62.5"),
                workplace="Trường THPT Chuyên",
            ),
            AuthorData(
                full_name="Đặng Thị Ngọc Ánh",
                share=Decimal("37.5"),
                workplace="Trường Tiểu học",
            ),
        ],
    )
    initiative = item.initiative
    evidence_file = attachment_of(initiative, cast.a_staff)
    keeper = cast.a_staff

    entry = services.entry_confirm(
        item=item,
        actor=keeper,
        public_summary=f"  {SUMMARY}\n",
        application_evidence=EVIDENCE,
        evidence_file=evidence_file,
    )

    entry = GoldBookEntry.objects.get(pk=entry.pk)
    assert entry.book == GoldBook.objects.get(unit=cast.tree.a)
    assert entry.number == 1
    assert entry.title == "Sổ tay điện tử hướng dẫn chế độ thai sản cho đoàn viên nữ"
    assert entry.authors == [
        {
            "name": "Nguyễn Thị Hồng Nhung",
            "share": "62.50",
            "workplace": "Trường THPT Chuyên",
            "user_id": filer.pk,
        },
        {
            "name": "Đặng Thị Ngọc Ánh",
            "share": "37.50",
            "workplace": "Trường Tiểu học",
            "user_id": None,
        },
    ]
    # The unit that filed the request, not the one whose book it is.
    assert entry.unit_name == "Công đoàn Trường THPT Chuyên"
    assert entry.field_name
    assert entry.field_name == initiative.field.name
    assert entry.scope == Scope.UPPER
    assert entry.year == item.decided_on.year
    assert entry.recorded_on == TODAY()
    assert entry.decision_id == item.decision_id
    assert entry.decision.symbol.endswith("/QĐ-HĐSK")
    assert entry.council_item_id == item.pk
    assert entry.initiative_id == initiative.pk
    assert entry.recorded_by == keeper
    assert entry.evidence_file == evidence_file
    assert entry.public_summary == SUMMARY
    assert entry.application_evidence == EVIDENCE
    assert entry.status == GoldBookEntry.Status.ACTIVE
    assert entry.revoked_on is None
    assert entry.author_names == "Nguyễn Thị Hồng Nhung, Đặng Thị Ngọc Ánh"
    # The search key carries public fields only.
    assert fold("Sổ tay điện tử") in entry.search_text
    assert fold("Đặng Thị Ngọc Ánh") in entry.search_text
    assert fold(SUMMARY) in entry.search_text
    assert fold("Ban Thường vụ") not in entry.search_text


def test_later_edits_elsewhere_do_not_rewrite_the_entry(gold, cast, entry):
    said = GoldBookEntry.objects.filter(pk=entry.pk).values().get()
    Initiative.objects.filter(pk=entry.initiative_id).update(title="Tên đã sửa")
    entry.initiative.authors.update(full_name="Tên tác giả đã sửa", workplace="Khác")
    Unit.objects.filter(pk=cast.tree.a1.pk).update(name="Công đoàn đã đổi tên")

    assert GoldBookEntry.objects.filter(pk=entry.pk).values().get() == said
    assert said["title"] != "Tên đã sửa"
    assert "Tên tác giả đã sửa" not in str(said["authors"])
    assert said["unit_name"] == "Công đoàn Trường THPT Chuyên"


def test_the_year_is_the_year_of_the_recognition(gold):
    item = gold.recognised()
    last_december = datetime.date(TODAY().year - 1, 12, 20)
    CouncilItem.objects.filter(pk=item.pk).update(decided_on=last_december)
    item.refresh_from_db()
    entry = confirm(gold, item)
    assert entry.recorded_on == TODAY()
    assert entry.year == TODAY().year - 1


# --- Annotations ---------------------------------------------------------------------


def test_an_annotation_is_dated_today_and_leaves_the_entry_as_it_was(
    gold, cast, past_entry
):
    before = GoldBookEntry.objects.filter(pk=past_entry.pk).values().get()
    correction = services.entry_annotate(
        entry=past_entry,
        actor=cast.a_staff,
        text="  Đính chính: tên đồng tác giả là “Đặng Thị Ngọc Ánh”.  ",
    )
    note = services.entry_annotate(
        entry=past_entry,
        actor=cast.a_admin,
        text="Đã trình Hội đồng thi đua xem xét nâng bậc lương trước thời hạn.",
        kind=Annotation.Kind.NOTE,
    )

    assert past_entry.recorded_on == TODAY() - 20 * ONE_DAY
    correction.refresh_from_db()
    assert correction.kind == Annotation.Kind.CORRECTION
    assert correction.text == "Đính chính: tên đồng tác giả là “Đặng Thị Ngọc Ánh”."
    assert correction.written_on == TODAY()
    assert correction.written_by == cast.a_staff
    assert note.kind == Annotation.Kind.NOTE
    assert note.written_by == cast.a_admin
    assert list(past_entry.annotations.all()) == [correction, note]
    assert GoldBookEntry.objects.filter(pk=past_entry.pk).values().get() == before


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_an_empty_annotation_is_refused(cast, entry, text):
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.entry_annotate(entry=entry, actor=cast.a_staff, text=text)
    assert refused.value.message_dict == {"text": [NO_TEXT]}
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize("kind", [Annotation.Kind.REVOCATION, "xoa", ""])
def test_an_annotation_of_another_kind_is_refused(cast, entry, kind):
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.entry_annotate(
            entry=entry, actor=cast.a_staff, text="Ghi chú hợp lệ.", kind=kind
        )
    assert refused.value.message_dict == {"kind": [BAD_KIND]}
    assert Annotation.objects.count() == 0
    entry.refresh_from_db()
    assert entry.status == GoldBookEntry.Status.ACTIVE


# --- Revocation ----------------------------------------------------------------------

REASON = (
    "Quyết định số 03/QĐ-HĐSK hủy bỏ công nhận: trùng với sáng kiến đã công nhận "
    "năm trước."
)


def test_a_revoked_entry_stays_in_the_book_with_its_reason(gold, cast, past_entry):
    book = past_entry.book
    later = gold.entry()
    said = GoldBookEntry.objects.filter(pk=past_entry.pk).values(
        "number", "title", "authors", "public_summary", "recorded_on", "year"
    )
    before = said.get()
    day = TODAY() - 5 * ONE_DAY

    revoked = services.entry_revoke(
        entry=past_entry, actor=cast.a_admin, reason=f" {REASON}\n", revoked_on=day
    )

    current = GoldBookEntry.objects.get(pk=past_entry.pk)
    assert revoked.pk == current.pk
    assert current.status == GoldBookEntry.Status.REVOKED
    assert current.is_revoked
    assert current.revoked_on == day
    assert current.revoked_reason == REASON
    assert current.revoked_by == cast.a_admin
    assert said.get() == before
    # Still in the book, with its number; no number is given again.
    assert list(selectors.book_entries(book)) == [current, later]
    book.refresh_from_db()
    assert book.last_number == 2
    (annotation,) = current.annotations.all()
    assert annotation.kind == Annotation.Kind.REVOCATION
    assert annotation.text == REASON
    assert annotation.written_on == day
    assert annotation.written_by == cast.a_admin
    # The next entry still takes the next number.
    assert gold.entry().number == 3


def test_revoking_defaults_to_today(cast, entry):
    revoked = services.entry_revoke(entry=entry, actor=cast.a_staff, reason=REASON)
    assert revoked.revoked_on == TODAY()
    assert entry.annotations.get().written_on == TODAY()


@pytest.mark.parametrize("days_ago", [20, 0], ids=["entry-day", "today"])
def test_the_revocation_may_be_dated_on_either_bound(cast, past_entry, days_ago):
    day = TODAY() - days_ago * ONE_DAY
    revoked = services.entry_revoke(
        entry=past_entry, actor=cast.a_staff, reason=REASON, revoked_on=day
    )
    assert revoked.revoked_on == day


@pytest.mark.parametrize("days_ago", [21, -1, 400], ids=["before", "future", "long"])
def test_a_revocation_dated_outside_entry_and_today_is_refused(
    cast, past_entry, days_ago
):
    day = TODAY() - days_ago * ONE_DAY
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.entry_revoke(
            entry=past_entry, actor=cast.a_staff, reason=REASON, revoked_on=day
        )
    assert refused.value.message_dict == {"revoked_on": [BAD_REVOKE_DATE]}
    unchanged(past_entry)


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_a_revocation_needs_its_reason(cast, entry, reason):
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.entry_revoke(entry=entry, actor=cast.a_staff, reason=reason)
    assert refused.value.message_dict == {"reason": [NO_REASON]}
    unchanged(entry)


def test_an_entry_is_revoked_once(cast, entry):
    services.entry_revoke(entry=entry, actor=cast.a_staff, reason=REASON)
    # `entry` is the stale copy read before the revocation.
    assert entry.status == GoldBookEntry.Status.ACTIVE
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.entry_revoke(
            entry=entry, actor=cast.a_admin, reason="Lần thu hồi thứ hai."
        )
    assert refused.value.messages == [ALREADY_REVOKED]
    current = GoldBookEntry.objects.get(pk=entry.pk)
    assert current.revoked_reason == REASON
    assert current.revoked_by == cast.a_staff
    assert current.annotations.count() == 1


def unchanged(entry: GoldBookEntry) -> None:
    """A refused revocation left the entry in force and wrote no annotation."""
    current = GoldBookEntry.objects.get(pk=entry.pk)
    assert current.status == GoldBookEntry.Status.ACTIVE
    assert current.revoked_on is None
    assert current.revoked_reason == ""
    assert current.revoked_by is None
    assert Annotation.objects.filter(entry=entry).count() == 0
