"""Who may see and do what with registrations, ideas and recognition requests.

The rules are registered in the one access policy (`units.access`), so that lists,
detail pages and actions all ask the same question.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from documents.permissions import register_readers
from initiatives.lifecycle import council_item, request
from initiatives.models import (
    AgendaItem,
    Attachment,
    Author,
    Council,
    CouncilItem,
    CouncilMember,
    CouncilRole,
    Idea,
    Initiative,
    Outcome,
    Registration,
    Session,
    Status,
)
from units import access
from units.access import (
    ADMIN_ROLES,
    ALL_ROLES,
    STAFF_ROLES,
    Policy,
    active_q,
    grants_for,
    held_q,
    holds,
    is_superuser,
    roles_q,
    unit_q,
)
from units.models import Role

OVERSIGHT_ROLES = frozenset({Role.OFFICER, Role.EMULATION_STAFF, Role.UNIT_ADMIN})
COACH_ROLES = frozenset({Role.SUPPORT_TEAM, Role.OFFICER, Role.UNIT_ADMIN})
SUPPORT_ROLES = frozenset({Role.SUPPORT_TEAM})


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_author(user, initiative: Initiative) -> bool:
    """Say whether the user filed the request or is one of its registered authors."""
    if not _signed_in(user):
        return False
    if initiative.created_by_id == user.pk:
        return True
    authors = getattr(initiative, "_prefetched_objects_cache", {}).get("authors")
    if authors is not None:
        return any(author.user_id == user.pk for author in authors)
    return initiative.authors.filter(user=user).exists()


def _council_seat(user, initiative: Initiative, *, recused: bool | None = None):
    """Council items of this request where the user sits on the council."""
    items = CouncilItem.objects.filter(
        initiative=initiative, council__members__user=user
    )
    if recused is False:
        items = items.exclude(recusals__member__user=user)
    return items


def can_see_confidential(user, initiative: Initiative) -> bool:
    """The confidential part: the authors, the members of a council handling the
    request who are not recused, and the recognising unit's admins and staff."""
    if is_author(user, initiative) or holds(
        user, initiative.recognizing_unit, STAFF_ROLES
    ):
        return True
    return _signed_in(user) and _council_seat(user, initiative, recused=False).exists()


def is_secretary_for(user, unit, year) -> bool:
    return (
        _signed_in(user)
        and CouncilMember.objects.filter(
            council__unit=unit,
            council__year=year,
            user=user,
            role=CouncilRole.SECRETARY,
        ).exists()
    )


def can_take_in(user, initiative: Initiative) -> bool:
    """Intake: the council secretary, or the recognising unit's staff and admins."""
    return holds(user, initiative.recognizing_unit, STAFF_ROLES) or is_secretary_for(
        user, initiative.recognizing_unit, timezone.localdate().year
    )


