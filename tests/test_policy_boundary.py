"""Views ask the access policy and nothing else: no view module reads roles or
memberships to decide a right by itself.

Every view module is parsed; a name read, an attribute read or an import of one
of the role primitives of `units.access` or `units.models` fails the test with
the file and line, so the rule moves into the app's `permissions.py`. The
modules that decide what a page offers for the views — the home page's panels,
the context processors (the menus) and the selectors — are held to the same
rule, bar the pure data reads listed in `ALLOWED`; and no template asks whether
the user is a superuser: the view or the menu gives it a flag from the policy.
"""

import ast
import re
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


# Pure data reads kept in the modules that help the views: (file, name) -> why.
# Nothing here decides a right; which units or objects a person may act on comes
# from the policy even in these files.
ALLOWED = {
    # The people of a unit and their roles, to list them (the scope is the
    # policy's); the members counted in the tree; a block's head.
    ("units/selectors.py", "Membership"): "people and roles, shown",
    ("units/selectors.py", "Role"): "Role.MEMBER counted, EmulationBlockMember.Role",
    # The union a person is a member of: the default offered when filing.
    ("initiatives/selectors/requests.py", "Role"): "Role.MEMBER, a default",
}


def _modules(patterns: tuple[str, ...]) -> list[Path]:
    found = {
        path
        for pattern in patterns
        for path in ROOT.glob(pattern)
        if not path.parts[len(ROOT.parts)].startswith(".")
        and path.parts[len(ROOT.parts)] not in {"tests", "node_modules"}
    }
    return sorted(found)


def view_modules() -> list[Path]:
    return _modules(("*/views.py", "*/views_*.py", "*/*_views.py", "*/views/*.py"))


def helper_modules() -> list[Path]:
    """The modules that work out a page's offer for the views."""
    return _modules(
        ("*/home.py", "*/context_processors.py", "*/selectors.py", "*/selectors/*.py")
    )


def violations(source: str, allowed: frozenset[str] = frozenset()):
    """The places in the source that read a role primitive (bar the names
    allowed): (line, what)."""

    def forbidden(name: str) -> bool:
        return _forbidden(name) and name not in allowed

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if forbidden(alias.name):
                    found.append((node.lineno, f"imports {alias.name}"))
        elif isinstance(node, ast.Name) and forbidden(node.id):
            found.append((node.lineno, f"reads {node.id}"))
        elif isinstance(node, ast.Attribute) and forbidden(node.attr):
            found.append((node.lineno, f"reads .{node.attr}"))
    return sorted(found)


def allowed_in(path: Path) -> frozenset[str]:
    name = str(path.relative_to(ROOT))
    return frozenset(what for where, what in ALLOWED if where == name)


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


def test_the_helper_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in helper_modules()}
    assert {
        "awards/home.py",
        "initiatives/home.py",
        "units/context_processors.py",
        "goldbook/selectors.py",
        "units/selectors.py",
        "initiatives/selectors/requests.py",
    } <= names


@pytest.mark.parametrize(
    "path", helper_modules(), ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_panel_menu_or_selector_decides_a_right_by_itself(path):
    found = violations(path.read_text(encoding="utf-8"), allowed_in(path))
    where = [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found]
    assert not where, "ask units.access instead:\n" + "\n".join(where)


def test_an_allowed_name_is_allowed_only_where_listed():
    source = "from units.models import Membership, Role\nRole.MEMBER"
    assert violations(source, frozenset({"Membership", "Role"})) == []
    assert violations(source, frozenset({"Role"})) == [(1, "imports Membership")]


@pytest.mark.parametrize(("where", "name"), sorted(ALLOWED))
def test_each_allowance_is_still_needed(where, name):
    # The list stays as short as the reads it covers.
    path = ROOT / where
    assert violations(path.read_text(encoding="utf-8")) != violations(
        path.read_text(encoding="utf-8"), frozenset({name})
    ), f"{where} no longer reads {name}: drop it from ALLOWED"


# --- Templates ------------------------------------------------------------------------

SUPERUSER_READ = re.compile(r"\buser\.is_superuser\b")


def templates() -> list[Path]:
    """The project's templates, bar the admin site's own (which may ask)."""
    found = set((ROOT / "templates").rglob("*.html"))
    found |= {
        path
        for path in ROOT.glob("*/templates/**/*.html")
        if path.parts[len(ROOT.parts)] not in {"tests", "node_modules", ".venv"}
    }
    return sorted(
        path
        for path in found
        if "admin" not in path.relative_to(ROOT).parts[:-1]
        and not path.relative_to(ROOT).parts[0].startswith(".")
    )


def superuser_reads(text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if SUPERUSER_READ.search(line)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "{% if user.is_superuser %}x{% endif %}",
        "{% elif request.user.is_superuser %}",
        "{{ user.is_superuser|yesno }}",
    ],
)
def test_a_superuser_read_in_a_template_is_caught(text):
    assert superuser_reads(text) == [1]


def test_the_templates_are_found():
    names = {str(path.relative_to(ROOT)) for path in templates()}
    assert {"templates/home.html", "templates/includes/nav.html"} <= names


def test_no_template_asks_whether_the_user_is_a_superuser():
    where = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in templates()
        for line in superuser_reads(path.read_text(encoding="utf-8"))
    ]
    assert not where, "give the template a flag from units.access:\n" + "\n".join(where)
