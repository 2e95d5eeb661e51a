"""Files for the upload tests: legitimate ones made by the tools offices use (or
the same libraries), and hostile ones that carry code, built from them."""

import io
import random
import zipfile
import zlib

import docx
import pydyf
from openpyxl import Workbook
from PIL import Image

# --- Packages ------------------------------------------------------------------------

WORD_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
EXCEL_MAIN = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
# The start of a compound file, as a VBA project is stored.
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def plain_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Báo cáo kết quả áp dụng sáng kiến", level=1)
    document.add_paragraph("Tiết kiệm 1.200 giờ công mỗi năm.")
    image = io.BytesIO(noise_image("PNG"))
    document.add_picture(image)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_xlsx(*rows) -> bytes:
    book = Workbook()
    for row in rows or (["Mã đơn vị", "Xếp loại"], ["CB-A1", "Tốt"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def repack(data: bytes, add=None, replace=None, first=None) -> bytes:
    """The package with parts added, texts replaced in its parts, and `first`
    (name, bytes) stored, not compressed, ahead of every part."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        if first is not None:
            target.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for info in source.infolist():
            content = source.read(info.filename)
            for old, new in (replace or {}).items():
                content = content.replace(old.encode(), new.encode())
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return output.getvalue()


def zip_archive(files=None) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (files or {"run.bat": "calc.exe\r\n"}).items():
            archive.writestr(name, content)
    return output.getvalue()


def docx_with_vba_project() -> bytes:
    return repack(plain_docx(), add={"word/vbaProject.bin": OLE})


def docm_renamed_docx() -> bytes:
    """A macro-enabled document's content type in a .docx, nothing else changed."""
    return repack(plain_docx(), replace={WORD_MAIN: WORD_MACRO_MAIN})


def xlsm_renamed_xlsx() -> bytes:
    return repack(plain_xlsx(), replace={EXCEL_MAIN: EXCEL_MACRO_MAIN})


def docx_with_activex() -> bytes:
    return repack(
        plain_docx(),
        add={
            "word/activeX/activeX1.xml": (
                '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"'
                ' ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'
            ),
        },
    )


def docx_with_pdf_header() -> bytes:
    """A Word file whose first part makes it a PDF as well."""
    return repack(plain_docx(), first=("a.txt", pdf_with(b"<< /S /URI >>")))


def docx_with_pdf_after() -> bytes:
    """A Word file with a PDF after its end."""
    return plain_docx() + pdf_with(b"<< /S /URI >>")


def docx_with_pdf_in_comment() -> bytes:
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain_docx())) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.comment = pdf_with(b"<< /S /URI >>")
    return output.getvalue()


# --- PDF -----------------------------------------------------------------------------


def pdf(*objects: bytes, catalog: bytes = b"") -> bytes:
    """A PDF of one page: object 1 is the catalog (with `catalog` added), 2 the
    pages, 3 the page; `objects` are numbered from 4."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *objects,
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return out


def pdf_with(action: bytes) -> bytes:
    """A PDF that runs `action` when it is opened."""
    return pdf(action, catalog=b"/OpenAction 4 0 R")


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


PDF_JAVASCRIPT = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
PDF_JAVASCRIPT_ESCAPED = b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"
PDF_LAUNCH = b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>"


def pdf_with_javascript() -> bytes:
    return pdf_with(PDF_JAVASCRIPT)


def pdf_with_escaped_javascript() -> bytes:
    return pdf_with(PDF_JAVASCRIPT_ESCAPED)


def pdf_with_launch() -> bytes:
    return pdf_with(PDF_LAUNCH)


def pdf_with_escaped_launch() -> bytes:
    return pdf_with(b"<< /S /L#61unch /F (cmd.exe) >>")


def pdf_with_embedded_file() -> bytes:
    return pdf(
        b"<< /Type /Filespec /F (hoa-don.exe) /EF << /F 5 0 R >> >>",
        stream(b"/Type /EmbeddedFile", b"MZ\x90\x00"),
        catalog=b"/Names << /EmbeddedFiles << /Names [(hoa-don.exe) 4 0 R] >> >>",
    )


def pdf_with_escaped_embedded_file() -> bytes:
    """Every name of the embedded file spelled with escapes."""
    return pdf(
        b"<< /Type /Filespec /F (a.exe) /E#46 << /F 5 0 R >> >>",
        stream(b"", b"MZ\x90\x00"),
        catalog=b"/Names << /Embedded#46iles << /Names [(a.exe) 4 0 R] >> >>",
    )


def pdf_with_rich_media() -> bytes:
    return pdf(
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 100 100] >>",
        catalog=b"/AcroForm << /Fields [] >>",
    )


def pdf_with_javascript_in_object_stream() -> bytes:
    """The action packed in a compressed object stream, written by pydyf as a PDF
    library does; nothing of it is readable in the file as it is."""
    document = pydyf.PDF()
    document.add_page(
        pydyf.Dictionary({"Type": "/Page", "MediaBox": pydyf.Array([0, 0, 595, 842])})
    )
    action = pydyf.Dictionary({"S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    document.add_object(action)
    document.catalog["OpenAction"] = action.reference
    buffer = io.BytesIO()
    document.write(buffer, compress=True)
    data = buffer.getvalue()
    assert b"JavaScript" not in data
    return data


def pdf_with_hex_packed_object_stream() -> bytes:
    """An object stream packed with a filter the check does not unpack."""
    objects = b"5 0 " + PDF_JAVASCRIPT
    return pdf(
        stream(
            b"/Type /ObjStm /N 1 /First 4 /Filter /ASCIIHexDecode",
            objects.hex().encode() + b">",
        ),
        catalog=b"/OpenAction 5 0 R",
    )


def pdf_with_links() -> bytes:
    """What an office PDF holds: a link, an outline, an opening view."""
    return pdf(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20]"
        b" /A << /S /URI /URI (https://congdoan.vn/sang-kien) >> >>",
        b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
        b"<< /Title (Ph\\340n 1) /Parent 5 0 R /Dest [3 0 R /Fit] >>",
        stream(
            b"/Filter /FlateDecode", zlib.compress(b"BT /F1 12 Tf (Xin chao) Tj ET")
        ),
        catalog=(
            b"/OpenAction [3 0 R /FitH null] /Outlines 5 0 R /PageMode /UseOutlines"
        ),
    )


def weasyprint_pdf() -> bytes:
    """A PDF as the site prints them: compressed, in object streams, with links."""
    from weasyprint import HTML

    page = (
        "<h1>Sáng kiến Công đoàn</h1><p>Xem <a href='https://congdoan.vn/'>trang"
        " chủ</a> và <a href='#muc-2'>mục 2</a>.</p><h2 id='muc-2'>Mục 2</h2>"
    )
    return HTML(string=page).write_pdf()


def pdf_that_is_a_zip() -> bytes:
    """A PDF with a ZIP archive after its end: each reader finds its own file."""
    return pdf_with(b"<< /S /URI /URI (https://congdoan.vn/) >>") + zip_archive()


# --- Images --------------------------------------------------------------------------


def noise_image(kind: str, size: int = 160) -> bytes:
    """An image of random pixels: compressed data of every byte value."""
    rng = random.Random(17)
    image = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def png_with_zip() -> bytes:
    return noise_image("PNG") + zip_archive()


def jpeg_with_zip() -> bytes:
    return noise_image("JPEG") + zip_archive()
