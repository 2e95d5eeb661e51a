"""Views ask the access policy and nothing else: no view module reads roles or
memberships to decide a right by itself.

Every view module is parsed; a name read, an attribute read or an import of one
of the role primitives of `units.access` or `units.models` fails the test with
the file and line, so the rule moves into the app's `permissions.py`.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "Membership",
    "Role",
    "grants_for",
    "forget_grants",
    "unit_q",
    "held_q",
    "roles_q",
    "holds",
    "holds_above",
    "holds_any",
    "is_superuser",
}


def _forbidden(name: str) -> bool:
    """The names above and the role sets (ADMIN_ROLES, KEEPER_ROLES, ...)."""
    return name in FORBIDDEN or name.endswith("_ROLES")


def view_modules() -> list[Path]:
    patterns = ("*/views.py", "*/views_*.py", "*/*_views.py", "*/views/*.py")
    found = {
        path
        for pattern in patterns
        for path in ROOT.glob(pattern)
        if not path.parts[len(ROOT.parts)].startswith(".")
        and path.parts[len(ROOT.parts)] not in {"tests", "node_modules"}
    }
    return sorted(found)


def violations(source: str) -> list[tuple[int, str]]:
    """The places in the source that read a role primitive: (line, what)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if _forbidden(alias.name):
                    found.append((node.lineno, f"imports {alias.name}"))
        elif isinstance(node, ast.Name) and _forbidden(node.id):
            found.append((node.lineno, f"reads {node.id}"))
        elif isinstance(node, ast.Attribute) and _forbidden(node.attr):
            found.append((node.lineno, f"reads .{node.attr}"))
    return sorted(found)


def test_the_view_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in view_modules()}
    assert {
        "audit/views.py",
        "config/views.py",
        "goldbook/views.py",
        "initiatives/views/sessions.py",
        "units/views/people.py",
        "units/leadership_views.py",
    } <= names
    assert any(name.startswith("awards/views") for name in names)


@pytest.mark.parametrize(
    "source",
    [
        "from units.access import ADMIN_ROLES",
        "from units.models import Membership, Unit",
        "from units import access\naccess.is_superuser(user)",
        "user.is_superuser",
        "access.grants_for(user).paths(KEEPER)",
        "Unit.objects.filter(access.unit_q(user))",
        "holds(user, unit, roles)",
        "if role == Role.OFFICER: pass",
    ],
)
def test_a_role_read_is_caught(source):
    assert violations(source)


def test_asking_the_policy_is_allowed():
    source = (
        "from units import access\n"
        "access.can_create(user, AwardRound, unit)\n"
        "access.units_for(user, 'create', AwardRound, own=True)\n"
        "access.objects_for(user, 'answer', Dossier)\n"
        "access.can(user, 'vote', agenda_item)\n"
    )
    assert violations(source) == []


@pytest.mark.parametrize(
    "path", view_modules(), ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_view_decides_a_right_by_itself(path):
    found = violations(path.read_text(encoding="utf-8"))
    where = [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found]
    assert not where, "ask units.access instead:\n" + "\n".join(where)