class InitiativePolicy(Policy):
    """Drafts are seen by their authors and the support team coaching them; once
    submitted, also by officers, emulation staff and administrators over the
    filing unit, and by the recognising unit's staff and administrators."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not _signed_in(user):
            return queryset.none()
        authored = Exists(Author.objects.filter(initiative=OuterRef("pk"), user=user))
        # On the request's own copies of its units' paths: no join to units.
        coaching = unit_q(user, {Role.SUPPORT_TEAM}, prefix="unit_")
        oversight = unit_q(user, OVERSIGHT_ROLES, prefix="unit_") | unit_q(
            user, STAFF_ROLES, prefix="recognizing_"
        )
        on_council = Exists(
            CouncilItem.objects.filter(
                initiative=OuterRef("pk"), council__members__user=user
            )
        )
        return queryset.filter(
            Q(created_by=user)
            | authored
            | on_council
            | coaching
            | (Q(submitted_at__isnull=False) & oversight)
        )

    def rules(self):
        def author_while_editable(user, initiative):
            return initiative.is_editable and is_author(user, initiative)

        return {
            "view": lambda user, initiative: True,
            "edit": author_while_editable,
            "submit": author_while_editable,
            # A draft has been filed nowhere: there is nothing to withdraw yet.
            "withdraw": lambda user, initiative: (
                request.may_withdraw(initiative.status) and is_author(user, initiative)
            ),
            # Intake: the recognising unit's emulation staff and administrators
            # return a request for revision or accept it for review.
            "intake": lambda user, initiative: (
                initiative.status == Status.SUBMITTED and can_take_in(user, initiative)
            ),
            "view_confidential": can_see_confidential,
        }

    # Filing a request (and registering or posting an idea) is done from a unit
    # still in being on which the person holds a role themselves; a superuser
    # files from any such unit.

    @staticmethod
    def _may_file(user, unit) -> bool:
        if unit is None:
            # From some unit: read from the roles in memory.
            return is_superuser(user) or any(
                m.unit.is_active for m in grants_for(user).memberships
            )
        return unit.is_active and (
            is_superuser(user)
            or any(m.unit_id == unit.pk for m in grants_for(user).memberships)
        )

    def unit_rules(self):
        return {"create": self._may_file}

    def unit_scopes(self):
        # Only the units the roles are held on, with or without ``own``.
        return {
            "create": lambda user, own: (
                (Q() if is_superuser(user) else held_q(user, ALL_ROLES)) & active_q()
            ),
        }


class AttachmentPolicy(Policy):
    """Attachments go with their request: whoever sees the request sees its files."""

    def visible(self, user, queryset):
        requests = access.visible(user, Initiative)
        return queryset.filter(initiative__in=requests.values("pk"))

    def rules(self):
        return {
            "download": lambda user, attachment: True,
            "remove": lambda user, attachment: access.can(
                user, "edit", attachment.initiative
            ),
        }


class RegistrationPolicy(Policy):
    """Registrations: the registrant, and the officers and staff over their union."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not _signed_in(user):
            return queryset.none()
        return queryset.filter(
            Q(registrant=user)
            | unit_q(user, OVERSIGHT_ROLES | {Role.SUPPORT_TEAM}, "unit__")
        )

    def rules(self):
        return {
            "view": lambda user, registration: True,
            "edit": lambda user, registration: (
                registration.registrant_id == user.pk
                and registration.initiative_id is None
                and registration.withdrawn_at is None
            ),
        }


class IdeaPolicy(Policy):
    """Ideas: their author, and the support team (and officers) of the union."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not _signed_in(user):
            return queryset.none()
        return queryset.filter(Q(author=user) | unit_q(user, COACH_ROLES, "unit__"))

    def rules(self):
        return {
            "view": lambda user, idea: True,
            "comment": lambda user, idea: (
                idea.status == Idea.Status.OPEN
                and (idea.author_id == user.pk or holds(user, idea.unit, COACH_ROLES))
            ),
            "to_request": lambda user, idea: (
                idea.status == Idea.Status.OPEN and idea.author_id == user.pk
            ),
            "close": lambda user, idea: (
                idea.status == Idea.Status.OPEN
                and (idea.author_id == user.pk or holds(user, idea.unit, COACH_ROLES))
            ),
            # The support team's work: the ideas of its union and below.
            "support": lambda user, idea: holds(user, idea.unit, SUPPORT_ROLES),
        }

    def scopes(self):
        return {"support": lambda user: unit_q(user, SUPPORT_ROLES, prefix="unit__")}

    def unit_scopes(self):
        return {"support": lambda user, own: roles_q(user, SUPPORT_ROLES, own=own)}


# --- Councils ------------------------------------------------------------------------


def seat(user, council) -> CouncilMember | None:
    """The user's seat on the council, if any (looked up once per request)."""
    if not _signed_in(user):
        return None
    seats = getattr(user, "_council_seats", None)
    if seats is None:
        seats = {m.council_id: m for m in CouncilMember.objects.filter(user=user)}
        user._council_seats = seats
    return seats.get(council.pk)


def _role_in(user, council, *roles) -> bool:
    member = seat(user, council)
    return member is not None and member.role in roles


def can_run(user, council) -> bool:
    """Run the council's work: its secretary, or the unit's staff and admins."""
    return _role_in(user, council, CouncilRole.SECRETARY) or holds(
        user, council.unit, STAFF_ROLES
    )


def can_close(user, council) -> bool:
    return _role_in(user, council, CouncilRole.CHAIR, CouncilRole.SECRETARY) or (
        is_superuser(user)
    )


