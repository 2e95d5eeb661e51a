"""The one rule for code in uploads (core.upload_checks), file by file.

tests/test_hostile_uploads.py posts these files to every upload point; here each
way of carrying code, and each legitimate file, is checked by the rule itself.
"""

import io
import random
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError

from core import upload_checks as checks
from tests import upload_samples as samples

HOSTILE = {
    "Word file with a VBA project": (samples.docx_with_vba_project, checks.MACROS),
    ".docm renamed .docx": (samples.docm_renamed_docx, checks.MACROS),
    "Word file with an ActiveX control": (samples.docx_with_activex, checks.MACROS),
    ".xlsm renamed .xlsx": (samples.xlsm_renamed_xlsx, checks.MACROS),
    "PDF with JavaScript": (samples.pdf_with_javascript, checks.PDF_SCRIPT),
    "PDF with /J#61vaScript": (
        samples.pdf_with_escaped_javascript,
        checks.PDF_SCRIPT,
    ),
    "PDF with JavaScript in an object stream": (
        samples.pdf_with_javascript_in_object_stream,
        checks.PDF_SCRIPT,
    ),
    "PDF with a launch action": (samples.pdf_with_launch, checks.PDF_LAUNCH),
    "PDF with /L#61unch": (samples.pdf_with_escaped_launch, checks.PDF_LAUNCH),
    "PDF with an embedded file": (
        samples.pdf_with_embedded_file,
        checks.PDF_EMBEDDED,
    ),
    "PDF with escaped embedded file names": (
        samples.pdf_with_escaped_embedded_file,
        checks.PDF_EMBEDDED,
    ),
    "PDF with rich media": (samples.pdf_with_rich_media, checks.PDF_EMBEDDED),
    "PDF with a hex-packed object stream": (
        samples.pdf_with_hex_packed_object_stream,
        checks.UNCHECKABLE,
    ),
    "PDF that is also a ZIP": (samples.pdf_that_is_a_zip, checks.TWO_FORMATS),
    "Word file that is also a PDF": (
        samples.docx_with_pdf_header,
        checks.TWO_FORMATS,
    ),
    "Word file with a PDF after it": (samples.docx_with_pdf_after, checks.TWO_FORMATS),
    "Word file with a PDF in its comment": (
        samples.docx_with_pdf_in_comment,
        checks.TWO_FORMATS,
    ),
    "PNG with a ZIP appended": (samples.png_with_zip, checks.TWO_FORMATS),
    "JPEG with a ZIP appended": (samples.jpeg_with_zip, checks.TWO_FORMATS),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_file_carrying_code_is_refused_for_its_reason(case):
    build, reason = HOSTILE[case]
    data = build()
    assert checks.code_in(data) == reason
    with pytest.raises(ValidationError) as refused:
        checks.check_no_code(data)
    assert refused.value.code == reason
    assert refused.value.messages == [str(checks.MESSAGES[reason])]


LEGITIMATE = {
    "Word file with a picture": samples.plain_docx,
    "Excel workbook": samples.plain_xlsx,
    "PDF with a link, an outline and an opening view": samples.pdf_with_links,
    "PDF printed by the site (object streams, links)": samples.weasyprint_pdf,
    "PNG photo": lambda: samples.noise_image("PNG", 400),
    "JPEG photo": lambda: samples.noise_image("JPEG", 400),
    "CSV table": lambda: "Mã đơn vị,Họ và tên\nCB-A1,Nguyễn Văn An\n".encode(),
    "CSV table in UTF-16": lambda: "Mã đơn vị,Họ và tên\n".encode("utf-16"),
}


@pytest.mark.parametrize("case", LEGITIMATE)
def test_a_legitimate_file_is_taken(case):
    data = LEGITIMATE[case]()
    assert checks.code_in(data) is None
    checks.check_no_code(data)


def test_names_in_the_data_of_streams_are_not_read():
    """Compressed data spells short names now and then; a stream read by its
    length, direct or in an object of its own, is skipped."""
    inner = b"BT /JS (x) /EF << >> /JavaScript /Launch ET"
    direct = samples.pdf(samples.stream(b"", inner))
    indirect = samples.pdf(
        b"<< /Length 5 0 R >>\nstream\n" + inner + b"\nendstream",
        b"%d" % len(inner),
    )
    assert checks.code_in(direct) is None
    assert checks.code_in(indirect) is None


def test_stream_data_whose_length_does_not_end_it_is_read():
    inner = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    wrong = samples.pdf(b"<< /Length 3 >>\nstream\n" + inner + b"\nendstream")
    spelled = samples.pdf(b"<< /A (stream\n) /B " + inner + b" /C (endstream) >>")
    assert checks.code_in(wrong) == checks.PDF_SCRIPT
    assert checks.code_in(spelled) == checks.PDF_SCRIPT


def _object_stream(dictionary: bytes, objects: bytes) -> bytes:
    """A PDF with an object stream no cross-reference stream points to, as a
    reader rebuilding a damaged file finds it."""
    return samples.pdf(
        samples.stream(dictionary, zlib.compress(objects)),
        catalog=b"/OpenAction 5 0 R",
    )


def test_an_object_stream_found_by_its_dictionary_is_read():
    objects = b"5 0 " + samples.PDF_JAVASCRIPT_ESCAPED
    typed = _object_stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", objects)
    untyped = _object_stream(b"/N 1 /First 4 /Filter /Fl#61teDecode", objects)
    assert checks.code_in(typed) == checks.PDF_SCRIPT
    assert checks.code_in(untyped) == checks.PDF_SCRIPT
    benign = _object_stream(
        b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
        b"5 0 << /S /URI /URI (https://congdoan.vn/) >>",
    )
    assert checks.code_in(benign) is None


def test_object_streams_the_cross_reference_points_to_are_read():
    """Read as a reader reads them, whatever their dictionaries look like."""
    hostile = samples.pdf_with_javascript_in_object_stream()
    assert checks._code_in_object_streams(hostile) == checks.PDF_SCRIPT
    assert checks._code_in_object_streams(samples.weasyprint_pdf()) is None


def test_an_object_stream_past_the_limit_is_not_checked(monkeypatch):
    monkeypatch.setattr(checks, "PDF_UNPACKED_LIMIT", 1000)
    data = _object_stream(
        b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
        b"5 0 << /S /URI >>" + b" " * 5000,
    )
    assert checks.code_in(data) == checks.UNCHECKABLE


def test_object_streams_packed_with_other_filters_are_not_checked():
    assert (
        checks.code_in(samples.pdf_with_hex_packed_object_stream())
        == checks.UNCHECKABLE
    )
    predicted = _object_stream(
        b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode"
        b" /DecodeParms << /Predictor 12 /Columns 5 >>",
        b"5 0 << >>",
    )
    assert checks.code_in(predicted) == checks.UNCHECKABLE


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.ms-word.document.macro&#69;nabled.main+xml",
        "application/vnd.ms-word.document.macro&#x45;nabled.main+xml",
        "application/vnd.ms-excel.macrosheet+xml",
        "application/vnd.ms-office.vbaProject",
        "application/vnd.ms-office.activeX+xml",
    ],
)
def test_a_macro_content_type_is_refused_however_it_is_spelled(content_type):
    data = samples.repack(
        samples.plain_docx(),
        replace={
            'Extension="xml" ContentType="application/xml"': (
                f'Extension="xml" ContentType="{content_type}"'
            )
        },
    )
    assert checks.code_in(data) == checks.MACROS


