"""`seed_demo`, the command of the sampledata app: each app's part of the demo in
a fixed order, after the apps it uses, then the accounts. The demo is seeded once
for the module (tests/conftest.py, demo_once)."""

import pytest

from sampledata.demo import people

pytestmark = pytest.mark.django_db


def test_each_apps_part_is_built_after_the_apps_it_uses(demo_once):
    lines = demo_once.output.splitlines()
    parts = [line for line in lines if line.startswith("Demo data, ")]
    assert [line.split(":")[0] for line in parts] == [
        "Demo data, units",
        "Demo data, initiatives",
        "Demo data, goldbook",
        "Demo data, awards",
    ]
    # Each part found what it builds on: none of them came out empty.
    assert all(not line.endswith(": nothing created.") for line in parts)
    assert "Demo data, goldbook: 8 gold book entries created." in parts
    heading = f"Demo accounts (password for all: {people.DEMO_PASSWORD}):"
    assert lines.index(heading) > lines.index(parts[-1])
    for account in people.ACCOUNTS:
        assert any(line.split()[:1] == [account.username] for line in lines)
