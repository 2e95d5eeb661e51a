"""The access policy: who may see what, and who may do what to it.

One module answers every "may I" for every app; views ask it and nothing else:

- ``visible(user, queryset)`` narrows a queryset to what the user may see, so a
  list and a detail page can never disagree;
- ``can(user, action, obj)`` says whether the user may do something to an object
  they can see;
- ``can(user, action, Model, unit=unit)`` asks about the model as a whole under a
  unit (with no unit: under some unit), and ``can_create(user, Model, unit)`` is
  the common case "may I add a <Model> under this unit";
- ``objects_for(user, action, queryset)`` narrows a queryset to the objects the
  user may do the action on (one filter, no per-object checks);
- ``units_for(user, action, Model)`` is the units under which the user may do a
  model-level action (``own=True``: only the units their own roles are held on,
  the starting points offered on a page, not every unit below them);
- ``highest_units(user, action, Model)`` is the top-most of those units (the
  roots for a superuser): where a tree, a list of pages or a report starts;
- ``may(user, action)`` asks about the site as a whole, beyond any unit (e.g.
  ``"administer"``: the site's administration); its actions are ``SITE_RULES``;
- ``get_for_user(user, queryset, action, **lookup)`` fetches one object for a view:
  out of scope is a 404, in scope but not allowed is a 403;
- ``roles_held(user)`` is the user's active roles, to show them (not to decide).

Rights come from roles held on units (``Membership``). A role held on a unit
reaches every unit below it. Each app registers a policy for its models with
``register`` (in ``<app>/permissions.py``); a policy names its actions in four
tables: ``rules`` (on one object), ``unit_rules`` (on the model under a unit),
``scopes`` (the objects, as a filter) and ``unit_scopes`` (the units, as a
filter). The policies are built from the helpers here; views never read roles.

The menus and the home page ask the same questions: a menu entry is a
model-level question under some unit (``can(user, "view_report", Unit)``), a
panel is ``objects_for`` or ``units_for``. Views, home panels, context
processors and selectors never read roles (tests/test_policy_boundary.py).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from units.leadership import Leadership
from units.models import (
    EmulationBlock,
    EmulationBlockMember,
    ImportBatch,
    Membership,
    Role,
    Unit,
    User,
    child_kinds,
)

ALL_ROLES = frozenset(Role.values)
PEOPLE_ROLES = frozenset({Role.OFFICER, Role.EMULATION_STAFF, Role.UNIT_ADMIN})
ADMIN_ROLES = frozenset({Role.UNIT_ADMIN})
STAFF_ROLES = frozenset({Role.EMULATION_STAFF, Role.UNIT_ADMIN})


@dataclass
class Grants:
    """The active roles of one user: the memberships with their units (ordered
    by unit, then role)."""

    memberships: list[Membership] = field(default_factory=list)

    @cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """The roles as (unit path, role) pairs."""
        return [(m.unit.path, m.role) for m in self.memberships]

    def units(self, paths: Iterable[str]) -> list[Unit]:
        """The units with these paths among those the user holds roles on."""
        wanted = set(paths)
        found = {m.unit.path: m.unit for m in self.memberships if m.unit.path in wanted}
        return [found[path] for path in sorted(found)]

    def paths(self, roles: Iterable[str]) -> list[str]:
        """Return the top-most unit paths where the user holds one of the roles."""
        roles = set(roles)
        found = sorted({path for path, role in self.pairs if role in roles})
        top: list[str] = []
        for path in found:
            if not any(path.startswith(t) for t in top):
                top.append(path)
        return top

    def covers(self, path: str, roles: Iterable[str]) -> bool:
        """Say whether one of the roles is held on the unit with this path or above."""
        roles = set(roles)
        return any(path.startswith(p) for p, role in self.pairs if role in roles)

    @property
    def roles(self) -> set[str]:
        return {role for _path, role in self.pairs}


def grants_for(user) -> Grants:
    """Return the user's active roles, loaded once and kept on the user object."""
    if not user.is_authenticated:
        return Grants()
    cached = getattr(user, "_access_grants", None)
    if cached is None:
        rows = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("unit")
            .order_by("unit__path", "role")
        )
        cached = Grants(memberships=rows)
        user._access_grants = cached
    return cached


def forget_grants(user) -> None:
    """Drop the cached roles after they change, so the next check reloads them."""
    if hasattr(user, "_access_grants"):
        del user._access_grants