class CouncilPolicy(Policy):
    """Councils: seen by their members and by the unit's staff and admins above."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not _signed_in(user):
            return queryset.none()
        seated = Exists(CouncilMember.objects.filter(council=OuterRef("pk"), user=user))
        return queryset.filter(seated | unit_q(user, STAFF_ROLES, "unit__"))

    def rules(self):
        return {
            "view": lambda user, council: True,
            "manage": lambda user, council: holds(user, council.unit, ADMIN_ROLES),
            "run": can_run,
            "close": can_close,
        }

    def unit_rules(self):
        # Setting up a council of the unit: its administrators.
        return {
            "create": lambda user, unit: (
                holds(user, unit, ADMIN_ROLES) and unit.is_active
            ),
        }

    def unit_scopes(self):
        return {
            "create": lambda user, own: (
                roles_q(user, ADMIN_ROLES, own=own) & active_q()
            ),
        }


def _cached(item, name, compute):
    """Keep a fact about an item on the object for the rest of the request."""
    if not hasattr(item, name):
        setattr(item, name, compute())
    return getattr(item, name)


def recused_ids(item) -> set[int]:
    return _cached(
        item,
        "_recused_ids",
        lambda: set(item.recusals.values_list("member_id", flat=True)),
    )


def item_recused(user, item) -> bool:
    member = seat(user, item.council)
    return member is not None and member.pk in recused_ids(item)


def sheets_revealed(item) -> bool:
    """Others' score sheets show once the session that decided the item closed;
    a deferral keeps them hidden, since the item can still be scored."""
    return _cached(
        item,
        "_sheets_revealed",
        lambda: item.agenda_entries.filter(
            session__status=Session.Status.CLOSED,
            outcome__in=[Outcome.RECOGNISED, Outcome.NOT_RECOGNISED],
        ).exists(),
    )


def escalated(item) -> bool:
    return _cached(item, "_escalated", lambda: item.escalations.exists())


class CouncilItemPolicy(Policy):
    def visible(self, user, queryset):
        councils = access.visible(user, Council)
        return queryset.filter(council__in=councils.values("pk"))

    def rules(self):
        def member_taking_part(user, item):
            return seat(user, item.council) is not None and not item_recused(user, item)

        return {
            "view": lambda user, item: True,
            "score": lambda user, item: (
                item.status in council_item.OPEN and member_taking_part(user, item)
            ),
            "declare_conflict": lambda user, item: (
                item.status in council_item.OPEN and member_taking_part(user, item)
            ),
            "assign": lambda user, item: (
                item.status in council_item.OPEN and can_run(user, item.council)
            ),
            "take_up": lambda user, item: (
                item.status == CouncilItem.Status.PROPOSED
                and can_run(user, item.council)
            ),
            "view_sheets": lambda user, item: (
                sheets_revealed(item)
                and (
                    member_taking_part(user, item)
                    or holds(user, item.council.unit, STAFF_ROLES)
                )
            ),
            "propose": lambda user, item: (
                item.status == CouncilItem.Status.RECOGNISED
                and not escalated(item)
                and (
                    _role_in(user, item.council, CouncilRole.CHAIR)
                    or holds(user, item.council.unit, STAFF_ROLES)
                )
            ),
        }


class SessionPolicy(Policy):
    def visible(self, user, queryset):
        councils = access.visible(user, Council)
        return queryset.filter(council__in=councils.values("pk"))

    def rules(self):
        return {
            "view": lambda user, session: True,
            "run": lambda user, session: (
                not session.is_closed and can_run(user, session.council)
            ),
            "close": lambda user, session: (
                session.is_open and can_close(user, session.council)
            ),
            "issue_documents": lambda user, session: (
                session.is_closed
                and (can_close(user, session.council) or can_run(user, session.council))
            ),
        }


class AgendaItemPolicy(Policy):
    """An item on a session's agenda: seen with the session; voted on by the
    council's members (the vote itself says why one may not vote now: the
    session not open, absent, recused)."""

    def visible(self, user, queryset):
        sessions = access.visible(user, Session)
        return queryset.filter(session__in=sessions.values("pk"))

    def rules(self):
        return {
            "view": lambda user, agenda_item: True,
            "vote": lambda user, agenda_item: (
                seat(user, agenda_item.session.council) is not None
            ),
        }


def _decisions_of_visible_requests(user) -> Q:
    """A decision is readable by whoever sees one of the requests it recognises."""
    requests = access.visible(user, Initiative).values("pk")
    return Q(
        pk__in=CouncilItem.objects.filter(
            initiative__in=requests, decision__isnull=False
        ).values("decision_id")
    )


register_readers(_decisions_of_visible_requests)
access.register(Initiative, InitiativePolicy())
access.register(Council, CouncilPolicy())
access.register(CouncilItem, CouncilItemPolicy())
access.register(Session, SessionPolicy())
access.register(AgendaItem, AgendaItemPolicy())
access.register(Attachment, AttachmentPolicy())
access.register(Registration, RegistrationPolicy())
access.register(Idea, IdeaPolicy())
