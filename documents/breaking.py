"""Places to break a line inside very long tokens, before WeasyPrint lays out.

WeasyPrint finds where a line ends by laying out the text that is left, and when
a token has no place to break it lays out the whole rest of the token again for
every line (with `overflow-wrap: break-word`, every character is a place, but
only after the whole token failed to fit): one unbroken word of 50,000
characters took 28–60 s to print. Every token longer than LONG_TOKEN characters
in the text of a rendered document (a pasted link, an e-mail address, a run of
letters without spaces) gets a zero-width space (U+200B) every CHUNK characters
or fewer, and is cut into spans of at most SEGMENT characters: each line then
costs about its own characters. The spans have the class ``long-token``, which
the print stylesheet lets wrap even in a box that does not (a signer's name
never wraps, the number line keeps its spaces) and break anywhere in a piece
too long for a narrow column. The zero-width space draws nothing and
pdftotext leaves it out: the token reads back whole.

Ordinary words and names are far shorter than LONG_TOKEN and never change, so
they still move whole to the next line. In a long token the breaks come after
a separator where there is one (``/``, ``-``, ``.``, a no-break space…), else
every CHUNK characters, never inside a character reference (``&amp;``) and
never before a combining mark or after a joiner (a letter keeps its accents).

It works on the HTML a template rendered, where every user text is already
escaped: text between tags only, never a tag, an attribute, a comment or the
content of ``<title>``, ``<style>``, ``<script>`` or ``<textarea>``. It adds
only zero-width spaces between characters of the text and the spans around
them, so the escaping stays as it was. Because every document goes through it
(documents.rendering.render_html), no template needs a filter for it.
"""

import functools
import re
import unicodedata

# A token of more characters than this is given places to break; the longest
# Vietnamese word has 7 letters and a long name part with its neighbours
# joined by no-break spaces stays under it.
LONG_TOKEN = 40
# The longest run between two places to break: it fits the narrowest column
# of a print (about 9 characters at 12 pt in 2 cm) with `break-word`, and the
# header and the signer's block in one line.
CHUNK = 16
# The place to break: a zero-width space (U+200B). It costs WeasyPrint nothing
# more than a letter, where a <wbr> element costs a box of its own (measured:
# 10,000 characters in 0.4 s with spaces, 2.4 s with elements).
BREAK = "\u200b"
# The pieces of a long token go in spans of at most SEGMENT characters, each a
# text box of its own: WeasyPrint copies the rest of a text box for every line,
# which makes one box of 100,000 characters cost in the square of its length
# (measured: 5.2 s in one box, 2.6-3.2 s in segments of 1,000).
SEGMENT = 1000
# Around each segment of a long token: the print stylesheet lets it wrap where
# its box would not (a signer's name, the number line) and break a piece too
# long for a column.
OPEN, CLOSE = '<span class="long-token">', "</span>"

# What is not text: comments, the elements whose content is not laid out as
# text, and tags (user text reaches the HTML escaped, so a "<" is a tag).
_NOT_TEXT = re.compile(
    r"<!--.*?-->"
    r"|<(title|style|script|textarea)\b[^>]*>.*?</\1\s*>"
    r"|<[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
# A token: a run without ASCII white space (where HTML breaks lines by itself).
_LONG = re.compile(rf"[^ \t\n\r\f]{{{LONG_TOKEN + 1},}}")
# A character of the token: a character reference, or one character.
_UNIT = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
# Separators after which a break reads well.
_SEPARATORS = frozenset(
    [*"/-–—_.,;:?!=+|\\)]}\u00a0\u202f", "&amp;", "&nbsp;", "&#160;"]
)
_JOINERS = frozenset("\u200c\u200d\u034f")


@functools.cache
def _joins_previous(unit: str) -> bool:
    """Whether a break may not come before this character: a combining mark,
    a joiner or a variation selector stays with the letter before it."""
    if len(unit) != 1:
        return False
    return (
        unicodedata.category(unit) in ("Mn", "Mc", "Me")
        or unit in _JOINERS
        or "\ufe00" <= unit <= "\ufe0f"
        or "\U000e0100" <= unit <= "\U000e01ef"
    )


def _pieces(units: list[str]) -> list[str]:
    """The token cut into pieces of about CHUNK characters, after a separator
    where there is one, never before a mark or after a joiner."""
    pieces: list[str] = []
    chunk: list[str] = []
    # Where in `chunk` the last separator (with its marks) ends: a cut may go there.
    after_separator = 0
    for unit in units:
        joins = _joins_previous(unit)
        if len(chunk) >= CHUNK and not joins and chunk[-1] not in _JOINERS:
            cut = after_separator or len(chunk)
            pieces.append("".join(chunk[:cut]))
            chunk = chunk[cut:]
            after_separator = 0
        chunk.append(unit)
        if unit in _SEPARATORS or (joins and after_separator == len(chunk) - 1):
            after_separator = len(chunk)
    pieces.append("".join(chunk))
    return pieces


def _break_token(match: re.Match) -> str:
    token = match.group()
    units = list(token) if "&" not in token else _UNIT.findall(token)
    if len(units) <= LONG_TOKEN:
        return token
    pieces = _pieces(units)
    per_segment = max(1, SEGMENT // CHUNK)
    segments = [
        BREAK.join(pieces[start : start + per_segment])
        for start in range(0, len(pieces), per_segment)
    ]
    # A place to break opens the token, inside its span: the token may go to
    # the next line even after a space that may not break (a signer's name).
    # Every segment but the last ends with a place to break.
    return OPEN + BREAK + f"{BREAK}{CLOSE}{OPEN}".join(segments) + CLOSE


def _break_text(text: str) -> str:
    if len(text) <= LONG_TOKEN:
        return text
    return _LONG.sub(_break_token, text)


def break_long_tokens(html: str) -> str:
    """The HTML with a place to break at least every CHUNK characters of each
    text token longer than LONG_TOKEN characters; everything else as it was."""
    out: list[str] = []
    position = 0
    for match in _NOT_TEXT.finditer(html):
        out.append(_break_text(html[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_break_text(html[position:]))
    return "".join(out)
