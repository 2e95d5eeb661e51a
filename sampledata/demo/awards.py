"""Demo data for the movement and its awards, this year: launches, propagation,
reviews and an inspection in the education union and its schools, its emulation
pact, the ratings of its unions and of a school's members; a school's finished
round (its executive committee selected its officer, the dossier went up to the
education union, which awarded her a Giấy khen) and the education union's open
round, where one school still falls short and the school's chair is attested.

Dates are this year's, never later than today, so the demo stays true whenever it
is loaded. Running it again changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from awards import dossier as dossiers
from awards import services
from awards.models import (
    AwardForm,
    AwardRound,
    Candidate,
    MemberGrade,
    MemberRating,
    MovementRecord,
    Pact,
    UnitRating,
    UnitRatingLevel,
)
from awards.services import OfferData, SignatoryData
from units.models import Unit, User

# (unit, kind, month, day, title, summary, inspected unit)
RECORDS = [
    (
        "CB-GD",
        MovementRecord.Kind.LAUNCH,
        2,
        20,
        "Hội nghị phát động phong trào “Đổi mới, sáng tạo, hiệu quả” ngành Giáo dục",
        "Phát động tại Hội nghị giao ban quý I, 42 công đoàn cơ sở dự.",
        None,
    ),
    (
        "CB-GD-THPTC",
        MovementRecord.Kind.LAUNCH,
        3,
        2,
        "Phát động phong trào tại Hội nghị cán bộ, công chức, viên chức",
        "Ban Chấp hành phát động, 100% tổ công đoàn đăng ký tham gia.",
        None,
    ),
    (
        "CB-GD-THPTC",
        MovementRecord.Kind.PROPAGATION,
        3,
        20,
        "Tuyên truyền phong trào trên nhóm Zalo và bảng tin công đoàn",
        "12 bài viết, 3 buổi sinh hoạt chuyên đề ở các tổ công đoàn.",
        None,
    ),
    (
        "CB-GD-THPTC",
        MovementRecord.Kind.INTERIM_REVIEW,
        7,
        15,
        "Sơ kết 6 tháng đầu năm phong trào thi đua",
        "Đánh giá 9 đăng ký sáng kiến, biểu dương 2 tổ công đoàn.",
        None,
    ),
    (
        "CB-GD-THPTTP",
        MovementRecord.Kind.LAUNCH,
        3,
        10,
        "Phát động phong trào thi đua năm học",
        "",
        None,
    ),
    (
        "CB-GD",
        MovementRecord.Kind.INSPECTION,
        10,
        8,
        "Kiểm tra việc tổ chức phong trào tại Công đoàn Trường THPT Chuyên",
        "Đơn vị triển khai đầy đủ; đề nghị lập Sổ vàng sáng kiến của cơ sở.",
        "CB-GD-THPTC",
    ),
]

PACT_TITLE = "Giao ước thi đua các công đoàn cơ sở ngành Giáo dục năm {year}"
PACT_SIGNERS = [
    ("CB-GD-THPTC", "Nguyễn Thị Mai", "Chủ tịch CĐCS"),
    ("CB-GD-THPTTP", "Hà Văn Thành", "Chủ tịch CĐCS"),
    ("CB-GD-CDSP", "Lý Thị Hoa", "Chủ tịch CĐCS"),
    ("CB-GD-THHA", "Đinh Văn Tiến", "Chủ tịch CĐCS"),
]
UNIT_RATINGS = [
    ("CB-GD-THPTC", "Công đoàn vững mạnh xuất sắc"),
    ("CB-GD-THPTTP", "Hoàn thành tốt nhiệm vụ"),
    ("CB-GD-CDSP", "Công đoàn vững mạnh"),
]
MEMBER_RATINGS = [
    ("canbo.thptchuyen", MemberGrade.EXCELLENT),
    ("hotro.thptchuyen", MemberGrade.EXCELLENT),
    ("doanvien.thptchuyen", MemberGrade.GOOD),
]
SCHOOL_ROUND = "Xét chọn, biểu dương cá nhân có sáng kiến năm {year}"
UNION_ROUND = "Xét khen thưởng phong trào “Đổi mới, sáng tạo, hiệu quả” năm {year}"


def _day(year: int, month: int, dom: int) -> datetime.date:
    return min(datetime.date(year, month, dom), timezone.localdate())


def _records(year, units, users) -> int:
    added = 0
    keeper = users["thidua.giaoduc"]
    for code, kind, month, dom, title, summary, inspected in RECORDS:
        unit = units[code]
        if MovementRecord.objects.filter(unit=unit, year=year, title=title).exists():
            continue
        services.record_create(
            unit=unit,
            actor=keeper,
            kind=kind,
            year=year,
            held_on=_day(year, month, dom),
            title=title,
            summary=summary,
            inspected_unit=units[inspected] if inspected else None,
        )
        added += 1
    title = PACT_TITLE.format(year=year)
    if not Pact.objects.filter(organizer=units["CB-GD"], year=year, title=title):
        services.pact_create(
            organizer=units["CB-GD"],
            actor=keeper,
            year=year,
            signed_on=_day(year, 3, 5),
            title=title,
            content=(
                "Tổ chức cho 100% đoàn viên đăng ký sáng kiến; mỗi công đoàn cơ sở "
                "có ít nhất 01 sáng kiến được công nhận trong năm."
            ),
            signatories=[
                SignatoryData(unit=units[code], signer_name=name, signer_position=pos)
                for code, name, pos in PACT_SIGNERS
            ],
        )
        added += 1
    return added


def _ratings(year, units, users) -> int:
    added = 0
    levels = {level.name: level for level in UnitRatingLevel.objects.all()}
    for code, level in UNIT_RATINGS:
        if not UnitRating.objects.filter(unit=units[code], year=year).exists():
            services.unit_rating_set(
                unit=units[code],
                year=year,
                level=levels[level],
                actor=users["thidua.giaoduc"],
            )
            added += 1
    for username, grade in MEMBER_RATINGS:
        if not MemberRating.objects.filter(user=users[username], year=year).exists():
            services.member_rating_set(
                user=users[username],
                unit=units["CB-GD-THPTC"],
                year=year,
                grade=grade,
                actor=users["canbo.thptchuyen"],
            )
            added += 1
    return added


def _school_round(year, units, users) -> int:
    """The school's executive committee selected its officer for "Biểu dương"."""
    title = SCHOOL_ROUND.format(year=year)
    school = units["CB-GD-THPTC"]
    if AwardRound.objects.filter(unit=school, year=year, title=title).exists():
        return 0
    chair = users["canbo.thptchuyen"]
    praise = AwardForm.objects.get(name="Giấy khen")
    award_round = services.round_create(
        unit=school,
        actor=chair,
        year=year,
        title=title,
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        offers=[OfferData(award_form=praise, quota=3)],
    )
    for username in ("canbo.thptchuyen", "doanvien.thptchuyen"):
        candidate = services.candidate_add(
            award_round=award_round, actor=chair, person=users[username]
        )
        services.attest(
            candidate=candidate,
            actor=chair,
            criterion="compliance",
            met=True,
            note="Chấp hành tốt; không vi phạm kỷ luật trong năm.",
        )
    nominee = award_round.candidates.get(person=chair)
    services.nominate(
        candidate=nominee,
        actor=chair,
        award_form=praise,
        achievements=(
            "Tác giả sáng kiến tuyên truyền pháp luật lao động qua nhóm Zalo, được "
            "Hội đồng sáng kiến ngành Giáo dục công nhận và ghi Sổ vàng."
        ),
    )
    services.selection_record(
        award_round=award_round,
        actor=chair,
        held_on=timezone.localdate(),
        place="Phòng họp Hội đồng trường",
        chaired_by=chair.full_name,
        members_total=7,
        members_present=7,
        votes={nominee.pk: 7},
    )
    # The dossier goes up to the education union, which awards the officer.
    dossier = dossiers.dossier_issue(award_round=award_round, actor=chair)
    dossier = dossiers.dossier_send(dossier=dossier, actor=chair)
    upper = users["thidua.giaoduc"]
    dossier = dossiers.dossier_accept(dossier=dossier, actor=upper)
    dossiers.decision_record(
        dossier=dossier,
        actor=upper,
        award_form=praise,
        symbol="45/QĐ-CĐN",
        issued_on=timezone.localdate(),
        awardees=[nominee],
    )
    return 1


