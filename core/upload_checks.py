"""Code hidden in uploaded files: the one rule every upload point applies.

Whatever an upload is recognised as (a PDF, a Word or Excel file, an image, a CSV
table), it is refused when it carries code that could run on a reader's computer:

- an Office package (any ZIP) holding a VBA project, Excel 4 macro sheets or
  ActiveX controls, or declaring a macro-enabled content type in
  ``[Content_Types].xml`` (a .docm or .xlsm renamed .docx or .xlsx);
- a PDF with JavaScript, a launch action, embedded files or rich media. Names are
  read as a PDF reader reads them: ``/J#61vaScript`` is ``/JavaScript``, and the
  dictionaries packed in compressed object streams are read too. A link (``/URI``)
  or an opening view (``/OpenAction`` without a script) is no code;
- a file that is two formats at once: a PDF header where a reader still takes it
  (in the first 1024 bytes) in a file that does not start with it, anything after
  the end of a ZIP archive or a PDF in its comment, or a ZIP archive (its end
  record or a local file header) inside a PDF or an image.

A file that cannot be read far enough to tell (an object stream packed with other
filters, or encrypted) is refused too: what cannot be checked is not taken.
"""

import html
import io
import re
import struct
import zipfile
import zlib

import pypdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MACROS = "macros"
PDF_SCRIPT = "pdf_script"
PDF_LAUNCH = "pdf_launch"
PDF_EMBEDDED = "pdf_embedded"
TWO_FORMATS = "two_formats"
UNCHECKABLE = "uncheckable"

MESSAGES = {
    MACROS: _(
        "This Word or Excel file contains macros or ActiveX controls, code that "
        "runs on the reader's computer. Save it as a plain .docx or .xlsx file "
        "without macros and upload that."
    ),
    PDF_SCRIPT: _(
        "This PDF contains JavaScript, code that runs when it is opened. Print it "
        "to a new PDF without scripts and upload that."
    ),
    PDF_LAUNCH: _(
        "This PDF contains an action that starts a program on the reader's "
        "computer. Print it to a new PDF and upload that."
    ),
    PDF_EMBEDDED: _(
        "This PDF carries other files or media inside it. Upload those files "
        "separately, and the PDF printed again without them."
    ),
    TWO_FORMATS: _(
        "This file is two formats at once (for example a PDF that is also a ZIP "
        "archive), a way of hiding code. Save it again from the program that made "
        "it and upload that."
    ),
    UNCHECKABLE: _(
        "Parts of this file are packed in a way that cannot be checked for code. "
        "Save or print it again from the program that made it and upload that."
    ),
}

PDF_MAGIC = b"%PDF-"
# PDF readers take a header anywhere in the first 1024 bytes of a file.
PDF_HEADER_WINDOW = 1024
ZIP_LOCAL = b"PK\x03\x04"
ZIP_CENTRAL = b"PK\x01\x02"
ZIP_END = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"


def check_no_code(data: bytes) -> None:
    """Refuse the content of an upload that carries code, saying why."""
    problem = code_in(data)
    if problem is not None:
        raise ValidationError(str(MESSAGES[problem]), code=problem)


def code_in(data: bytes) -> str | None:
    """Return why the file carries code (one of the keys of MESSAGES), or None."""
    header = data[:PDF_HEADER_WINDOW].find(PDF_MAGIC)
    # Blank space before the header is careless, not a second format (and the
    # file is no PDF for the type check either).
    if header > 0 and data[:header].strip(b" \t\r\n\x00\xef\xbb\xbf"):
        return TWO_FORMATS
    if data.startswith(ZIP_LOCAL):
        return _code_in_package(data)
    if _holds_zip(data):
        return TWO_FORMATS
    if data.startswith(PDF_MAGIC):
        return _code_in_pdf(data)
    return None


# --- Two formats at once --------------------------------------------------------


def _holds_zip(data: bytes) -> bool:
    """Whether a ZIP archive, or a piece of one, sits inside the file. The
    signatures alone could occur by chance in compressed data: the fields that
    follow them must make sense as well."""
    return any(_is_end_record(data, at) for at in _positions(data, ZIP_END)) or any(
        _is_local_header(data, at) for at in _positions(data, ZIP_LOCAL)
    )


