"""Download an issued document: the stored PDF, byte for byte as issued."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from documents.models import IssuedDocument
from documents.services import document_bytes
from units import access


@login_required
@require_GET
def download(request, pk):
    document = access.get_for_user(
        request.user, IssuedDocument.objects.select_related("series"), "download", pk=pk
    )
    response = HttpResponse(document_bytes(document), content_type="application/pdf")
    name = document.symbol.replace("/", "-") or f"van-ban-{document.pk}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.pdf"
    )
    # Issued documents never change: caches may keep them.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["ETag"] = f'"{document.sha256}"'
    return response