def test_content_types_in_utf16_are_read():
    with zipfile.ZipFile(io.BytesIO(samples.docm_renamed_docx())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("encoding='UTF-8'", "encoding='UTF-16'")
    parts["[Content_Types].xml"] = types.encode("utf-16")
    assert checks.code_in(samples.zip_archive(parts)) == checks.MACROS


@pytest.mark.parametrize("seed", range(5))
def test_zip_signatures_in_random_data_are_no_archive(seed):
    """The signatures alone are four bytes: the fields after them must hold."""
    rng = random.Random(seed)
    noise = b"".join(
        rng.choice([b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02"]) + rng.randbytes(40)
        for _ in range(2000)
    )
    assert checks.code_in(b"%PDF-1.7\n" + noise) is None
    assert checks.code_in(samples.noise_image("PNG") + noise) is None


def test_a_pdf_header_late_in_the_first_kilobyte_makes_two_formats():
    csv = "Mã đơn vị,Họ và tên\n".encode() + b"x" * 900 + b"%PDF-1.4\n"
    assert checks.code_in(csv) == checks.TWO_FORMATS
    assert checks.code_in(b"x" * 1100 + b"%PDF-1.4\n") is None
    assert checks.code_in(b"\r\n  " + samples.pdf_with_links()) is None


def test_content_types_declaring_entities_are_not_checked():
    """An entity could spell a macro content type where no letter shows it."""
    with zipfile.ZipFile(io.BytesIO(samples.plain_docx())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "<Types ",
        '<!DOCTYPE Types [<!ENTITY m "macroEnabled">]><Types ',
    )
    parts["[Content_Types].xml"] = types.encode()
    assert checks.code_in(samples.zip_archive(parts)) == checks.UNCHECKABLE
