"""The confidential part of every request of a world, marked, and looked for in
what each person gets back (tests/test_permission_matrix.py fetches every page,
export, print and feed as every role and hands each answer here)."""

import io
import subprocess
import zipfile

from initiatives import confidential
from initiatives.models import Initiative
from tests.initiatives.pdf_helpers import pdf_raw_text


def marker(initiative) -> str:
    return f"Mật khẩu kho số {initiative.pk} là Xq{initiative.pk}Zk"


def plant() -> tuple[list[Initiative], dict[int, str]]:
    """A marker in the confidential part of every request; the requests and
    their markers."""
    initiatives = list(Initiative.objects.select_related("recognizing_unit"))
    markers = {}
    for initiative in initiatives:
        markers[initiative.pk] = marker(initiative)
        Initiative.objects.filter(pk=initiative.pk).update(
            confidential_info=markers[initiative.pk]
        )
        initiative.confidential_info = markers[initiative.pk]
    return initiatives, markers


def hidden_from(user, initiatives, markers) -> dict[int, str]:
    """The markers of the requests whose confidential part this person may not
    read."""
    return {
        initiative.pk: markers[initiative.pk]
        for initiative in initiatives
        if user is None or not confidential.may_read(user, initiative)
    }


def readable(response) -> str:
    """What a person reads in an answer: the text of a page, of a PDF, of the
    parts of a workbook or Word file."""
    body = b"".join(response) if response.streaming else response.content
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


def leaks(text: str, hidden: dict[int, str], where: str) -> list[str]:
    return [f"{where}: request {pk}" for pk, secret in hidden.items() if secret in text]
