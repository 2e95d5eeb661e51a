"""Vietnamese typed with the old 8-bit font encodings, read back as Unicode.

Before Unicode, Vietnamese offices typed with fonts that drew Vietnamese letters
in place of Western ones: TCVN3 (the "ABC" fonts, .VnTime) and VNI-Windows
(VNI-Times). Text copied out of such a document arrives as the Western letters
of the same bytes (Windows code page 1252):

    "Sáng kiến" typed in TCVN3 arrives as "S¸ng kiÕn",
    "Sáng kiến" typed in VNI arrives as "Saùng kieán".

``detect`` tells whether a text looks like one of them, ``convert`` turns it
into Unicode. Detection works word by word: a word counts for an encoding when
it is not a Vietnamese syllable as it stands and becomes one once converted; a
word with accented letters that makes sense neither way counts against. Text
holding any letter Unicode Vietnamese needs beyond Latin-1 (ă, đ, ơ, ư, ạ...)
is Unicode already and is never detected, nor is text of plain ASCII.
"""

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
NAMES = {TCVN3: "TCVN3", VNI: "VNI"}

# The five tones as combining marks, in the order of the rows below:
# huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
VOWELS = "aăâeêioôơuưy"


def _toned(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", vowel + TONES[tone])


# --- TCVN3 (TCVN 5712:1993, VN3): one character per letter --------------------

# For each vowel, the characters standing for it with each tone, in TONES order.
_TCVN3_TONED = {
    "a": "µ¶·¸¹",
    "ă": "»¼½¾Æ",
    "â": "ÇÈÉÊË",
    "e": "ÌÎÏÐÑ",
    "ê": "ÒÓÔÕÖ",
    "i": "×ØÜÝÞ",
    "o": "ßáâãä",
    "ô": "åæçèé",
    "ơ": "êëìíî",
    "u": "ïñòóô",
    "ư": "õö÷øù",
    "y": "úûüýþ",
}
# The letters without tone that are not ASCII (the soft hyphen stands for ư).
_TCVN3_PLAIN = {
    "¨": "ă",
    "©": "â",
    "ª": "ê",
    "«": "ô",
    "¬": "ơ",
    "\xad": "ư",
    "®": "đ",
    "¡": "Ă",
    "¢": "Â",
    "£": "Ê",
    "¤": "Ô",
    "¥": "Ơ",
    "¦": "Ư",
    "§": "Đ",
}
TCVN3_TABLE: dict[str, str] = dict(_TCVN3_PLAIN)
for _vowel, _row in _TCVN3_TONED.items():
    for _tone, _char in enumerate(_row):
        TCVN3_TABLE[_char] = _toned(_vowel, _tone)
# The toned letters exist in lower case only (capitals needed a second font,
# drawing the same codes as capitals): these follow the case of their word.
_TCVN3_CASED = frozenset(
    char for char in TCVN3_TABLE if char not in _TCVN3_PLAIN or char in "¨©ª«¬\xad®"
)

# --- VNI-Windows: a letter, then a mark that stands for its accents ------------

# Marks after a vowel, lower-case and capital forms, in TONES order.
_VNI_TONE_MARKS = ("øûõùï", "ØÛÕÙÏ")
# A circumflex (after a, e, o): alone, then with each tone.
_VNI_CIRCUMFLEX = ("âàåãáä", "ÂÀÅÃÁÄ")
# A breve (after a): alone, then with each tone.
_VNI_BREVE = ("êèúüéë", "ÊÈÚÜÉË")
# Letters written as one character: ơ, ư, đ, and i with each tone, ỵ.
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "î": "ỵ"}
for _tone, _char in enumerate("ìæóíò"):
    _VNI_SINGLE[_char] = _toned("i", _tone)
_VNI_SINGLE.update({char.upper(): value.upper() for char, value in _VNI_SINGLE.items()})


def _vni_table() -> dict[str, str]:
    """Every sequence of VNI characters (one or two) and the Unicode letter it
    stands for."""
    table = dict(_VNI_SINGLE)
    for marks in _VNI_TONE_MARKS:
        for tone, mark in enumerate(marks):
            for base in "aeiouy":
                if base == "i":  # i takes its tones as single characters
                    continue
                table[base + mark] = _toned(base, tone)
                table[base.upper() + mark] = _toned(base, tone).upper()
            for single in ("ô", "ö"):  # ơ and ư take the same marks
                plain = _VNI_SINGLE[single]
                table[single + mark] = _toned(plain, tone)
                table[single.upper() + mark] = _toned(plain, tone).upper()
    for marks in _VNI_CIRCUMFLEX:
        for position, mark in enumerate(marks):
            for base in "aeo":
                hatted = unicodedata.normalize("NFC", base + "\u0302")
                letter = hatted if position == 0 else _toned(hatted, position - 1)
                table[base + mark] = letter
                table[base.upper() + mark] = letter.upper()
    for marks in _VNI_BREVE:
        for position, mark in enumerate(marks):
            letter = "ă" if position == 0 else _toned("ă", position - 1)
            table["a" + mark] = letter
            table["A" + mark] = letter.upper()
    return table


VNI_TABLE = _vni_table()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(key) for key in sorted(VNI_TABLE, key=len, reverse=True))
)

# --- Vietnamese syllables --------------------------------------------------------