def _union_round(year, units, users) -> int:
    """The education union's round is open; its schools are candidates."""
    title = UNION_ROUND.format(year=year)
    union = units["CB-GD"]
    if AwardRound.objects.filter(unit=union, year=year, title=title).exists():
        return 0
    staff = users["thidua.giaoduc"]
    award_round = services.round_create(
        unit=union,
        actor=staff,
        year=year,
        title=title,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        offers=[
            OfferData(award_form=AwardForm.objects.get(name="Giấy khen"), quota=5),
            OfferData(award_form=AwardForm.objects.get(name="Cờ thi đua"), quota=1),
        ],
        note="Hồ sơ gửi về Ban Thường vụ Công đoàn ngành trước hạn.",
    )
    services.candidates_suggest(award_round=award_round, actor=staff)
    school = award_round.candidates.filter(
        kind=Candidate.Kind.COLLECTIVE, unit=units["CB-GD-THPTC"]
    ).first()
    if school is not None:
        services.attest(
            candidate=school,
            actor=staff,
            criterion="compliance",
            met=True,
            note="Nội bộ đoàn kết; chấp hành tốt chủ trương, nghị quyết.",
        )
    return 1


def _union_round_individual(year, units, users) -> int:
    """The school's chair meets every criterion of the education union's open
    round (staff attested her compliance), so the README's tour ticks a
    collective and an individual at once. Nothing is done once the round has
    moved on or she has been attested."""
    award_round = AwardRound.objects.filter(
        unit=units["CB-GD"],
        year=year,
        title=UNION_ROUND.format(year=year),
        status=AwardRound.Status.OPEN,
    ).first()
    chair = users.get("canbo.thptchuyen")
    if award_round is None or chair is None:
        return 0
    candidate = award_round.candidates.filter(
        kind=Candidate.Kind.INDIVIDUAL,
        person=chair,
        status=Candidate.Status.CANDIDATE,
    ).first()
    if (
        candidate is None
        or candidate.attestations.filter(criterion="compliance").exists()
    ):
        return 0
    services.attest(
        candidate=candidate,
        actor=users["thidua.giaoduc"],
        criterion="compliance",
        met=True,
        note="Chấp hành tốt chủ trương, nghị quyết; không vi phạm kỷ luật.",
    )
    return 1


@transaction.atomic
def build_demo() -> dict[str, int]:
    year = timezone.localdate().year
    units = {
        unit.code: unit
        for unit in Unit.objects.filter(code__startswith="CB-GD").order_by("path")
    }
    users = {u.username: u for u in User.objects.filter(username__contains=".")}
    if "CB-GD-THPTC" not in units or "thidua.giaoduc" not in users:
        return {}
    return {
        "movement records": _records(year, units, users),
        "ratings": _ratings(year, units, users),
        "award rounds": _school_round(year, units, users)
        + _union_round(year, units, users),
        "attestations": _union_round_individual(year, units, users),
    }
