"""Text from old Vietnamese keyboards and fonts (TCVN3, VNI) is detected on input
and offered converted for the person to confirm, never stored as it came; a
value starting with an accent mark on no letter is refused."""

import unicodedata

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from core import legacy_vietnamese
from core.legacy_vietnamese import TCVN3, VNI, convert, detect
from initiatives.forms.requests import IdeaForm
from initiatives.models import Author, Idea, Initiative
from tests.initiatives.factories import author_row, form_data, signed_in, vietnamese
from units.models import Unit

# --- Encoders for the tests, built from the module's tables -------------------------


def encode_tcvn3(text: str) -> str:
    """Text as a TCVN3 font shows it once pasted (capital toned letters,
    which TCVN3 lacks, are not used in these samples)."""
    back = {value: key for key, value in legacy_vietnamese.TCVN3_TABLE.items()}
    return "".join(back.get(char, char) for char in unicodedata.normalize("NFC", text))


def encode_vni(text: str) -> str:
    """Text as a VNI font shows it once pasted: the shortest VNI sequence of
    each letter."""
    back: dict[str, str] = {}
    for key, value in sorted(
        legacy_vietnamese.VNI_TABLE.items(), key=lambda item: -len(item[0])
    ):
        if key in (key.lower(), key.upper()):  # not "aÙ": marks follow the case
            back[value] = key  # shorter sequences win (single characters for ị, ơ)
    return "".join(back.get(char, char) for char in unicodedata.normalize("NFC", text))


PHRASES = [
    "Sáng kiến cải tiến quy trình",
    "Nguyễn Thị Hường",
    "Đặng Văn Lâm",
    "Hoạt động sáng kiến năm 2024 của Công đoàn cơ sở",
    "Giải pháp tiết kiệm điện trong phân xưởng",
    "Phạm Thị Thuỷ, Trường Tiểu học Lê Lợi",
]

# Strings as they arrive when copied out of old documents.
PASTED = [
    ("S¸ng kiÕn", TCVN3, "Sáng kiến"),
    ("NguyÔn ThÞ H\xadêng", TCVN3, "Nguyễn Thị Hường"),
    ("§Æng V¨n L©m", TCVN3, "Đặng Văn Lâm"),
    ("B¶o Th¾ng, Lµo Cai", TCVN3, "Bảo Thắng, Lào Cai"),
    ("C«ng ®oµn c¬ së", TCVN3, "Công đoàn cơ sở"),
    ("S¸NG KIÕN C¶I TIÕN", TCVN3, "SÁNG KIẾN CẢI TIẾN"),
    ("Saùng kieán", VNI, "Sáng kiến"),
    ("Nguyeãn Thò Höôøng", VNI, "Nguyễn Thị Hường"),
    ("Ñaëng Vaên Laâm", VNI, "Đặng Văn Lâm"),
    ("Coâng ñoaøn cô sôû", VNI, "Công đoàn cơ sở"),
    ("SAÙNG KIEÁN", VNI, "SÁNG KIẾN"),
]

NOT_LEGACY = [
    *PHRASES,
    "Sáng kiến",
    "Lâm Hà",
    "Tùng Châu Thúy Hòa Toàn",
    "SÁNG KIẾN",
    "Improving the intake process",
    "Hélène Müller",
    "José Ñúñez, café crème à la française",
    "Zoë Noël, Björk Guðmundsdóttir, Åse Øre, Straße",
    "50%",
    "33,33 %",
    "© 2024 Công ty",
    "«Sáng kiến»",
    "½ kg, 25°C, x²",
    "Chúc mừng 🎉👍",
    "Où est-il ?",
    "",
]


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrases_typed_in_tcvn3_are_detected_and_converted(phrase):
    legacy = encode_tcvn3(phrase)
    assert legacy != phrase
    assert detect(legacy) == TCVN3
    assert convert(legacy, TCVN3) == phrase


@pytest.mark.parametrize("phrase", PHRASES)
def test_phrases_typed_in_vni_are_detected_and_converted(phrase):
    legacy = encode_vni(phrase)
    assert legacy != phrase
    assert detect(legacy) == VNI
    assert convert(legacy, VNI) == phrase


@pytest.mark.parametrize(("pasted", "encoding", "unicode"), PASTED)
def test_pasted_legacy_text_is_detected_and_converted(pasted, encoding, unicode):
    assert detect(pasted) == encoding
    assert convert(pasted, encoding) == unicode
    # What the conversion gives is Unicode and is not detected again.
    assert detect(convert(pasted, encoding)) is None


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_unicode_and_other_languages_are_not_detected(text):
    assert detect(text) is None
    assert detect(unicodedata.normalize("NFD", text)) is None


