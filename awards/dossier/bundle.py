"""The dossier's parts together: one PDF with a table of contents, and a ZIP of
the parts with Word versions."""

import io
import zipfile
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter

from awards.dossier.drafting import entries_of, selected
from awards.dossier.issuing import latest_summary
from awards.models import Candidate, Dossier, MovementRecord
from documents.models import IssuedDocument
from documents.rendering import render_pdf
from documents.services import document_bytes
from initiatives import uploads


@dataclass
class Part:
    title: str
    symbol: str
    pdf: bytes
    name: str


def parts(dossier: Dossier) -> list[Part]:
    """The dossier's documents in order, with the recognition decisions and the
    PDF records they refer to."""
    award_round = dossier.round
    found: list[Part] = []
    seen: set[int] = set()

    def add_document(document: IssuedDocument, title: str | None = None) -> None:
        if document is None or document.pk in seen:
            return
        seen.add(document.pk)
        found.append(
            Part(
                title or document.title,
                document.symbol,
                document_bytes(document),
                f"{len(found) + 1:02d}-{document.symbol.replace('/', '-')}.pdf",
            )
        )

    add_document(dossier.submission)
    add_document(dossier.excerpt)
    for candidate in selected(award_round):
        add_document(latest_summary(candidate))
        for entry in entries_of(candidate, award_round.year):
            if entry.decision is not None:
                add_document(
                    entry.decision,
                    f"Quyết định công nhận sáng kiến “{entry.title}”",
                )
        if candidate.kind == Candidate.Kind.COLLECTIVE:
            for record in MovementRecord.objects.filter(
                unit=candidate.unit, year=award_round.year
            ).exclude(file=""):
                with record.file.open("rb") as handle:
                    data = handle.read()
                if uploads.detect(data) is uploads.PDF:
                    found.append(
                        Part(
                            f"{record.get_kind_display().capitalize()}: {record.title}",
                            "",
                            data,
                            f"{len(found) + 1:02d}-tai-lieu-{record.pk}.pdf",
                        )
                    )
    return found


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def bundle(dossier: Dossier) -> tuple[bytes, list[dict]]:
    """One PDF: a table of contents, then every part. Returns the PDF and the
    table's rows (title, symbol, first page)."""
    found = parts(dossier)
    counts = [_pages(part.pdf) for part in found]
    context = {
        "round": dossier.round,
        "unit_name": dossier.round.unit.name,
    }
    toc_pages = 1
    for _attempt in range(3):
        rows, page = [], toc_pages + 1
        for part, count in zip(found, counts, strict=True):
            rows.append({"title": part.title, "symbol": part.symbol, "page": page})
            page += count
        toc = render_pdf("documents/award_bundle_toc.html", {**context, "rows": rows})
        if _pages(toc) == toc_pages:
            break
        toc_pages = _pages(toc)
    writer = PdfWriter()
    for pdf in [toc, *(part.pdf for part in found)]:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), rows


def archive(dossier: Dossier) -> bytes:
    """A ZIP of the parts as PDF, with Word versions of the Tờ trình and the
    summaries."""
    from awards import word

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for part in parts(dossier):
            zipped.writestr(part.name, part.pdf)
        for name, data in word.documents(dossier):
            zipped.writestr(name, data)
    return buffer.getvalue()
