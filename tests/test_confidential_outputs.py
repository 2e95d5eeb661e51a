"""The confidential part of a request (initiatives.confidential) reaches no one
who may not read it, through any output: every page, export, print and feed of
the permission matrix is fetched by every role, with a marker in the
confidential part of every request of the world, and the marker of a request
must not be in an answer to someone the policy does not let read it. The audit
log and the search key never hold it at all."""

import io
import subprocess
import zipfile

import pytest
from django.db import transaction

from audit.models import AuditEntry
from core.text import fold
from initiatives import confidential
from initiatives.models import Initiative
from tests.initiatives.pdf_helpers import pdf_raw_text
from tests.permission_world import ROLES
from tests.test_permission_matrix import (  # noqa: F401  (fixtures)
    MATRIX,
    PARTS,
    media_root,
    path_of,
    world,
)

pytestmark = pytest.mark.django_db


def marker(initiative) -> str:
    return f"Mật khẩu kho số {initiative.pk} là Xq{initiative.pk}Zk"


def readable(response) -> str:
    """What a person reads in an answer: the text of a page, of a PDF, of the
    parts of a workbook or Word file."""
    body = response.content if not response.streaming else b"".join(response)
    if body.startswith(b"%PDF"):
        try:
            return pdf_raw_text(body)
        except subprocess.CalledProcessError:
            # Not a PDF poppler reads (a test upload): its bytes as they are.
            return body.decode("utf-8", "replace")
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
            )
    return body.decode("utf-8", "replace")


def plant(initiatives) -> dict[int, str]:
    markers = {}
    for initiative in initiatives:
        markers[initiative.pk] = marker(initiative)
        Initiative.objects.filter(pk=initiative.pk).update(
            confidential_info=markers[initiative.pk]
        )
    return markers


def test_the_confidential_part_is_declared_once():
    assert confidential.FIELDS == ("confidential_info",)
    assert all(hasattr(Initiative, name) for name in confidential.FIELDS)
    with pytest.raises(Exception, match="confidential part"):
        confidential.check_public(("title", "confidential_info"), "An export")


@pytest.mark.parametrize("part", PARTS)
def test_no_output_shows_the_confidential_part_to_someone_who_may_not_read_it(
    part,
    world,  # noqa: F811
    client_for,
):
    initiatives = list(Initiative.objects.select_related("recognizing_unit"))
    assert initiatives
    markers = plant(initiatives)
    names = [name for name in MATRIX if PARTS[part](name) and "GET" in MATRIX[name][1]]
    leaks, shown = [], 0
    for role in ROLES:
        user = world.roles[role]
        hidden = {
            pk: text
            for pk, text in markers.items()
            if user is None
            or not confidential.may_read(
                user, next(i for i in initiatives if i.pk == pk)
            )
        }
        client = client_for(user)
        for name in names:
            path = path_of(world, name, MATRIX[name][0])
            with transaction.atomic():
                response = client.get(path)
                transaction.set_rollback(True)
            if response.status_code != 200:
                continue
            text = readable(response)
            shown += any(m in text for m in markers.values())
            leaks += [
                f"{role} GET {path}: request {pk}"
                for pk, m in hidden.items()
                if m in text
            ]
    assert not leaks, "\n".join(leaks)
    if part == "requests":
        # The pages do show it to those who may read it (the marker is findable).
        assert shown


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
