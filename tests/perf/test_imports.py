"""The local measure of the imports (perf/imports.py) on small files built the
same way: a province, upper-level unions under it and grassroots unions under
them, and people in those unions."""

import io

import pytest

from perf import imports
from units.models import ImportBatch, Membership, Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_both_files_are_checked_applied_and_reported():
    out = io.StringIO()
    results = imports.run(60, 40, False, out)
    imports.report(results, out)
    figures = imports.summary(results)

    assert results["units"]["rows"] == 60
    assert results["people"]["rows"] == 40
    province = Unit.objects.get(code=imports.PROVINCE)
    below = Unit.objects.filter(
        path__startswith=province.path, depth__gt=province.depth
    )
    assert below.count() == 60
    assert below.filter(kind=UnitKind.UPPER, depth=province.depth + 1).count() == 3
    assert Membership.objects.filter(unit__kind=UnitKind.GRASSROOTS).count() == 40
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {"applied"}
    for kind in ("units", "people"):
        assert figures[kind]["yardsticks"] > 0
        assert f"{kind:7}" in out.getvalue()
    assert "Yardstick: 2,000 single-row queries" in out.getvalue()
