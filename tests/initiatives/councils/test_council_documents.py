"""What a closed session issues, each in the council's own series: the minutes,
an excerpt per agenda item, one decision for every initiative it recognised, a
certificate per author and a refusal notice per refused request."""

import hashlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from documents.header import upper_vi
from documents.models import IssuedDocument
from documents.services import document_bytes, document_verify
from initiatives.services import AuthorData
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services
from tests.initiatives.pdf_helpers import flat, pdf_raw_text, pdf_text, word_boxes

pytestmark = pytest.mark.django_db

TITLES = {
    "r1": "Sổ tay điện tử hướng dẫn chế độ cho đoàn viên",
    "r2": "Ứng dụng bảng tính theo dõi đoàn phí",
    "nr": "Hòm thư góp ý bằng giấy đặt tại cổng trường",
    "d": "Lịch trực công đoàn trên nhóm nhắn tin",
}
TYPED = "Đặng Thị Ngọc Ánh"
REFUSAL = "Giải pháp đã được áp dụng rộng rãi trước đây, không có tính mới."


def text_of(document) -> str:
    """The document's text in drawing order (table cells whole), spaces folded."""
    return flat(pdf_raw_text(document_bytes(document)))


@pytest.fixture
def meeting(kit, seated, council):
    """Council of CB-A, four members, one absent; a session recognising two
    requests (one with a typed co-author), refusing one and deferring one (a tie).
    """
    board = seated(4)
    first_author = kit.person("Lưu Văn Đức", unit=kit.tree.a1)
    items = {
        "r1": kit.accept(
            council,
            filer=first_author,
            title=TITLES["r1"],
            authors=[
                AuthorData(
                    user=first_author,
                    full_name=first_author.full_name,
                    share=Decimal("60"),
                ),
                AuthorData(full_name=TYPED, share=Decimal("40")),
            ],
        ),
        "r2": kit.accept(council, filer=kit.person("Chu Thị Lan"), title=TITLES["r2"]),
        "nr": kit.accept(council, filer=kit.person("Ma Văn Tú"), title=TITLES["nr"]),
        "d": kit.accept(council, filer=kit.person("Hà Thị Mai"), title=TITLES["d"]),
    }
    criteria = list(council.criteria.order_by("order"))
    sheets = [("25", "20", "25", "10", True), ("20", "20", "21", "10", True)]
    sheets.append(("5", "5", "5", "5", False))  # a draft: not in the average
    for member, (*values, submit) in zip(board.members, sheets, strict=False):
        council_services.score_sheet_save(
            item=items["r1"],
            member=member,
            points={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
            comments="",
            submit=submit,
        )
    present = board.members[:3]
    session = kit.session(council, items.values(), present=present)
    agenda = {key: kit.agenda_item(session, item) for key, item in items.items()}
    first, second, third = present
    kit.vote(agenda["r1"], yes=present)
    kit.vote(agenda["r2"], yes=present)
    kit.vote(agenda["nr"], yes=[first], no=[second, third])
    kit.vote(agenda["d"], yes=[first], no=[second])
    session_services.agenda_note(agenda_item=agenda["nr"], note=REFUSAL, actor=None)
    kit.close(session)
    for agenda_item in agenda.values():
        agenda_item.refresh_from_db()
    assert [agenda[k].outcome for k in ("r1", "r2", "nr", "d")] == [
        "recognised",
        "recognised",
        "not_recognised",
        "deferred",
    ]
    return SimpleNamespace(
        board=board,
        council=council,
        session=session,
        items=items,
        agenda=agenda,
        absent=board.members[3],
    )


def issue(meeting):
    return session_services.session_documents_issue(
        session=meeting.session, actor=meeting.board.secretary.user
    )


def of_kind(documents, kind):
    return [d for d in documents if d.kind == kind]


def about(document):
    """The request a document is about (its subject), if it is one."""
    return document.object_id if document.content_type.model == "initiative" else None


# --- What is issued ---------------------------------------------------------------


def test_a_closed_session_issues_every_document_in_the_councils_series(meeting):
    documents = issue(meeting)

    assert [(d.kind, d.symbol) for d in documents] == [
        ("minutes", "01/BB-HĐSK"),
        ("minutes_excerpt", "01/TrBB-HĐSK"),
        ("minutes_excerpt", "02/TrBB-HĐSK"),
        ("minutes_excerpt", "03/TrBB-HĐSK"),
        ("minutes_excerpt", "04/TrBB-HĐSK"),
        ("decision", "01/QĐ-HĐSK"),
        ("certificate", "01/GCN-HĐSK"),
        ("certificate", "02/GCN-HĐSK"),
        ("certificate", "03/GCN-HĐSK"),
        ("notice", "01/TB-HĐSK"),
    ]
    for document in documents:
        assert document.series.unit == meeting.council.unit
        assert document.series.code == document.symbol.split("/", 1)[1]
        assert document.issued_by == meeting.board.secretary.user
    session = meeting.session
    session.refresh_from_db()
    assert session.minutes == documents[0]
    for key, document in zip(("r1", "r2", "nr", "d"), documents[1:5], strict=True):
        agenda_item = meeting.agenda[key]
        agenda_item.refresh_from_db()
        assert agenda_item.excerpt == document
        assert about(document) == agenda_item.item.initiative_id
    decision = documents[5]
    for key in ("r1", "r2"):
        meeting.items[key].refresh_from_db()
        assert meeting.items[key].decision == decision
    for key in ("nr", "d"):
        meeting.items[key].refresh_from_db()
        assert meeting.items[key].decision is None
    assert [about(d) for d in documents[6:9]] == [
        meeting.items["r1"].initiative_id,
        meeting.items["r1"].initiative_id,
        meeting.items["r2"].initiative_id,
    ]
    assert about(documents[9]) == meeting.items["nr"].initiative_id


def test_issuing_again_issues_nothing_new(meeting):
    first = issue(meeting)
    before = {d.pk: d.sha256 for d in IssuedDocument.objects.all()}
    assert issue(meeting) == []
    assert issue(meeting) == []
    assert {d.pk: d.sha256 for d in IssuedDocument.objects.all()} == before
    for document in first:
        assert document_verify(document)
        assert hashlib.sha256(document_bytes(document)).hexdigest() == document.sha256


@pytest.mark.parametrize("opened", [False, True])
def test_no_documents_before_closing(opened, kit, board, accepted):
    session = kit.session(board.council, [accepted], open_it=opened)
    if opened:
        kit.vote(kit.agenda_item(session, accepted), yes=board.members)
    with pytest.raises(ValidationError):
        session_services.session_documents_issue(session=session, actor=None)
    assert not IssuedDocument.objects.filter(series__code__endswith="-HĐSK").exists()
    session.refresh_from_db()
    assert session.minutes is None


def test_a_later_session_continues_the_series(meeting, kit):
    issue(meeting)
    deferred = meeting.items["d"]
    present = meeting.board.members[:3]
    later = kit.session(meeting.council, [deferred], present=present)
    kit.vote(kit.agenda_item(later, deferred), yes=present)
    kit.close(later)
    documents = session_services.session_documents_issue(session=later, actor=None)
    assert [d.symbol for d in documents] == [
        "02/BB-HĐSK",
        "05/TrBB-HĐSK",
        "02/QĐ-HĐSK",
        "04/GCN-HĐSK",
    ]
    text = text_of(documents[2])
    assert TITLES["d"] in text
    assert TITLES["r1"] not in text and TITLES["r2"] not in text
    # The first session's documents were not issued again.
    assert issue(meeting) == []


def test_a_session_recognising_nothing_issues_no_decision(kit, board, accepted):
    session = kit.session(board.council, [accepted])
    kit.vote(kit.agenda_item(session, accepted), no=board.members)
    kit.close(session)
    documents = session_services.session_documents_issue(session=session, actor=None)
    assert [d.kind for d in documents] == ["minutes", "minutes_excerpt", "notice"]
    accepted.refresh_from_db()
    assert accepted.decision is None


# --- What they say -------------------------------------------------------------------


def test_every_document_has_the_councils_header(meeting):
    for document in issue(meeting):
        pdf = document_bytes(document)
        text = flat(pdf_text(pdf))
        assert "CÔNG ĐOÀN NGÀNH GIÁO DỤC HỘI ĐỒNG SÁNG KIẾN" in text
        assert f"Số: {document.symbol}" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        words = word_boxes(pdf)
        unit_line = next(w for w in words if w.text == "NGÀNH")
        council_line = next(w for w in words if w.text == "SÁNG")
        # The council under the unit's name, both in the left-hand block.
        assert unit_line.y_min < council_line.y_min
        assert council_line.x_max < 300


def test_the_minutes(meeting):
    minutes = of_kind(issue(meeting), "minutes")[0]
    text = text_of(minutes)
    assert "BIÊN BẢN" in text
    assert "Hội đồng có 4 thành viên; có mặt 3 thành viên" in text
    assert "đủ số thành viên tham dự theo quy định, tối thiểu 3" in text
    members = meeting.board.members
    for member, role, presence in [
        (members[0], "Chủ tịch Hội đồng", "Có mặt"),
        (members[1], "Thư ký Hội đồng", "Có mặt"),
        (members[2], "Phó Chủ tịch Hội đồng", "Có mặt"),
        (members[3], "Chuyên gia", "Vắng"),
    ]:
        row = f"{member.user.full_name} {role}, Cán bộ công đoàn {presence}"
        assert row in text
    assert "hình thức biểu quyết: bỏ phiếu kín" in text
    assert "ít nhất 3/4 thành viên Hội đồng đồng ý" in text
    rows = [
        f"1 {TITLES['r1']} Lưu Văn Đức (60,00%); {TYPED} (40,00%) 75,50 3 / 0 Đạt",
        f"2 {TITLES['r2']} {meeting.items['r2'].initiative.authors.get().full_name}"
        " (100,00%) — 3 / 0 Đạt",
        f"3 {TITLES['nr']} Ma Văn Tú (100,00%) — 1 / 2 Không đạt — không công nhận",
        f"4 {TITLES['d']} Hà Thị Mai (100,00%) — 1 / 1 Hoãn xem xét",
    ]
    for row in rows:
        assert row in text
    assert f"{TITLES['nr']}: {REFUSAL}" in text
    assert f"{TITLES['d']}: Số phiếu đồng ý và không đồng ý bằng nhau" in text
    assert "Hoàng Thị Thư" in text and "Nông Văn Chủ" in text


def test_one_excerpt_per_agenda_item(meeting):
    excerpts = of_kind(issue(meeting), "minutes_excerpt")
    expected = {
        "r1": ("3 thành viên đồng ý, 0 thành viên không đồng ý", "Đạt", "75,50"),
        "r2": ("3 thành viên đồng ý, 0 thành viên không đồng ý", "Đạt", "không có"),
        "nr": ("1 thành viên đồng ý, 2 thành viên không đồng ý", "Không đạt", REFUSAL),
        "d": ("1 thành viên đồng ý, 1 thành viên không đồng ý", "Hoãn", "bằng nhau"),
    }
    for key, document in zip(("r1", "r2", "nr", "d"), excerpts, strict=True):
        text = text_of(document)
        assert "TRÍCH BIÊN BẢN" in text
        assert f"Sáng kiến: {TITLES[key]}." in text
        assert [t for t in TITLES.values() if t in text] == [TITLES[key]]
        tally, verdict, detail = expected[key]
        assert f"Kết quả biểu quyết: {tally}; cần ít nhất 3/4" in text
        assert f"Kết luận: {verdict}" in text
        assert detail in text
        assert "họp với 3/4 thành viên có mặt" in text


def test_one_decision_lists_every_recognised_initiative(meeting):
    (decision,) = of_kind(issue(meeting), "decision")
    text = text_of(decision)
    assert "QUYẾT ĐỊNH Về việc công nhận sáng kiến" in text
    assert "HỘI ĐỒNG SÁNG KIẾN CÔNG ĐOÀN NGÀNH GIÁO DỤC NĂM" in text
    assert "Công nhận 2 sáng kiến có phạm vi ảnh hưởng cấp trên trực tiếp cơ sở" in text
    r2_author = meeting.items["r2"].initiative.authors.get().full_name
    assert (
        f"1 {TITLES['r1']} Lưu Văn Đức (60,00%) {TYPED} (40,00%) "
        "Công đoàn Trường THPT Chuyên" in text
    )
    assert f"2 {TITLES['r2']} {r2_author} (100,00%)" in text
    assert TITLES["nr"] not in text and TITLES["d"] not in text
    assert "TM. HỘI ĐỒNG CHỦ TỊCH Nông Văn Chủ" in text


def test_a_certificate_for_every_author(meeting):
    certificates = of_kind(issue(meeting), "certificate")
    r2_author = meeting.items["r2"].initiative.authors.get().full_name
    expected = [
        ("Lưu Văn Đức", "60,00%", TITLES["r1"]),
        (TYPED, "40,00%", TITLES["r1"]),
        (r2_author, "100,00%", TITLES["r2"]),
    ]
    assert len(certificates) == len(expected)
    for document, (name, share, title) in zip(certificates, expected, strict=True):
        text = text_of(document)
        assert "GIẤY CHỨNG NHẬN SÁNG KIẾN" in text
        assert f"Ông/Bà: {name}." in text
        assert f"tỷ lệ đóng góp {share}" in text
        assert f"của sáng kiến: {title}." in text
        assert "Phạm vi ảnh hưởng: cấp trên trực tiếp cơ sở." in text
        assert "Quyết định số 01/QĐ-HĐSK" in text
        assert name in document.title


def test_a_refusal_notice_with_the_reasons(meeting):
    (notice,) = of_kind(issue(meeting), "notice")
    text = text_of(notice)
    assert "THÔNG BÁO Về việc không công nhận sáng kiến" in text
    assert "Kính gửi: Ma Văn Tú" in text
    assert f"“{TITLES['nr']}”" in text
    assert "1 thành viên đồng ý, 2 thành viên không đồng ý; cần ít nhất 3/4" in text
    assert f"Lý do: {REFUSAL}" in text


def test_a_refusal_without_a_note_gives_the_standard_reason(kit, board, accepted):
    session = kit.session(board.council, [accepted])
    kit.vote(kit.agenda_item(session, accepted), yes=board.members[:3])
    kit.close(session)
    documents = session_services.session_documents_issue(session=session, actor=None)
    (notice,) = of_kind(documents, "notice")
    assert (
        "Lý do: Số thành viên Hội đồng đồng ý (3/5) chưa đạt tỷ lệ quy định "
        "(cần ít nhất 4)." in text_of(notice)
    )


# --- Each council its own series ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "scope"),
    [("a1", "cấp cơ sở"), ("province", "cấp tỉnh"), ("b", "cấp trên trực tiếp cơ sở")],
)
def test_each_council_numbers_its_own_documents(name, scope, kit, cast):
    council = getattr(cast.councils, name)
    members = kit.seat(council, 3)
    item = kit.recognised(council, members)
    session = item.agenda_entries.get().session
    documents = session_services.session_documents_issue(session=session, actor=None)
    decision = of_kind(documents, "decision")[0]
    # The council's series, without the unit's abbreviation (the province's is
    # "LĐLĐ", and its receipts carry it).
    assert decision.symbol == "01/QĐ-HĐSK"
    assert decision.series.unit == council.unit
    text = text_of(decision)
    assert f"phạm vi ảnh hưởng {scope}" in text
    assert f"{upper_vi(council.unit.name)} HỘI ĐỒNG SÁNG KIẾN" in text
    certificate = of_kind(documents, "certificate")[0]
    assert f"Phạm vi ảnh hưởng: {scope}." in text_of(certificate)


def test_the_units_own_series_keep_its_abbreviation(kit, cast):
    council = cast.councils.province
    members = kit.seat(council, 3)
    item = kit.recognised(council, members)
    receipt = IssuedDocument.objects.get(kind="receipt", object_id=item.initiative_id)
    assert receipt.symbol == "01/GBN-LĐLĐ"
    session = item.agenda_entries.get().session
    documents = session_services.session_documents_issue(session=session, actor=None)
    assert all(not d.symbol.endswith("LĐLĐ") for d in documents)
    assert all(d.symbol.endswith("-HĐSK") for d in documents)


def test_a_council_with_its_own_code(kit, cast, council):
    council_services.council_update(council=council, actor=cast.a_admin, code="HĐSK-GD")
    council.refresh_from_db()
    members = kit.seat(council, 3)
    item = kit.recognised(council, members)
    session = item.agenda_entries.get().session
    documents = session_services.session_documents_issue(session=session, actor=None)
    assert [d.symbol for d in documents] == [
        "01/BB-HĐSK-GD",
        "01/TrBB-HĐSK-GD",
        "01/QĐ-HĐSK-GD",
        "01/GCN-HĐSK-GD",
    ]
