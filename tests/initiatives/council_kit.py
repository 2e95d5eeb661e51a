"""Builders for tests that need initiative councils at work: seated members in
every role, requests accepted through the real intake, sessions run through the
services (attendance, votes, closing). Bound to the fixed cast of tests/conftest.py.
"""

from decimal import Decimal

from django.utils import timezone

from initiatives import services
from initiatives.models import AgendaItem, CouncilItem, CouncilRole, Session, Vote
from initiatives.services import AuthorData
from initiatives.services import councils as council_services
from initiatives.services import sessions as session_services
from tests.factories import UserFactory, grant
from tests.initiatives.factories import first_field, request_fields
from units.models import Membership, Role

# The roles seated in this order: a chair and a secretary first, then every other
# role once, then ordinary members.
ROLE_ORDER = [
    CouncilRole.CHAIR,
    CouncilRole.SECRETARY,
    CouncilRole.VICE_CHAIR,
    CouncilRole.EXPERT,
    CouncilRole.UNION_REP,
]
MEMBER_NAMES = [
    "Nông Văn Chủ",
    "Hoàng Thị Thư",
    "Lương Văn Phó",
    "Bế Thị Chuyên",
    "Đàm Văn Đại",
    "Triệu Thị Uyên",
    "Lục Văn Viên",
    "Mã Thị Hằng",
    "Sầm Văn Khải",
    "La Thị Quỳnh",
    "Nguyễn Văn Mười",
]
# The grassroots union a request is filed from, by the code of the council's unit.
FILED_FROM = {"CB": "p1", "CB-A": "a1", "CB-B": "b1"}


def role_for(index: int) -> str:
    return ROLE_ORDER[index] if index < len(ROLE_ORDER) else CouncilRole.MEMBER


class Kit:
    """Builders for council tests, bound to the fixed cast."""

    def __init__(self, cast):
        self.cast = cast
        self.tree = cast.tree
        self.intake = cast.a_staff
        self._count = 0

    def _next(self) -> int:
        self._count += 1
        return self._count

    # --- People and seats ---------------------------------------------------------

    def person(self, full_name: str | None = None, unit=None):
        number = self._next()
        user = UserFactory(
            username=f"hoidong{number}",
            full_name=full_name or f"Người thứ {number}",
        )
        if unit is not None:
            grant(user, unit, Role.MEMBER)
        return user

    def seat(self, council, count: int, *, start: int = 0, users=None) -> list:
        """Seat `count` people on the council: a chair, a secretary, then every
        other role, then members. Returns the CouncilMember rows in order."""
        members = []
        for index in range(start, start + count):
            user = (
                users[index - start]
                if users
                else self.person(MEMBER_NAMES[index % len(MEMBER_NAMES)])
            )
            members.append(
                council_services.council_member_add(
                    council=council,
                    user=user,
                    role=role_for(index),
                    position="Cán bộ công đoàn",
                    actor=self.cast.a_admin,
                )
            )
        return members

    # --- Requests ---------------------------------------------------------------

    def filing_unit(self, council):
        name = FILED_FROM.get(council.unit.code)
        return getattr(self.tree, name) if name else council.unit

    def request(
        self,
        council,
        *,
        filer=None,
        authors: list[AuthorData] | None = None,
        title: str | None = None,
        **overrides,
    ):
        """A submitted request filed below (or at) the council's unit and asking
        that unit to recognise it."""
        unit = self.filing_unit(council)
        if filer is None:
            filer = self.person(unit=unit)
        home = (
            Membership.objects.filter(
                user=filer, unit__path__startswith=council.unit.path
            )
            .select_related("unit")
            .first()
        )
        if home is not None:
            unit = home.unit
        else:
            grant(filer, unit, Role.MEMBER)
        if authors is None:
            authors = [
                AuthorData(
                    user=filer,
                    full_name=filer.full_name,
                    share=Decimal("100"),
                    workplace=unit.name,
                )
            ]
        if "field" not in overrides and first_field() is None:
            # A transactional test flushed the fields the migrations load.
            overrides.update(field=None, field_other="Công tác tổ chức công đoàn")
        number = self._next()
        initiative = services.initiative_create(
            actor=filer,
            unit=unit,
            recognizing_unit=council.unit,
            authors=authors,
            registration=None,
            **request_fields(
                title=title or f"Sáng kiến số {number}: cải tiến quy trình",
                **overrides,
            ),
        )
        return services.initiative_submit(initiative=initiative, actor=filer)

    def accept(self, council, **kwargs) -> CouncilItem:
        """A request accepted into the council (the real intake, with receipt)."""
        initiative = self.request(council, **kwargs)
        initiative = services.initiative_accept(
            initiative=initiative, actor=self.intake
        )
        return CouncilItem.objects.get(council=council, initiative=initiative)

    # --- Sessions ---------------------------------------------------------------

    def session(self, council, items, *, present=None, open_it=True) -> Session:
        """Plan a session with the items; mark `present` (all members by default)
        and open it."""
        session = session_services.session_create(
            council=council,
            held_on=timezone.localdate(),
            place="Hội trường tầng 2",
            items=list(items),
            actor=self.cast.a_admin,
        )
        if present is None:
            present = list(council.members.all())
        session_services.attendance_set(
            session=session, present={m.pk for m in present}, actor=self.cast.a_admin
        )
        if open_it:
            session = session_services.session_open(
                session=session, actor=self.cast.a_admin
            )
        return session

    @staticmethod
    def agenda_item(session, item) -> AgendaItem:
        return AgendaItem.objects.get(session=session, item=item)

    @staticmethod
    def vote(agenda_item, yes=(), no=()):
        for member in yes:
            session_services.vote_cast(
                agenda_item=agenda_item, member=member, choice=Vote.Choice.YES
            )
        for member in no:
            session_services.vote_cast(
                agenda_item=agenda_item, member=member, choice=Vote.Choice.NO
            )

    def close(self, session) -> Session:
        return session_services.session_close(session=session, actor=self.cast.a_admin)

    def decide(self, council, item, *, yes, no=(), present=None):
        """Put one item on a new session, vote, close; return the agenda item."""
        session = self.session(council, [item], present=present)
        agenda_item = self.agenda_item(session, item)
        self.vote(agenda_item, yes=yes, no=no)
        self.close(session)
        agenda_item.refresh_from_db()
        return agenda_item

    def recognised(self, council, members, **kwargs) -> CouncilItem:
        """An item the council recognised unanimously."""
        item = self.accept(council, **kwargs)
        self.decide(council, item, yes=members)
        item.refresh_from_db()
        assert item.status == CouncilItem.Status.RECOGNISED
        return item
