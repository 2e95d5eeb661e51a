"""Text helpers shared by every app: Unicode normalisation and search folding."""

import unicodedata

# Letters that carry no combining mark in Unicode but still fold for search.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def nfc(value: str) -> str:
    """Return the text in Unicode normal form C (composed).

    Vietnamese typed with different keyboards arrives composed or decomposed;
    storing NFC makes equal words equal bytes.
    """
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Return the text lower-cased and without accents, for search.

    "Sáng kiến Đổi mới" and "sang kien doi moi" fold to the same string.
    """
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def search_terms(query: str) -> list[str]:
    """Split a search box query into folded words (NUL bytes, which no database
    column holds, dropped)."""
    return fold((query or "").replace("\x00", "")).split()


def whole_number(value) -> int | None:
    """Read a number typed in a query string (an id, a year): ASCII digits only,
    at most 18 of them, so that it fits a database integer; None otherwise.

    str.isdigit() is not enough: "²" passes it and int() refuses it.
    """
    if (
        isinstance(value, str)
        and 0 < len(value) <= 18
        and value.isascii()
        and value.isdigit()
    ):
        return int(value)
    return None