def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def unit_q(user, roles: Iterable[str] = ALL_ROLES, prefix: str = "") -> Q:
    """Return a filter for the units where the user holds one of the roles (or below).

    ``prefix`` points the filter at a related unit, e.g. ``"unit__"``, or at a
    copy of a unit's path kept on the row, e.g. ``"unit_"`` for ``unit_path``.
    """
    if is_superuser(user):
        return Q()
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    paths = grants_for(user).paths(roles)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def holds(user, unit: Unit, roles: Iterable[str]) -> bool:
    """Say whether the user holds one of the roles on the unit or a unit above it."""
    if is_superuser(user):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    return grants_for(user).covers(unit.path, roles)


def holds_above(user, unit: Unit, roles: Iterable[str]) -> bool:
    """Say whether the user holds one of the roles strictly above the unit."""
    if is_superuser(user):
        return True
    parent_path = unit.path[: -Unit.steplen]
    return bool(parent_path) and (
        user.is_authenticated
        and user.is_active
        and grants_for(user).covers(parent_path, roles)
    )


def holds_any(user, roles: Iterable[str]) -> bool:
    """Say whether the user holds one of the roles on some unit."""
    if is_superuser(user):
        return True
    return bool(
        user.is_authenticated and user.is_active and grants_for(user).roles & set(roles)
    )


def held_q(user, roles: Iterable[str], prefix: str = "") -> Q:
    """Return a filter for the units on which the user holds one of the roles
    themselves (not the units below them; a superuser has only their own)."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    roles = set(roles)
    ids = sorted({m.unit_id for m in grants_for(user).memberships if m.role in roles})
    return Q(**{f"{prefix}pk__in": ids})


def roles_q(user, roles: Iterable[str], *, own: bool = False, prefix: str = "") -> Q:
    """The units reached by the roles: ``unit_q``, or with ``own`` ``held_q``."""
    return held_q(user, roles, prefix) if own else unit_q(user, roles, prefix)


def active_q(prefix: str = "") -> Q:
    """Return a filter for the units not dissolved today."""
    return Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(
        **{f"{prefix}dissolved_on__gt": timezone.localdate()}
    )


def roles_held(user) -> list[Membership]:
    """The user's active roles with their units, to show them on a page."""
    return grants_for(user).memberships


# --- Policies -------------------------------------------------------------------


class Policy(ABC):
    """Base policy: subclasses say which objects are visible and what is allowed.

    Each table maps an action name to a function; an action a table does not
    name is an error, never a silent yes or no.
    """

    @abstractmethod
    def visible(self, user, queryset: models.QuerySet) -> models.QuerySet:
        """Return the part of the queryset the user may see."""

    def rules(self) -> dict[str, Callable]:
        """Actions on one object: action -> function(user, obj) -> bool."""
        return {}

    def unit_rules(self) -> dict[str, Callable]:
        """Actions on the model under a unit, e.g. "create": action ->
        function(user, unit) -> bool (``unit`` None: under some unit)."""
        return {}

    def scopes(self) -> dict[str, Callable]:
        """The objects an action may be done on: action -> function(user) -> Q
        on the model (the same answer as ``rules`` for each object)."""
        return {}

    def unit_scopes(self) -> dict[str, Callable]:
        """The units under which a model-level action may be done: action ->
        function(user, own) -> Q on Unit (``own``: only the units the user's
        own roles are held on)."""
        return {}

    def _pick(self, table: dict[str, Callable], action: str, kind: str) -> Callable:
        try:
            return table[action]
        except KeyError:
            name = type(self).__name__
            raise ValueError(f"{name} has no {kind} {action!r}") from None

    def can(self, user, action: str, obj) -> bool:
        return bool(self._pick(self.rules(), action, "rule")(user, obj))

    def can_under(self, user, action: str, unit: Unit | None) -> bool:
        return bool(self._pick(self.unit_rules(), action, "unit rule")(user, unit))

    def scope(self, user, action: str) -> Q:
        return self._pick(self.scopes(), action, "scope")(user)

    def unit_scope(self, user, action: str, own: bool) -> Q:
        return self._pick(self.unit_scopes(), action, "unit scope")(user, own)


_registry: dict[type[models.Model], Policy] = {}


def register(model: type[models.Model], policy: Policy) -> None:
    _registry[model] = policy


def policy_for(model: type[models.Model]) -> Policy:
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"No access policy registered for {model.__name__}") from None


def visible(user, queryset_or_model) -> models.QuerySet:
    """Return the objects of the queryset (or model) that the user may see."""
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    return policy_for(queryset.model).visible(user, queryset)


def can(user, action: str, obj, *, unit: Unit | None = None) -> bool:
    """Say whether the user may do the action to an object they can see, or,
    given a model, to that model under the unit (no unit: under some unit)."""
    if isinstance(obj, type):
        return policy_for(obj).can_under(user, action, unit)
    return policy_for(type(obj)).can(user, action, obj)