# Each Unicode vowel with a tone -> (the vowel without tone, has a tone).
_UNTONED: dict[str, str] = {}
for _vowel in VOWELS:
    for _tone in range(len(TONES)):
        _UNTONED[_toned(_vowel, _tone)] = _vowel

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
# Vowel groups that may end a syllable or take a final consonant.
_CLOSABLE_GROUP = "uyê|iê|yê|uô|ươ|oa|oă|oe|uâ|uê|uy|uơ|oo|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
# Vowel groups that end in a glide and take no final consonant.
_OPEN_GROUP = (
    "oai|oao|oay|oeo|uây|uôi|ươi|ươu|iêu|yêu|uya|uyu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu"
)
_SYLLABLE = re.compile(
    rf"{_ONSET}(?:(?:{_OPEN_GROUP})|(?:{_CLOSABLE_GROUP})(?:ch|ng|nh|[cmnpt])?)"
)
# Letters of Unicode Vietnamese beyond Latin-1: their presence means Unicode.
_BEYOND_LATIN1 = 0xFF
# A word: a run of anything but white space and ASCII punctuation.
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~]+")


def is_syllable(word: str) -> bool:
    """Whether the word is one Vietnamese syllable (in any case, at most one tone)."""
    if not word:
        return False
    letters = []
    tones = 0
    for char in word.lower():
        plain = _UNTONED.get(char)
        if plain is not None:
            tones += 1
            char = plain
        letters.append(char)
    return tones <= 1 and _SYLLABLE.fullmatch("".join(letters)) is not None


def _trim(word: str) -> str:
    """The word without what is not a letter at either end."""
    start, end = 0, len(word)
    while start < end and not word[start].isalpha():
        start += 1
    while end > start and not word[end - 1].isalpha():
        end -= 1
    return word[start:end]


def _unicode_already(text: str) -> bool:
    return any(ord(char) > _BEYOND_LATIN1 and char.isalpha() for char in text)


# --- Conversion ------------------------------------------------------------------


def _tcvn3_word(word: str) -> str:
    if not any(char in TCVN3_TABLE for char in word):
        return word
    ascii_letters = [char for char in word if char.isascii() and char.isalpha()]
    # A word in capitals ("S¸NG"): its toned letters are capitals too. A single
    # capital leading the word ("T¹") is a name's initial, not capitals.
    capitals = (
        bool(ascii_letters)
        and all(char.isupper() for char in ascii_letters)
        and (len(ascii_letters) > 1 or not word.startswith(ascii_letters[0]))
    )
    out = []
    for char in word:
        letter = TCVN3_TABLE.get(char, char)
        if capitals and char in _TCVN3_CASED:
            letter = letter.upper()
        out.append(letter)
    return "".join(out)


def _tcvn3(text: str) -> str:
    return _WORD.sub(lambda match: _tcvn3_word(match.group()), text)


def _vni(text: str) -> str:
    return _VNI_PATTERN.sub(lambda match: VNI_TABLE[match.group()], text)


_CONVERTERS = {TCVN3: _tcvn3, VNI: _vni}


def convert(text: str, encoding: str) -> str:
    """Return the text read as the given legacy encoding ("tcvn3" or "vni"),
    in Unicode normal form C."""
    text = unicodedata.normalize("NFC", text)
    return unicodedata.normalize("NFC", _CONVERTERS[encoding](text))


# --- Detection -------------------------------------------------------------------


def _strong(word: str, encoding: str) -> bool:
    """Whether one word alone is evidence enough: in TCVN3, a converted
    character that is not a letter ("S¸ng"); in VNI, two converted sequences
    ("Höôøng")."""
    if encoding == TCVN3:
        return any(
            char in TCVN3_TABLE and not char.isalpha() and char != "\xad"
            for char in word
        )
    return len(_VNI_PATTERN.findall(word)) >= 2


def _score(words: list[str], encoding: str) -> tuple[int, int, bool]:
    """(words read better converted, words making sense neither way, whether
    a word read better converted is strong evidence on its own)."""
    hits = misses = 0
    strong = False
    convert_word = _CONVERTERS[encoding]
    for word in words:
        as_is = _trim(word)
        if not as_is or any(char.isdigit() for char in word):
            # Signs alone ("«", "§") and numbers ("©2024", "25°C") tell nothing.
            continue
        converted = _trim(unicodedata.normalize("NFC", convert_word(word)))
        readable = converted != as_is and is_syllable(converted)
        # Signs at the ends of a word are punctuation ("«Sáng»") unless the
        # conversion reads them as letters of a syllable ("§¹I": "ĐẠI").
        if is_syllable(as_is) and not (readable and len(converted) > len(as_is)):
            continue
        if readable:
            hits += 1
            strong = strong or _strong(word, encoding)
        elif as_is:
            misses += 1
    return hits, misses, strong


def detect(text: str) -> str | None:
    """Return "tcvn3" or "vni" when the text looks typed with that legacy font
    encoding, else None.

    Two words or more must read as Vietnamese once converted, and at most one
    in five words with accented letters may make sense neither way; a single
    word is enough only when it cannot be anything else ("S¸ng").
    """
    if not text or text.isascii():
        return None
    text = unicodedata.normalize("NFC", text)
    if _unicode_already(text):
        return None
    words = [word for word in _WORD.findall(text) if not word.isascii()]
    best, best_hits = None, 0
    for encoding in (TCVN3, VNI):
        hits, misses, strong = _score(words, encoding)
        convincing = (hits >= 2 and misses * 5 <= hits) or (
            hits == 1 and misses == 0 and strong
        )
        if convincing and hits > best_hits:
            best, best_hits = encoding, hits
    return best