def _positions(data: bytes, needle: bytes):
    at = data.find(needle)
    while at != -1:
        yield at
        at = data.find(needle, at + 1)


def _is_end_record(data: bytes, at: int) -> bool:
    if at + 22 > len(data):
        return False
    if at >= 20 and data[at - 20 : at - 16] == ZIP64_LOCATOR:
        return True
    _disk, _cd_disk, _here, total, size, offset, _comment = struct.unpack_from(
        "<HHHHIIH", data, at + 4
    )
    if total == 0 or size < 46 * total or size > at:
        return False
    # A ZIP appended to other data keeps offsets from its own start: readers
    # look for the central directory just before the end record as well.
    return any(data[start : start + 4] == ZIP_CENTRAL for start in (offset, at - size))


ZIP_METHODS = {0, 1, 6, 8, 9, 12, 14, 93, 95, 98}


def _is_local_header(data: bytes, at: int) -> bool:
    if at + 30 > len(data):
        return False
    version, flags, method = struct.unpack_from("<HHH", data, at + 4)
    name_length = struct.unpack_from("<H", data, at + 26)[0]
    if version > 63 or method not in ZIP_METHODS or not 0 < name_length <= 1024:
        return False
    raw = data[at + 30 : at + 30 + name_length]
    if len(raw) < name_length:
        return False
    try:
        name = raw.decode("utf-8" if flags & 0x800 else "ascii")
    except UnicodeDecodeError:
        return False
    return name.isprintable()


# --- Office packages --------------------------------------------------------------

# In part names and content types (lower case): a VBA project and its data, Excel
# 4 macro sheets, ActiveX controls, and every macro-enabled document type
# (application/vnd.ms-word.document.macroEnabled.main+xml, ...).
MACRO_MARKERS = ("vbaproject", "vbadata", "macrosheet", "activex", "macroenabled")
CONTENT_TYPES_LIMIT = 1024 * 1024


def _code_in_package(data: bytes) -> str | None:
    if _after_archive(data):
        return TWO_FORMATS
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None  # not a package: the type check refuses it
    with archive:
        members = archive.infolist()
        names = [m.filename.replace("\\", "/").lower() for m in members]
        if any(marker in name for name in names for marker in MACRO_MARKERS):
            return MACROS
        for member, name in zip(members, names, strict=True):
            if name.lstrip("/") == "[content_types].xml":
                problem = _code_in_content_types(archive, member)
                if problem is not None:
                    return problem
    return None


def _after_archive(data: bytes) -> bool:
    """Whether the archive ends before the file does, or its comment holds a PDF:
    a second file after the first."""
    start = max(0, len(data) - 22 - 0xFFFF)
    for at in _positions(data[start:], ZIP_END):
        at += start
        if not _is_end_record(data, at):
            continue
        comment = struct.unpack_from("<H", data, at + 20)[0]
        tail = data[at + 22 :]
        return PDF_MAGIC in tail or bool(tail[comment:].strip(b"\x00"))
    return False


def _code_in_content_types(archive: zipfile.ZipFile, member) -> str | None:
    if member.file_size > CONTENT_TYPES_LIMIT:
        return UNCHECKABLE
    try:
        with archive.open(member) as handle:
            raw = handle.read(CONTENT_TYPES_LIMIT + 1)
    except (
        zipfile.BadZipFile,
        RuntimeError,
        NotImplementedError,
        OSError,
        zlib.error,
        EOFError,
        ValueError,
    ):
        return UNCHECKABLE  # encrypted, damaged or packed by an unknown method
    if len(raw) > CONTENT_TYPES_LIMIT:
        return UNCHECKABLE
    text = _xml_text(raw).lower()
    if "<!doctype" in text or "<!entity" in text:
        return UNCHECKABLE  # packages declare no entities; values could hide in one
    # Character references spell a content type as well as its letters do.
    text = html.unescape(text).lower()
    if any(marker in text for marker in MACRO_MARKERS):
        return MACROS
    return None