def can_create(user, model: type[models.Model], unit: Unit) -> bool:
    """Say whether the user may add a ``model`` under the unit."""
    return can(user, "create", model, unit=unit)


def objects_for(user, action: str, queryset_or_model) -> models.QuerySet:
    """Return the visible objects of the queryset (or model) on which the user
    may do the action."""
    queryset = visible(user, queryset_or_model)
    return queryset.filter(policy_for(queryset.model).scope(user, action))


def units_for(
    user, action: str, model: type[models.Model], *, own: bool = False
) -> models.QuerySet:
    """Return the units under which the user may do the model-level action;
    with ``own``, only the units the user's own roles are held on."""
    return Unit.objects.filter(policy_for(model).unit_scope(user, action, own))


def highest_units(
    user, action: str, model: type[models.Model], *, roots: int | None = None
) -> list[Unit]:
    """Return the top-most of the units the user's own roles give the model-level
    action on (several when they sit in separate parts of the tree), by path; for
    a superuser, the roots (at most ``roots`` of them when given)."""
    if is_superuser(user):
        found = Unit.objects.filter(depth=1).order_by("path")
        return list(found[:roots] if roots is not None else found)
    # The units the user holds roles on are already loaded with the roles: each
    # is asked the model-level rule in memory, with no query. A unit below one
    # already kept adds nothing; one whose own roles do not give the action but
    # sits below one that does is covered by that one, met first by path.
    policy = policy_for(model)
    held = {m.unit.path: m.unit for m in grants_for(user).memberships}
    top: list[Unit] = []
    for path in sorted(held):
        if any(path.startswith(t.path) for t in top):
            continue
        if policy.can_under(user, action, held[path]):
            top.append(held[path])
    return top


# Questions about the site as a whole: action -> function(user) -> bool.
SITE_RULES: dict[str, Callable] = {
    # The site's own administration (the Django admin), beyond any unit.
    "administer": lambda user: is_superuser(user),
}


def may(user, action: str) -> bool:
    """Say whether the user may do a site-wide action (``SITE_RULES``)."""
    try:
        rule = SITE_RULES[action]
    except KeyError:
        raise ValueError(f"No site rule {action!r}") from None
    return bool(rule(user))


def get_for_user(user, queryset_or_model, action: str | None = None, **lookup):
    """Fetch one object for a view: 404 outside the user's scope, 403 if not allowed."""
    queryset = visible(user, queryset_or_model)
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if action is not None and not can(user, action, obj):
        raise PermissionDenied
    return obj


class UnitPolicy(Policy):
    """Units: visible to anyone holding a role on them or above them."""

    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ALL_ROLES))

    def rules(self):
        return {
            "view": lambda user, unit: holds(user, unit, ALL_ROLES),
            "view_people": lambda user, unit: holds(user, unit, PEOPLE_ROLES),
            # The movement report of the unit and the units below it.
            "view_report": lambda user, unit: holds(user, unit, PEOPLE_ROLES),
            "change": lambda user, unit: (
                holds(user, unit, ADMIN_ROLES) and unit.is_active
            ),
            "add_child": lambda user, unit: (
                holds(user, unit, ADMIN_ROLES)
                and unit.is_active
                and bool(child_kinds(unit.kind))
            ),
            "manage_people": lambda user, unit: (
                holds(user, unit, ADMIN_ROLES) and unit.is_active
            ),
            # The leaders and who signs each kind of document.
            "manage_leadership": lambda user, unit: (
                holds(user, unit, ADMIN_ROLES) and unit.is_active
            ),
            "import": lambda user, unit: (
                holds(user, unit, ADMIN_ROLES) and unit.is_active
            ),
            # Moving, merging and dissolving change the unit's place in the tree,
            # so they belong to an administrator of a unit above it.
            "restructure": lambda user, unit: (
                holds_above(user, unit, ADMIN_ROLES) and unit.is_active
            ),
            "manage_blocks": lambda user, unit: (
                holds(user, unit, STAFF_ROLES) and unit.is_active
            ),
        }

    @staticmethod
    def _somewhere(roles, rule: Callable) -> Callable:
        """A model-level rule: with no unit, whether the roles are held on some
        unit (a menu entry); under a unit, the rule on that unit."""
        return lambda user, unit: (
            holds_any(user, roles) if unit is None else rule(user, unit)
        )

    def unit_rules(self):
        rules = self.rules()
        return {
            "view": self._somewhere(ALL_ROLES, rules["view"]),
            "view_report": self._somewhere(PEOPLE_ROLES, rules["view_report"]),
            "change": self._somewhere(ADMIN_ROLES, rules["change"]),
            "manage_blocks": self._somewhere(STAFF_ROLES, rules["manage_blocks"]),
        }

    def scopes(self):
        return {
            "view": lambda user: unit_q(user, ALL_ROLES),
            "view_people": lambda user: unit_q(user, PEOPLE_ROLES),
            "view_report": lambda user: unit_q(user, PEOPLE_ROLES),
            "change": lambda user: unit_q(user, ADMIN_ROLES) & active_q(),
        }

    def unit_scopes(self):
        # The starting points of the tree and of the movement report.
        return {
            "view": lambda user, own: roles_q(user, ALL_ROLES, own=own),
            "view_report": lambda user, own: roles_q(user, PEOPLE_ROLES, own=own),
        }


