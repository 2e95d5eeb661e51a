"""Fixtures for the Gold Books: recognitions with their decision issued, ready to
be written in, and entries confirmed through the real services.

Recognitions go through the real intake, session, votes and closing (the council
kit). The decision document is recorded directly with a small PDF instead of being
rendered, which keeps these tests fast; the demo and the browser journey issue
real decisions.
"""

import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument, NumberSeries
from goldbook import services
from initiatives.models import CouncilItem
from sampledata.common import pdf_bytes
from tests.initiatives.council_kit import Kit

SUMMARY = "Rút ngắn thời gian xử lý hồ sơ đoàn viên từ 5 ngày xuống 2 ngày."
EVIDENCE = "Xác nhận áp dụng của Ban Thường vụ ngày 15/10, kèm báo cáo hiệu quả."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def issue_decision(item: CouncilItem) -> IssuedDocument:
    """Record the council's recognition decision for the item (a stored PDF, a
    number in the council's series), as the session's documents would."""
    unit = item.council.unit
    day = item.decided_on or timezone.localdate()
    series, _created = NumberSeries.objects.get_or_create(
        unit=unit, code="QĐ-HĐSK", year=day.year
    )
    series.last_number += 1
    series.save(update_fields=["last_number"])
    content = pdf_bytes(f"Quyết định công nhận sáng kiến số {series.last_number}")
    document = IssuedDocument(
        series=series,
        number=series.last_number,
        kind=DocumentKind.DECISION,
        title=f"Quyết định công nhận: {item.initiative.title}"[:500],
        symbol=f"{series.last_number:02d}/QĐ-HĐSK",
        issued_on=day,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    document.file.save("quyet-dinh.pdf", ContentFile(content), save=False)
    document.save()
    CouncilItem.objects.filter(pk=item.pk).update(decision=document)
    item.refresh_from_db()
    return document


class Gold:
    """Recognitions and Gold Book entries at any council of the fixed cast."""

    def __init__(self, cast):
        self.cast = cast
        self.kit = Kit(cast)
        self._boards = {}

    def board(self, council) -> list:
        """Three seated members (chair, secretary, vice-chair), once per council."""
        if council.pk not in self._boards:
            self._boards[council.pk] = self.kit.seat(council, 3)
        return self._boards[council.pk]

    def keeper(self, council):
        """A person who keeps the book of the council's unit."""
        code = council.unit.code
        return (
            self.cast.province_staff
            if code in ("CB", "CB-P1")
            else (self.cast.a_staff if code.startswith("CB-A") else self.cast.b_admin)
        )

    def recognised(self, council=None, *, decision=True, **kwargs) -> CouncilItem:
        """An item the council recognised, with its decision issued by default."""
        council = council or self.cast.councils.a
        item = self.kit.recognised(council, self.board(council), **kwargs)
        if decision:
            issue_decision(item)
        return item

    def entry(self, council=None, *, summary: str = SUMMARY, **kwargs):
        """A recognition written in its council unit's book by its keeper."""
        item = self.recognised(council, **kwargs)
        return services.entry_confirm(
            item=item,
            actor=self.keeper(item.council),
            public_summary=summary,
            application_evidence=EVIDENCE,
        )


@pytest.fixture
def gold(cast):
    return Gold(cast)


@pytest.fixture
def entry(gold):
    """One entry in the book of CB-A (an upper-level union)."""
    return gold.entry()


@pytest.fixture
def people(cast):
    return SimpleNamespace(
        anonymous=None,
        outsider=cast.outsider,
        member=cast.a1_member,
        officer=cast.a_officer,
        staff=cast.a_staff,
        admin=cast.a_admin,
        sibling_admin=cast.b_admin,
        province_staff=cast.province_staff,
    )
