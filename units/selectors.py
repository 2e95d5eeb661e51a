"""Reads that depend on who is asking. Every list goes through the access policy."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from core.text import search_terms
from units import access
from units.models import (
    ALLOWED_PARENT_KINDS,
    EmulationBlock,
    EmulationBlockMember,
    Membership,
    Role,
    Unit,
    User,
)


def top_units_for_user(user) -> list[Unit]:
    """Return the highest units the user holds a role on (the roots for superusers)."""
    return access.highest_units(user, "view", Unit)


@dataclass
class TreeNode:
    unit: Unit
    children: list["TreeNode"] = field(default_factory=list)
    unit_count: int = 0
    people_count: int = 0
    has_hidden_children: bool = False


def unit_tree(
    *,
    tops: list[Unit],
    levels: int = 2,
    show_dissolved: bool = False,
    max_nodes: int = 400,
) -> list[TreeNode]:
    """Return the units below each top unit, `levels` deep, with subtree counts.

    When that would show more than `max_nodes` units, only one level is shown;
    deeper units are reached by opening a node. Counts cover the whole subtree of
    each node, including levels not shown: `unit_count` is the number of active
    units below it and `people_count` the number of active union members in it
    and below it.
    """
    if not tops:
        return []
    today = timezone.localdate()
    steplen = Unit.steplen
    subtrees = Q()
    for top in tops:
        subtrees |= Q(path__startswith=top.path)
    max_depth = max(top.depth for top in tops) + levels
    shown = Unit.objects.filter(subtrees, depth__lte=max_depth)
    if not show_dissolved:
        shown = shown.active(today)
    shown = list(shown.order_by("path"))
    if len(shown) > max_nodes and levels > 1:
        shallow = max(top.depth for top in tops) + 1
        shown = [unit for unit in shown if unit.depth <= shallow]

    # Units and members grouped by their ancestor at the deepest shown level.
    prefix_len = max_depth * steplen
    unit_groups = (
        Unit.objects.filter(subtrees)
        .active(today)
        .order_by()
        .annotate(prefix=Substr("path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    member_subtrees = Q()
    for top in tops:
        member_subtrees |= Q(unit__path__startswith=top.path)
    member_groups = (
        Membership.objects.active()
        .filter(member_subtrees, role=Role.MEMBER)
        .annotate(prefix=Substr("unit__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    units_below: dict[str, int] = {}
    people_in: dict[str, int] = {}
    for group in unit_groups:
        prefix = group["prefix"]
        for end in range(steplen, len(prefix) + 1, steplen):
            units_below[prefix[:end]] = units_below.get(prefix[:end], 0) + group["n"]
    for group in member_groups:
        prefix = group["prefix"]
        for end in range(steplen, len(prefix) + 1, steplen):
            people_in[prefix[:end]] = people_in.get(prefix[:end], 0) + group["n"]

    nodes: dict[str, TreeNode] = {}
    roots: list[TreeNode] = []
    top_paths = {top.path for top in tops}
    for unit in shown:
        node = TreeNode(
            unit=unit,
            # The group counts include the unit itself when it is active.
            unit_count=units_below.get(unit.path, 0) - (0 if unit.dissolved_on else 1),
            people_count=people_in.get(unit.path, 0),
        )
        node.unit_count = max(node.unit_count, 0)
        nodes[unit.path] = node
        parent = nodes.get(unit.path[:-steplen])
        if unit.path in top_paths or parent is None:
            if unit.path in top_paths:
                roots.append(node)
            continue
        parent.children.append(node)
    for node in nodes.values():
        node.children.sort(
            key=lambda n: (n.unit.kind != Unit.Kind.DEPARTMENT, n.unit.name)
        )
        node.has_hidden_children = bool(node.unit.numchild and not node.children)
    return roots


@dataclass
class TreeRow:
    """One line of a tree drawn as a flat list: the node, whether it opens a
    nested list, and how many nested lists close after it."""

    node: TreeNode
    opens: bool
    closes: range
    open: bool


def tree_rows(roots: list[TreeNode]) -> list[TreeRow]:
    """Flatten the tree for a single template loop (no recursive includes)."""
    rows: list[TreeRow] = []

    def walk(node: TreeNode, top: bool) -> None:
        rows.append(TreeRow(node, bool(node.children), range(0), top))
        for child in node.children:
            walk(child, False)
        if node.children:
            last = rows[-1]
            last.closes = range(len(last.closes) + 1)

    for root in roots:
        walk(root, True)
    return rows


def children_of(unit: Unit, *, show_dissolved: bool = False) -> QuerySet[Unit]:
    children = Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1
    ).order_by("name")
    return children if show_dissolved else children.active()


def ancestors_for_user(user, unit: Unit) -> list[Unit]:
    """Return the units above this one, root first, each marked `in_scope`."""
    paths = unit.ancestor_paths()
    ancestors = list(Unit.objects.filter(path__in=paths).order_by("depth"))
    for ancestor in ancestors:
        ancestor.in_scope = access.can(user, "view", ancestor)
    return ancestors


def people_list_for_user(
    user, *, unit: Unit, query: str = "", include_subunits: bool = False
) -> QuerySet[User]:
    """Return the people with an active role in the unit (or below), for one viewer.

    Each person carries `unit_roles`: their active roles within the listed units.
    """
    where = Q(unit__path__startswith=unit.path) if include_subunits else Q(unit=unit)
    where &= Q(unit__in=access.objects_for(user, "view_people", Unit))
    in_scope = Membership.objects.active().filter(where)
    people = User.objects.filter(pk__in=in_scope.values("user_id"))
    for term in search_terms(query):
        people = people.filter(search_text__contains=term)
    return people.order_by("full_name", "pk").prefetch_related(
        Prefetch(
            "memberships",
            queryset=in_scope.select_related("unit").order_by("unit__path", "role"),
            to_attr="unit_roles",
        )
    )


def people_of(unit: Unit) -> QuerySet[User]:
    """The people holding a role on the unit itself (who may be its leaders)."""
    members = Membership.objects.active().filter(unit=unit).values("user_id")
    return User.objects.filter(pk__in=members).order_by("full_name", "pk")


def roles_with_people() -> QuerySet[Membership]:
    """Roles with their unit and person, to act on one of them."""
    return Membership.objects.select_related("unit", "user")


def memberships_of(person: User) -> QuerySet[Membership]:
    """Return every role the person holds or held, newest first."""
    return (
        Membership.objects.filter(user=person)
        .select_related("unit", "granted_by", "ended_by")
        .order_by("ended_on", "-started_on")
    )


def _admin_units(user) -> QuerySet[Unit]:
    """The units the user may change (administer): where a unit may go."""
    return access.objects_for(user, "change", Unit)


def move_targets(user, unit: Unit) -> QuerySet[Unit]:
    """Return the units this user may move the unit under."""
    kinds = [k for k in ALLOWED_PARENT_KINDS[unit.kind] if k is not None]
    return (
        _admin_units(user)
        .filter(kind__in=kinds)
        .exclude(path__startswith=unit.path)
        .exclude(path=unit.path[: -Unit.steplen])
        .order_by("path")
    )


def merge_targets(user, unit: Unit) -> QuerySet[Unit]:
    """Return the units of the same kind this user may merge the unit into."""
    return (
        _admin_units(user)
        .filter(kind=unit.kind)
        .exclude(path__startswith=unit.path)
        .order_by("path")
    )


def block_list_for_user(user, *, year: int | None = None) -> QuerySet[EmulationBlock]:
    blocks = access.visible(user, EmulationBlock)
    if year:
        blocks = blocks.filter(year=year)
    return (
        blocks.select_related("organizer")
        .annotate(member_count=Count("members"))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=EmulationBlockMember.objects.filter(
                    role=EmulationBlockMember.Role.HEAD
                ).select_related("unit"),
                to_attr="heads",
            )
        )
        .order_by("-year", "organizer__path", "name")
    )


def block_unit_choices(block: EmulationBlock) -> QuerySet[Unit]:
    """Return the active units under the organiser that may join the block."""
    return (
        Unit.objects.filter(path__startswith=block.organizer.path)
        .exclude(pk=block.organizer_id)
        .active()
        .order_by("path")
    )
