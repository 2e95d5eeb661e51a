"""Interface text a reader trips over: no label says a word twice in a row
("Thông tin cần được bảo mật bảo mật"), and no form answers in English."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives.models import Status
from tests.initiatives.helpers import author, make_request, person

CATALOGUE = (
    Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
)
# One to four words (Vietnamese words are often two syllables: "bảo mật") said
# twice in a row, letters only so that numbers in tables do not count.
WORD = r"[^\W\d_]+"
DOUBLED = re.compile(rf"(?<!\w)({WORD}(?:\s+{WORD}){{0,3}})\s+\1(?!\w)", re.IGNORECASE)


def doubled(text: str) -> list[str]:
    return [match[0] for match in DOUBLED.finditer(text)]


def test_the_check_finds_a_doubled_word():
    assert doubled("Thông tin cần được bảo mật bảo mật") == ["bảo mật bảo mật"]
    assert doubled("đơn  Đơn") == ["đơn  Đơn"]
    assert doubled("bảo mật, bảo mật") == []
    assert doubled("1 1 tập thể") == []


def test_no_translation_says_a_word_twice():
    # The project's own catalogue (Django's has "tỷ tỷ" for 10^33 and the like).
    with open(CATALOGUE, "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    found = {
        str(msgid): doubled(text)
        for msgid, text in catalogue.items()
        if msgid and isinstance(text, str) and doubled(text)
    }
    assert found == {}


# Elements that start a line of their own: a heading followed by a label that
# begins with the same word is two lines, not a doubled word.
BLOCKS = {
    "div", "p", "li", "ul", "ol", "td", "th", "tr", "table", "legend", "label",
    "h1", "h2", "h3", "h4", "h5", "h6", "fieldset", "form", "section", "nav",
    "dt", "dd", "br", "details", "summary", "option", "select", "textarea",
}  # fmt: skip


class VisibleText(HTMLParser):
    """The text a reader sees in <main>: inline elements run on with a space (as
    the browser shows a heading and its badge), blocks are apart."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("|")
        if tag == "main":
            self.depth += 1
        if tag in ("script", "style", "option"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("|")
        if tag == "main":
            self.depth -= 1
        if tag in ("script", "style", "option"):
            self.hidden -= 1

    def handle_data(self, data):
        if self.depth > 0 and not self.hidden:
            self.parts.append(data.strip())

    def text(self) -> str:
        return " ".join(part for part in self.parts if part)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


@pytest.mark.django_db
def test_the_request_pages_say_no_word_twice(cast, client_for):
    creator = person("tac_gia_lap", cast.tree.a1, full_name="Trần Văn Tác")
    draft = make_request(
        creator,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        authors=[author(creator, "100")],
        title="Sổ tay điện tử cho tổ công đoàn",
        confidential_info="Công thức tính điểm thi đua nội bộ.",
    )
    submitted = make_request(
        creator,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        authors=[author(creator, "100")],
        title="Hộp thư góp ý trực tuyến",
        confidential_info="Mật khẩu của hộp thư.",
        status=Status.SUBMITTED,
    )
    pages = {
        "creator": [
            reverse("home"),
            reverse("initiatives:create"),
            draft.get_absolute_url(),
            reverse("initiatives:edit", args=[draft.pk]),
            submitted.get_absolute_url(),
            reverse("initiatives:list"),
        ],
        "a_staff": [submitted.get_absolute_url(), reverse("initiatives:list")],
    }
    with translation.override("vi"):
        for who, paths in pages.items():
            client = client_for(creator if who == "creator" else cast.a_staff)
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                assert doubled(visible_text(response.content.decode())) == [], path


def test_every_formset_answers_in_vietnamese():
    """Django's Vietnamese catalogue leaves the formsets' own messages ("Please
    submit at least 1 form.") in English; ours say them in Vietnamese."""
    from django import forms

    from awards.forms.records import SignatoryFormSet
    from initiatives.forms.councils import CriteriaFormSet
    from initiatives.forms.requests import AuthorFormSet

    values = {"num": 1, "field_names": "TOTAL_FORMS"}
    formsets = [SignatoryFormSet(units=None), CriteriaFormSet(), AuthorFormSet()]
    with translation.override("vi"):
        django_says = {
            key: str(message % values)
            for key, message in forms.BaseFormSet.default_error_messages.items()
        }
        for formset in formsets:
            for key, message in formset.error_messages.items():
                text = str(message % values)
                assert text != django_says[key], (type(formset).__name__, key)
                # What the translator wrote, not the English source.
                with translation.override("en"):
                    assert text != str(message % values), (type(formset).__name__, key)
