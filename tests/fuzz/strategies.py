"""Shared Hypothesis settings and strategies for the fuzz tests.

Every strategy here makes what people really type or upload, and what the bars of
quality.md ("Bad input") name: Vietnamese in composed and decomposed forms, emoji,
NUL bytes, text of 100,000 characters, white space only, numbers written with a
comma, a percent sign or in letters, dates in the wrong format or the future.
"""

import contextlib
import datetime
import os
import unicodedata
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from core import legacy_vietnamese
from units import counts


def fuzz(max_examples: int):
    """Settings of every fuzz test: reproducible (the same examples on every run,
    no example database written into the repository) and without a deadline (the
    machines of CI are shared). FUZZ_SCALE=10 in the environment runs ten times
    as many examples, for a deeper search by hand."""
    scale = float(os.environ.get("FUZZ_SCALE", "1"))
    return settings(
        max_examples=max(1, int(max_examples * scale)),
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # The explain phase reruns a failure hundreds of times: slow, and the
        # shrunk example says enough.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@contextlib.contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back, so that every
    example starts from the same database (the fixtures are built once per test)."""
    counts.forget_all()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    counts.forget_all()


TODAY = timezone.localdate()
HUGE = 100_000

# --- Text -------------------------------------------------------------------------

WORDS = [
    "Sáng kiến",
    "đổi mới",
    "phương pháp",
    "tuyên truyền",
    "pháp luật",
    "lao động",
    "Công đoàn",
    "cơ sở",
    "Trường THPT Chuyên",
    "Nguyễn Thị Hoà",
    "Đặng Thị Ngọc Ánh",
    "Lý Huệ",
    "hợp đồng",
    "tiết kiệm",
    "ĐOÀN VIÊN",
    "Ứng dụng",
    "Ỷ Lan",
    "quản lý",
    "học sinh",
    "nhóm Zalo",
]
EMOJI = ["📚", "👩🏽‍🏫", "🇻🇳", "✅", "🧑‍🔧", "❤️", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"]
MARKUP = [
    "<script>alert(1)</script>",
    '<img src="http://127.0.0.1:9/">',
    "=1+1",
    "@SUM(A1)",
    "' OR 1=1 --",
    "%_\\",
    "{{ 7*7 }}",
    "&amp;",
]
SPACES = [" ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u200b"]


def vietnamese() -> st.SearchStrategy[str]:
    """A few Vietnamese words, emoji and markup, composed or decomposed."""
    piece = st.sampled_from(WORDS + EMOJI + MARKUP)
    text = st.lists(piece, min_size=1, max_size=6).map(" ".join)
    return st.tuples(text, st.sampled_from(["NFC", "NFD", "NFKD"])).map(
        lambda pair: unicodedata.normalize(pair[1], pair[0])
    )


def long_text(lengths=(501, 5_000, 50_000, 50_001, HUGE)) -> st.SearchStrategy[str]:
    """A Vietnamese chunk repeated to one of the lengths (quick to generate)."""
    return st.builds(
        lambda chunk, length: (chunk * (length // max(len(chunk), 1) + 1))[:length],
        vietnamese(),
        st.sampled_from(lengths),
    )


def texts(*, long=True, nul=True) -> st.SearchStrategy[str]:
    """Any text a person may paste in a text box."""
    options = [
        vietnamese(),
        st.text(max_size=40),
        st.lists(st.sampled_from(SPACES), min_size=1, max_size=5).map("".join),
        st.just(""),
        st.builds(lambda a, b: f"  {a} {b}\t", vietnamese(), st.sampled_from(EMOJI)),
    ]
    if nul:
        options.append(st.builds(lambda a: f"{a}\x00{a}", vietnamese()))
    if long:
        options.append(long_text())
    return st.one_of(options)


def cleaned(value: str) -> str:
    """A text as the forms store it: trimmed, composed, trimmed again."""
    return unicodedata.normalize("NFC", value.strip()).strip()


LEGACY = "typed with a legacy font encoding"


def text_problem(value: str, limit: int, *, required: bool = False) -> str:
    """Why a text box must refuse the value ("" when it must take it): Django's
    CharField trims, then refuses NUL bytes and text over max_length; the forms
    then refuse an accent mark first and Vietnamese from a legacy font
    encoding (TCVN3, VNI)."""
    if "\x00" in value:
        return "NUL byte"
    if required and not value.strip():
        return "empty"
    if len(value.strip()) > limit:
        return f"longer than {limit}"
    text = cleaned(value)
    if text and (
        unicodedata.combining(text[0]) or unicodedata.category(text[0]) == "Mn"
    ):
        return "starts with an accent mark"
    if legacy_vietnamese.detect(text):
        return LEGACY
    return ""


def shown_again(value: str, limit: int) -> str:
    """What a refused form shows again in the text box: what was typed, or the
    converted text it offers for text from a legacy font encoding."""
    if text_problem(value, limit) == LEGACY:
        text = cleaned(value)
        return legacy_vietnamese.convert(text, legacy_vietnamese.detect(text))
    return value


# --- Numbers ----------------------------------------------------------------------

GARBAGE_NUMBERS = [
    "abc",
    "năm mươi",
    "--5",
    "1.2.3",
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "1e400",
    "9" * 60,
    "1" * 5000,
    "0x10",
    "½",
    "²",
    "٣٣",
    "33,33,33",
    "+",
    ".",
    ",",
    "%",
    "1\x002",
    "33.33€",
    "-0",
]


def written(value: Decimal) -> st.SearchStrategy[str]:
    """A number as people type it: point or comma, a percent sign, spaces,
    trailing zeros."""
    plain = format(value, "f")
    return st.sampled_from(
        [
            plain,
            plain.replace(".", ","),
            f" {plain} ",
            f"{plain}%",
            f"{plain.replace('.', ',')} %",
            format(value.quantize(Decimal("0.01")), "f"),
        ]
    )


def parse_number(text: str) -> Decimal:
    """The number the page should read from what was typed (only called on text
    written by `written`)."""
    return Decimal(text.strip().replace(" ", "").replace("%", "").replace(",", "."))


# --- Dates ------------------------------------------------------------------------


def past_dates() -> st.SearchStrategy[datetime.date]:
    return st.dates(datetime.date(1900, 1, 1), TODAY)


def future_dates() -> st.SearchStrategy[datetime.date]:
    return st.dates(TODAY + datetime.timedelta(days=1), datetime.date(9999, 12, 31))


def typed_date(day: datetime.date) -> st.SearchStrategy[str]:
    """A date in one of the formats the forms accept."""
    return st.sampled_from(
        [
            day.strftime("%d/%m/%Y"),
            day.strftime("%d-%m-%Y"),
            day.strftime("%d.%m.%Y"),
            day.isoformat(),
        ]
    )


BAD_DATES = [
    "31/02/2020",
    "00/01/2020",
    "2020-13-01",
    "32/12/2020",
    "1/1/99999",
    "01/01/0000",
    "hôm qua",
    "12/31/2020",
    "2020/12/31",
    "01/01/20",
    "\x00",
    "99999999999999999999",
]