def test_the_encoders_of_the_tests_give_the_known_forms():
    assert encode_tcvn3("Sáng kiến") == "S¸ng kiÕn"
    assert encode_vni("Sáng kiến") == "Saùng kieán"


# --- The forms -------------------------------------------------------------------


def idea_form(unit: Unit, **data) -> IdeaForm:
    values = {
        "unit": str(unit.pk),
        "title": "Góc đọc sách",
        "description": "Đặt một kệ sách nhỏ.",
    }
    values.update(data)
    return IdeaForm(values, units=Unit.objects.filter(pk=unit.pk))


def leading_mark_message() -> str:
    return gettext(
        "The text starts with an accent mark that stands on no letter. Delete it, "
        "or type the letter it belongs to before it."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("mark", ["\u0301", "\u0323", "\u0309", "\u20d7"])
def test_a_value_starting_with_an_accent_mark_is_refused(cast, mark):
    form = idea_form(cast.tree.a1, title=f"{mark}Sáng kiến", description=f"  {mark}x")
    assert not form.is_valid()
    expected = vietnamese(leading_mark_message)
    assert form.errors["title"] == [expected]
    assert form.errors["description"] == [expected]


@pytest.mark.django_db
def test_a_letter_with_its_accent_decomposed_is_not_refused(cast):
    form = idea_form(cast.tree.a1, title=unicodedata.normalize("NFD", "Ánh sáng"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Ánh sáng"


def legacy_message(encoding: str, converted: str) -> str:
    return vietnamese(
        lambda: (
            gettext(
                "This text seems typed with the %(encoding)s font encoding of old "
                "Vietnamese keyboards. The box now holds it converted to Unicode: "
                "«%(converted)s». Check it and send the form again to keep the "
                "converted text."
            )
            % {"encoding": encoding, "converted": converted}
        )
    )


@pytest.mark.django_db
def test_an_idea_typed_in_tcvn3_is_offered_converted_then_stored_once_confirmed(
    cast, django_capture_on_commit_callbacks
):
    client = signed_in(cast.a1_member)
    path = reverse("initiatives:idea_create")
    title = "Sáng kiến cải tiến quy trình"
    description = "Đặt một kệ sách nhỏ ở phòng chờ, thay tài liệu hằng tháng."
    sent = {
        "unit": str(cast.tree.a1.pk),
        "title": encode_tcvn3(title),
        "description": encode_vni(description),
    }
    response = client.post(path, sent)
    # Refused, nothing stored; each field says what it found and shows the
    # converted text in place of what was typed.
    assert response.status_code == 200
    assert not Idea.objects.exists()
    form = response.context["form"]
    assert form.errors["title"] == [legacy_message("TCVN3", title)]
    assert form.errors["description"] == [legacy_message("VNI", description)]
    assert form["title"].value() == title
    assert form["description"].value() == description
    html = response.content.decode()
    assert f'value="{title}"' in html
    assert f"{description}</textarea>" in html
    assert sent["title"] not in html
    assert sent["description"] not in html

    # The person sends the form again as offered: the Unicode text is stored.
    confirmed = {
        "unit": sent["unit"],
        "title": form["title"].value(),
        "description": form["description"].value(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, confirmed)
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.title, idea.description) == (title, description)


@pytest.mark.django_db
def test_an_author_typed_in_vni_is_offered_converted_on_the_request_form(cast):
    client = signed_in(cast.a1_member)
    path = reverse("initiatives:create")
    name = "Nguyễn Thị Hường"
    rows = [
        author_row(cast.a1_member, "60"),
        author_row(full_name=encode_vni(name), share="40"),
    ]
    data = form_data(cast.tree.a1, cast.tree.a, rows)
    response = client.post(path, data)
    assert response.status_code == 200
    assert not Initiative.objects.exists()
    author_form = response.context["authors"].forms[1]
    assert author_form.errors["full_name"] == [legacy_message("VNI", name)]
    assert author_form["full_name"].value() == name

    data["authors-1-full_name"] = author_form["full_name"].value()
    response = client.post(path, data)
    assert response.status_code == 302
    assert Author.objects.filter(full_name=name).exists()
    assert not Author.objects.filter(full_name=encode_vni(name)).exists()


@pytest.mark.django_db
def test_a_long_legacy_text_is_quoted_shortened_in_the_message(cast):
    essay = "Sáng kiến cải tiến quy trình tiếp nhận hồ sơ của đoàn viên. " * 10
    form = idea_form(cast.tree.a1, description=encode_tcvn3(essay))
    assert not form.is_valid()
    (message,) = form.errors["description"]
    assert essay.strip()[:60] in message
    assert len(message) < 500
    assert form["description"].value() == essay.strip()