class PersonPolicy(Policy):
    """People: visible within the units the viewer can see; details need an officer,
    emulation staff or administrator role over one of the person's units."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        if not user.is_authenticated:
            return queryset.none()
        in_scope = Membership.objects.active().filter(
            Q(user=OuterRef("pk")) & unit_q(user, ALL_ROLES, prefix="unit__")
        )
        return queryset.filter(Q(pk=user.pk) | Exists(in_scope))

    @staticmethod
    def _unit_paths(person: User) -> list[str]:
        return list(
            Membership.objects.active()
            .filter(user=person)
            .values_list("unit__path", flat=True)
        )

    def _over_any_unit(self, user, person: User, roles) -> bool:
        if is_superuser(user):
            return True
        if not (user.is_authenticated and user.is_active):
            return False
        grants = grants_for(user)
        return any(grants.covers(path, roles) for path in self._unit_paths(person))

    def _over_every_unit(self, user, person: User, roles) -> bool:
        """Say whether every unit the person belongs to is under the user's roles.

        Changing an account (its email, its password link) hands over the account,
        so the administrator must be above all of the person's units, and only a
        superuser changes a superuser.
        """
        if is_superuser(user):
            return True
        if not (user.is_authenticated and user.is_active) or person.is_superuser:
            return False
        grants = grants_for(user)
        paths = self._unit_paths(person)
        return bool(paths) and all(grants.covers(path, roles) for path in paths)

    def rules(self):
        return {
            "view": lambda user, person: (
                person.pk == user.pk or self._over_any_unit(user, person, PEOPLE_ROLES)
            ),
            "change": lambda user, person: self._over_every_unit(
                user, person, ADMIN_ROLES
            ),
        }


class MembershipPolicy(Policy):
    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ALL_ROLES, prefix="unit__"))

    def rules(self):
        return {
            # Nobody ends their own administrator role: someone above must, so a
            # unit is never left without an administrator by accident.
            "revoke": lambda user, m: (
                m.is_active
                and holds(user, m.unit, ADMIN_ROLES)
                and not (m.user_id == user.pk and m.role == Role.UNIT_ADMIN)
            ),
        }


class LeadershipPolicy(Policy):
    """Leadership terms: seen with the unit's people, kept by its administrators."""

    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ALL_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "change": lambda user, term: (
                holds(user, term.unit, ADMIN_ROLES) and term.unit.is_active
            ),
        }


class EmulationBlockPolicy(Policy):
    """Blocks: visible to those who see the organiser or one of the member units."""

    def visible(self, user, queryset):
        if is_superuser(user):
            return queryset
        member_in_scope = EmulationBlockMember.objects.filter(
            Q(block=OuterRef("pk")) & unit_q(user, ALL_ROLES, prefix="unit__")
        )
        return queryset.filter(
            unit_q(user, ALL_ROLES, prefix="organizer__") | Exists(member_in_scope)
        )

    def rules(self):
        return {
            "view": lambda user, block: True,
            "change": lambda user, block: holds(user, block.organizer, STAFF_ROLES),
        }


class ImportBatchPolicy(Policy):
    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ADMIN_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "view": lambda user, batch: holds(user, batch.unit, ADMIN_ROLES),
            "apply": lambda user, batch: (
                holds(user, batch.unit, ADMIN_ROLES)
                and batch.status == ImportBatch.Status.CHECKED
                and batch.unit.is_active
            ),
        }


register(Unit, UnitPolicy())
register(User, PersonPolicy())
register(Membership, MembershipPolicy())
register(EmulationBlock, EmulationBlockPolicy())
register(ImportBatch, ImportBatchPolicy())
register(Leadership, LeadershipPolicy())
