"""The confidential part of a request (initiatives.confidential) reaches no one
who may not read it. The sweep of every output is in the permission matrix
(tests/test_permission_matrix.py): every page, export, print and feed fetched by
every role, with a marker in the confidential part of every request, must not
show the marker of a request to someone the policy does not let read it. Here:
the declaration, the sweep's own check, and the audit log and search key, which
never hold it at all."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.text import fold
from initiatives import confidential
from initiatives.models import Initiative
from tests import confidential_sweep
from tests.confidential_sweep import marker

pytestmark = pytest.mark.django_db


def test_the_confidential_part_is_declared_once():
    assert confidential.FIELDS == ("confidential_info",)
    assert all(hasattr(Initiative, name) for name in confidential.FIELDS)
    with pytest.raises(Exception, match="confidential part"):
        confidential.check_public(("title", "confidential_info"), "An export")


def test_a_marked_confidential_part_in_an_answer_is_found(cast, client_for):
    """The sweep of every output (tests/test_permission_matrix.py) would see a
    leak: in a page, a PDF and a workbook."""
    from tests.initiatives.helpers import make_request

    initiative = make_request(
        cast.a1_member, unit=cast.tree.a1, recognizing_unit=cast.tree.a
    )
    initiatives, markers = confidential_sweep.plant()
    hidden = confidential_sweep.hidden_from(cast.b_admin, initiatives, markers)
    assert initiative.pk in hidden
    assert confidential_sweep.hidden_from(cast.a1_member, initiatives, markers) == {}
    client = client_for(cast.a1_member)
    for name in ("initiatives:detail", "initiatives:pdf"):
        response = client.get(reverse(name, args=[initiative.pk]))
        assert response.status_code == 200, name
        text = confidential_sweep.readable(response)
        assert confidential_sweep.leaks(text, hidden, name), name


def test_the_audit_log_and_the_search_key_never_hold_it(cast):
    from tests.initiatives.helpers import make_request

    initiative = make_request(
        cast.a1_member, unit=cast.tree.a1, recognizing_unit=cast.tree.a
    )
    secret = marker(initiative)
    initiative.confidential_info = secret
    initiative.fill_derived()
    initiative.save()
    initiative.refresh_from_db()
    assert initiative.confidential_info == secret
    assert fold(secret) not in initiative.search_text
    entries = AuditEntry.objects.filter(
        target_type="initiatives.initiative", target_id=str(initiative.pk)
    )
    changed = [entry for entry in entries if "confidential_info" in entry.changes]
    assert changed, [entry.changes for entry in entries]
    for entry in entries:
        assert secret not in str(vars(entry)), entry.changes
