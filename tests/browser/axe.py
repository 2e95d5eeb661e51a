"""axe-core in the browser journeys: the script that axe-playwright-python ships,
run against the current page with the WCAG 2.0/2.1 A and AA rules.

The site's Content-Security-Policy allows no inline script, so axe is not added
as a <script> element: `page.evaluate` runs it through the DevTools protocol,
which the page's CSP does not govern. The site's own policy stays as it is.
"""

from functools import cache
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
TARGETS_SHOWN = 5


@cache
def axe_script() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
        encoding="utf-8"
    )


def run_axe(page: Page) -> list[dict]:
    """The violations axe finds on the page as it stands (every impact)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    results = page.evaluate(
        """options => axe.run(document, options).then(results => results.violations)""",
        {
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in SERIOUS]


def describe(violations: list[dict]) -> str:
    """One paragraph per violation: id, impact, help, where, and why (the first
    node's summary), so that a failure says what to fix."""
    lines = []
    for violation in violations:
        nodes = violation.get("nodes", [])
        targets = [
            " ".join(map(str, node.get("target", []))) for node in nodes[:TARGETS_SHOWN]
        ]
        more = (
            f" (+{len(nodes) - TARGETS_SHOWN} more)"
            if len(nodes) > TARGETS_SHOWN
            else ""
        )
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}\n"
            f"  {violation.get('helpUrl', '')}\n"
            f"  targets: {', '.join(targets)}{more}"
        )
        if nodes and nodes[0].get("failureSummary"):
            summary = " ".join(nodes[0]["failureSummary"].split())
            lines.append(f"  first: {summary}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page, what: str) -> None:
    found = serious(run_axe(page))
    assert not found, (
        f"axe found {len(found)} serious or critical WCAG A/AA violation(s) on "
        f"{what} ({page.url}):\n{describe(found)}"
    )
