"""Small builders and readers for the initiatives tests.

Requests are made through the services, in any state of their lifecycle, so that
the rows look exactly as the application writes them.
"""

import datetime
import html
import io
import re
import subprocess
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents.models import IssuedDocument
from initiatives import services
from initiatives.models import (
    Attachment,
    Idea,
    IdeaComment,
    Initiative,
    Registration,
    Status,
)
from initiatives.services import AuthorData
from tests.factories import UserFactory, grant
from units.models import Role

PDFTOTEXT = "/usr/bin/pdftotext"
# The smallest file the upload check recognises as a PDF.
PDF_FILE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
THIS_YEAR = timezone.localdate().year


def person(username: str, unit=None, role: str = Role.MEMBER, **extra):
    """Return a new user holding the role on the unit (a member by default)."""
    user = UserFactory(username=username, **extra)
    if unit is not None:
        grant(user, unit, role)
    return user


def author(user=None, share="100", *, name: str | None = None, **extra) -> AuthorData:
    """Return one author: a registered person, or just a name."""
    return AuthorData(
        full_name=name or user.full_name or user.username,
        share=Decimal(share),
        user=user,
        **extra,
    )


def complete_fields(**overrides) -> dict:
    """Return everything a request needs before it may be submitted."""
    fields = {
        "year": THIS_YEAR,
        "title": "Sáng kiến thử nghiệm",
        "essence": "Mô tả bản chất của sáng kiến.",
        "benefits_author": "Tiết kiệm thời gian.",
        "level": Initiative.Scope.GRASSROOTS,
        "first_applied_on": datetime.date(THIS_YEAR - 1, 9, 5),
        "field_other": "Giáo dục",
    }
    fields.update(overrides)
    return fields


def make_request(
    creator,
    *,
    unit,
    recognizing_unit=None,
    authors=None,
    status: str = Status.DRAFT,
    staff=None,
    registration=None,
    **fields,
) -> Initiative:
    """File a request through the services and walk it to `status`.

    `staff` (someone over the recognising unit) returns or accepts it.
    """
    initiative = services.initiative_create(
        actor=creator,
        unit=unit,
        recognizing_unit=recognizing_unit or unit,
        authors=authors or [author(creator)],
        registration=registration,
        **complete_fields(**fields),
    )
    return move_to(initiative, status, actor=creator, staff=staff)


def move_to(initiative: Initiative, status: str, *, actor, staff=None) -> Initiative:
    """Walk a draft to the status; `actor` is an author, `staff` does the intake."""
    if status == Status.DRAFT:
        return initiative
    if status == Status.WITHDRAWN:
        services.initiative_withdraw(initiative=initiative, actor=actor)
        return Initiative.objects.get(pk=initiative.pk)
    services.initiative_submit(initiative=initiative, actor=actor)
    if status == Status.RETURNED:
        services.initiative_return(
            initiative=initiative, actor=staff, reason="Bổ sung minh chứng."
        )
    elif status == Status.ACCEPTED:
        services.initiative_accept(initiative=initiative, actor=staff)
    current = Initiative.objects.get(pk=initiative.pk)
    assert current.status == status
    return current


def state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(Initiative.objects.order_by("pk").values_list("status", "version")),
        list(Attachment.objects.order_by("pk").values_list("pk", flat=True)),
        list(Registration.objects.order_by("pk").values_list("withdrawn_at", "title")),
        list(Idea.objects.order_by("pk").values_list("status", "initiative")),
        IdeaComment.objects.count(),
        IssuedDocument.objects.count(),
    )


def pdf_upload(name: str = "minh-chung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_FILE, content_type="application/pdf")


def attach(initiative: Initiative, actor, name: str = "minh-chung.pdf"):
    return services.attachment_add(
        initiative=initiative, actor=actor, upload=pdf_upload(name)
    )


def registration_for(user, unit, title: str = "Đăng ký sáng kiến năm nay"):
    return services.registration_create(
        actor=user,
        unit=unit,
        year=THIS_YEAR,
        title=title,
        kind=Initiative.Kind.INITIATIVE,
        field=None,
        field_other="Giáo dục",
        expected_completion=datetime.date(THIS_YEAR, 12, 31),
        team="",
        note="",
    )


def idea_for(user, unit, title: str = "Ý tưởng về thư viện số", text: str = ""):
    return services.idea_create(
        actor=user, unit=unit, title=title, description=text or "Nội dung ý tưởng."
    )


def request_form_data(
    unit, recognizing_unit, *, title: str, authors, version=None, **extra
) -> dict:
    """Return the POST data of the request form; `authors` are (user, share)."""
    data = {
        "unit": unit.pk,
        "recognizing_unit": recognizing_unit.pk,
        "year": THIS_YEAR,
        "title": title,
        "kind": Initiative.Kind.INITIATIVE,
        "field": "",
        "field_other": "Giáo dục",
        "level": Initiative.Scope.GRASSROOTS,
        "first_applied_on": f"05/09/{THIS_YEAR - 1}",
        "essence": "Các bước thực hiện.",
        "benefits_author": "Tiết kiệm.",
        "version": version or "",
        "authors-TOTAL_FORMS": len(authors),
        "authors-INITIAL_FORMS": 0,
        "authors-MIN_NUM_FORMS": 0,
        "authors-MAX_NUM_FORMS": 20,
        **extra,
    }
    for index, (user, share) in enumerate(authors):
        data[f"authors-{index}-person"] = user.username
        data[f"authors-{index}-full_name"] = user.full_name
        data[f"authors-{index}-share"] = share
    return data


def registration_form_data(unit, title: str) -> dict:
    return {
        "unit": unit.pk,
        "year": THIS_YEAR,
        "title": title,
        "kind": Initiative.Kind.INITIATIVE,
        "field": "",
        "field_other": "Y tế",
        "expected_completion": f"30/11/{THIS_YEAR}",
        "team": "",
        "note": "",
    }


def pdf_text(content: bytes) -> str:
    """Return the text of a PDF as pdftotext reads it, white space removed."""
    result = subprocess.run(  # noqa: S603 (a fixed tool, our own PDF on stdin)
        [PDFTOTEXT, "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return "".join(result.stdout.decode("utf-8").split())


def xlsx_rows(content: bytes) -> list[list]:
    """Return the rows of the first sheet of an .xlsx file, header row first."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_cells(content: bytes):
    """Return the cells of the first sheet of an .xlsx file, header row first."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def assert_login_redirect(response, path: str) -> None:
    """The anonymous visitor was sent to the login page, to come back to `path`."""
    assert response.status_code == 302, response.status_code
    target = urlsplit(response.url)
    assert target.path == reverse("login"), response.url
    assert parse_qs(target.query)["next"] == [path], response.url


def pagination_hrefs(response) -> list[str]:
    """Return the links of the keyset pagination of a list page, unescaped."""
    content = response.content.decode()
    nav = re.search(r'<ul class="pagination[^"]*">(.*?)</ul>', content, re.S)
    if nav is None:
        return []
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', nav[1])]


def href_to(response, cursor: str) -> str:
    """Return the one pagination link of the page that carries this cursor."""
    found = [h for h in pagination_hrefs(response) if f"cursor={cursor}" in h]
    assert len(found) == 1, (cursor, pagination_hrefs(response))
    return found[0]