def _xml_text(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if raw[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return raw.decode("utf-16-le" if raw[0] else "utf-16-be", errors="replace")
    return raw.decode("utf-8", errors="replace")


# --- PDF ---------------------------------------------------------------------------

PDF_SCRIPT_NAMES = {b"JavaScript", b"JS"}
PDF_LAUNCH_NAMES = {b"Launch"}
PDF_EMBEDDED_NAMES = {
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"EF",  # the embedded file of a file specification
    b"FileAttachment",
    b"RichMedia",
}
# A name: a solidus and the regular characters after it.
PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# The keyword that opens a stream's data (not the end of "endstream").
PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# The head of an indirect object: "12 0 obj".
PDF_OBJECT_HEAD = re.compile(
    rb"(?<![0-9])[0-9]+[\x00\t\n\x0c\r ]+[0-9]+[\x00\t\n\x0c\r ]+obj(?![A-Za-z]).?\Z",
    re.DOTALL,
)
PDF_SPACE = rb"[\x00\t\n\x0c\r ]"
# A stream's length: "/Length 120" or "/Length 12 0 R".
PDF_LENGTH = re.compile(
    rb"/Length"
    + PDF_SPACE
    + rb"+([0-9]+)(?:"
    + PDF_SPACE
    + rb"+([0-9]+)"
    + PDF_SPACE
    + rb"+(R))?(?![0-9A-Za-z])"
)
# A length in an object of its own: "12 0 obj 120 endobj".
PDF_LENGTH_OBJECT = re.compile(
    rb"(?<![0-9])([0-9]+)"
    + PDF_SPACE
    + rb"+([0-9]+)"
    + PDF_SPACE
    + rb"+obj"
    + PDF_SPACE
    + rb"*([0-9]+)"
    + PDF_SPACE
    + rb"*endobj"
)
PDF_END_STREAM = re.compile(PDF_SPACE + rb"*endstream")
# How far back from its data a stream's dictionary is looked for.
PDF_DICTIONARY_WINDOW = 64 * 1024
# The keys an object stream's dictionary holds when it is packed with Flate alone.
PDF_OBJECT_STREAM_KEYS = {
    b"Type",
    b"ObjStm",
    b"N",
    b"First",
    b"Length",
    b"Filter",
    b"FlateDecode",
    b"Extends",
}
# All object streams of a file together, unpacked.
PDF_UNPACKED_LIMIT = 64 * 1024 * 1024


def pdf_names(data: bytes) -> set[bytes]:
    """The names written in PDF data, #xx escapes decoded."""
    return {
        PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        if b"#" in raw
        else raw
        for raw in set(PDF_NAME.findall(data))
    }


def _pdf_problem(names: set[bytes]) -> str | None:
    if names & PDF_SCRIPT_NAMES:
        return PDF_SCRIPT
    if names & PDF_LAUNCH_NAMES:
        return PDF_LAUNCH
    if names & PDF_EMBEDDED_NAMES:
        return PDF_EMBEDDED
    return None


def _code_in_pdf(data: bytes) -> str | None:
    outside, packed = _read_streams(data)
    # Stream data is not read for names: compressed data of every byte value
    # spells a short name such as /JS now and then.
    return _pdf_problem(pdf_names(outside)) or packed or _code_in_object_streams(data)


def _read_streams(data: bytes) -> tuple[bytes, str | None]:
    """The file without the data of its streams, as readers skip it by its
    length, and what the object streams found by their dictionaries hold (read as
    a reader that rebuilds a damaged file finds them).

    A stream is skipped only when its length, direct or in an object of its own,
    ends its data where "endstream" follows: "stream" spelled inside a string
    hides nothing."""
    lengths = {
        (int(number), int(generation)): int(value)
        for number, generation, value in PDF_LENGTH_OBJECT.findall(data)
    }
    outside = []
    unpacked = read = position = previous = 0
    packed = None
    for match in PDF_STREAM.finditer(data):
        if match.start() < position:
            continue  # in the data of a stream skipped
        dictionary = _stream_dictionary(data, max(position, previous), match.start())
        previous = match.end()
        names = pdf_names(dictionary)
        # /First is what only an object stream has, whatever its /Type says.
        if packed is None and names & {b"ObjStm", b"First"}:
            packed, content, used = _read_object_stream(
                data,
                match.end(),
                names,
                PDF_UNPACKED_LIMIT - unpacked,
                len(data) - read,
            )
            unpacked += len(content)
            read += used
        length = _stream_length(dictionary, lengths)
        if length is not None and PDF_END_STREAM.match(data, match.end() + length):
            outside.append(data[position : match.end()])
            position = match.end() + length
    outside.append(data[position:])
    return b"".join(outside), packed


def _read_object_stream(
    data: bytes, start: int, names: set[bytes], output_limit: int, input_limit: int
) -> tuple[str | None, bytes, int]:
    """What an object stream holds: (the problem, its content, bytes read)."""
    if not names <= PDF_OBJECT_STREAM_KEYS:
        return UNCHECKABLE, b"", 0  # other filters, parameters, or encryption
    if b"Filter" not in names:
        return None, b"", 0  # plain: its names are read with the rest of the file
    if b"FlateDecode" not in names:
        return UNCHECKABLE, b"", 0
    # Object streams do not overlap: together they read the file at most once.
    inflated = _inflate(data, start, output_limit, input_limit)
    if inflated is None:
        return UNCHECKABLE, b"", 0
    content, used = inflated
    return _pdf_problem(pdf_names(content)), content, used


def _stream_length(dictionary: bytes, lengths: dict) -> int | None:
    found = PDF_LENGTH.findall(dictionary)
    if not found:
        return None
    value, generation, reference = found[-1]
    if reference:
        return lengths.get((int(value), int(generation)))
    return int(value)


def _code_in_object_streams(data: bytes) -> str | None:
    """Read the object streams the cross-reference streams point to, as a reader
    does, whatever their filters (an encrypted file with the empty password)."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        numbers = {number for number, _index in reader.xref_objStm.values()}
    except Exception:  # a file readers repair: its streams were read above
        return None
    if not numbers:
        return None
    unpacked = 0
    try:
        if reader.is_encrypted and not reader.decrypt(""):
            return UNCHECKABLE
        for number in sorted(numbers):
            content = reader.get_object(number).get_data()
            unpacked += len(content)
            if unpacked > PDF_UNPACKED_LIMIT:
                return UNCHECKABLE
            problem = _pdf_problem(pdf_names(content))
            if problem is not None:
                return problem
    except Exception:  # whatever stops the reading, it was not checked
        return UNCHECKABLE
    return None


def _stream_dictionary(data: bytes, previous: int, at: int) -> bytes:
    """The dictionary before the stream keyword at `at`: back to its object's
    "N G obj", within PDF_DICTIONARY_WINDOW and after the previous stream keyword
    (`previous`), so that the file is searched once over."""
    start = max(previous, at - PDF_DICTIONARY_WINDOW)
    end = at
    while (found := data.rfind(b"obj", start, end)) != -1:
        head = data[max(start, found - 40) : found + 4]
        if PDF_OBJECT_HEAD.search(head):
            return data[found + 3 : at]
        end = found
    return data[start:at]


def _inflate(
    data: bytes, start: int, output_limit: int, input_limit: int
) -> tuple[bytes, int] | None:
    """Unpack the Flate data from `start` to where it ends: the content and the
    bytes read, or None when it is not Flate data or goes past a limit. A Flate
    stream marks its own end; the data is fed up to each "endstream" until it
    does."""
    inflater = zlib.decompressobj()
    output = bytearray()
    position = start
    while not inflater.eof:
        end = data.find(b"endstream", position)
        end = len(data) if end == -1 else end + len(b"endstream")
        if end - start > input_limit:
            return None
        try:
            output += inflater.decompress(
                data[position:end], output_limit + 1 - len(output)
            )
        except zlib.error:
            return None
        if len(output) > output_limit or inflater.unconsumed_tail:
            return None
        if end >= len(data) and not inflater.eof:
            return None
        position = end
    return bytes(output), position - start - len(inflater.unused_data)
