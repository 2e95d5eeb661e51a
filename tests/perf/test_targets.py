"""Target discovery without the demo data (tests/perf/test_targets_demo.py has
the demo data)."""

import pytest

from perf import server
from perf.targets import pages

pytestmark = pytest.mark.django_db


def test_no_target_but_the_bare_page_without_demo_data():
    found = {t.key: t for t in pages.discover()}
    assert found["bare"].found
    assert not found["missing_user"].found
    assert "seed the demo data" in found["missing_user"].note
    assert server.seeded("demo") == (False, "no demo data")


def test_no_deep_page_when_everything_fits_on_one(cast):
    deep = pages.list_deep(cast.province_staff)
    assert deep.url is None
    assert deep.note == "0 requests visible: one page only, no deep page"
