"""The confidential part of a request is shown only to its authors and to the
recognising unit's administrators and emulation staff (and superusers): never in
lists, search results, Excel exports, issued documents, or anyone else's PDF, and
search never matches its words."""

import hashlib
from types import SimpleNamespace

import pytest
from django.urls import reverse

from core.text import fold
from documents.models import IssuedDocument
from initiatives import services
from initiatives.models import Status
from tests.initiatives.helpers import (
    assert_login_redirect,
    author,
    complete_fields,
    idea_for,
    make_request,
    move_to,
    pdf_text,
    person,
    registration_for,
    request_form_data,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

MARKER = "BÍ-MẬT-7f3a"
# A word that is only in the confidential text: search must never find it.
SECRET_WORD = "Zirconoxit"
CONFIDENTIAL = f"{MARKER}: phụ gia {SECRET_WORD} pha theo tỷ lệ 3:1."
TITLE = "Bảo quản mẫu vật bằng tủ sấy tự chế"
# What the PDF prints instead of the confidential part (whitespace removed).
PDF_PLACEHOLDER = "(Cóthôngtincầnbảomật;nộidungchỉHộiđồngsángkiếnvàtácgiảđượcxem.)"

# Who sees the request (filed from CB-A1, returned for revision) at all.
VISIBLE = {
    "superuser",
    "creator",
    "coauthor",
    "province_admin",
    "province_staff",
    "a_admin",
    "a_staff",
    "a_officer",
    "a1_support",
}
# Who sees its confidential part, by the unit asked to recognise it.
CONFIDENTIAL_TO = {
    "a": {"superuser", "creator", "coauthor"}
    | {"province_admin", "province_staff", "a_admin", "a_staff"},
    "province": {"superuser", "creator", "coauthor"}
    | {"province_admin", "province_staff"},
}
AUTHORS = {"creator", "coauthor"}
# Who sees the registration and the idea the request came from.
SEES_REGISTRATION = {"superuser", "creator"} | {
    "province_admin",
    "province_staff",
    "a_admin",
    "a_staff",
    "a_officer",
    "a1_support",
}
SEES_IDEA = {"superuser", "creator", "province_admin", "a_admin"} | {
    "a_officer",
    "a1_support",
}
PEOPLE = sorted(
    VISIBLE | {"a1_member", "b_admin", "b1_member", "outsider", "anonymous"}
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build(cast, recognising: str) -> SimpleNamespace:
    """An idea, turned into a request with a co-author and a secret, linked to a
    registration, submitted and returned for revision; and a second request with
    the same secret, accepted, whose receipt has been issued."""
    tree = cast.tree
    recognising_unit = getattr(tree, recognising)
    staff = cast.a_staff if recognising == "a" else cast.province_staff
    creator = person("tac_gia", tree.a1, full_name="Trần Văn Tác")
    coauthor = person("dong_tac_gia", tree.b1, full_name="Lê Thị Đồng")
    authors = [author(creator, "60"), author(coauthor, "40")]
    idea = idea_for(creator, tree.a1, "Ý tưởng tủ sấy", "Dùng tủ sấy cũ.")
    draft = services.idea_to_request(idea=idea, actor=creator)
    draft = services.initiative_update(
        initiative=draft,
        actor=creator,
        version=draft.version,
        unit=tree.a1,
        recognizing_unit=recognising_unit,
        authors=authors,
        **complete_fields(title=TITLE, confidential_info=CONFIDENTIAL),
    )
    registration = registration_for(creator, tree.a1, "Đăng ký tủ sấy")
    services.registration_link(
        registration=registration, initiative=draft, actor=creator
    )
    initiative = move_to(draft, Status.RETURNED, actor=creator, staff=staff)
    accepted = make_request(
        creator,
        unit=tree.a1,
        recognizing_unit=recognising_unit,
        authors=authors,
        status=Status.ACCEPTED,
        staff=staff,
        title="Đơn thứ hai đã tiếp nhận",
        confidential_info=CONFIDENTIAL,
    )
    people = {n: getattr(cast, n) for n in vars(cast) if n not in ("tree", "password")}
    people.update(creator=creator, coauthor=coauthor, anonymous=None)
    return SimpleNamespace(
        initiative=initiative,
        accepted=accepted,
        receipt=IssuedDocument.objects.get(object_id=accepted.pk),
        registration=registration,
        idea=idea,
        people=people,
    )


def test_the_search_key_never_holds_the_confidential_text(cast):
    world = build(cast, "a")
    for initiative in (world.initiative, world.accepted):
        initiative.refresh_from_db()
        assert fold(MARKER) not in initiative.search_text
        assert fold(SECRET_WORD) not in initiative.search_text
    assert fold("Trần Văn Tác") in world.initiative.search_text


@pytest.mark.parametrize("recognising", ["a", "province"])
@pytest.mark.parametrize("who", PEOPLE)
def test_the_secret_reaches_exactly_the_allowed_people(
    cast, client_for, who, recognising
):
    world = build(cast, recognising)
    client = client_for(world.people[who])
    initiative = world.initiative
    visible = who in VISIBLE
    allowed = who in CONFIDENTIAL_TO[recognising]
    assert not allowed or visible
    if who == "anonymous":
        for path in (
            initiative.get_absolute_url(),
            reverse("initiatives:edit", args=[initiative.pk]),
            reverse("initiatives:pdf", args=[initiative.pk]),
            reverse("initiatives:list"),
            reverse("initiatives:export"),
        ):
            assert_login_redirect(client.get(path), path)
        return

    # The request's page: the secret, or a sentence saying there is one.
    response = client.get(initiative.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == (200 if visible else 404)
    assert (MARKER in page) is allowed
    if visible:
        assert TITLE in page
        assert response.context["can_view_confidential"] is allowed

    # The edit form, open to the authors while the request is returned.
    response = client.get(reverse("initiatives:edit", args=[initiative.pk]))
    is_author = who in AUTHORS
    assert response.status_code == (200 if is_author else 403 if visible else 404)
    assert (MARKER in response.content.decode()) is is_author

    # The PDF of the request: the secret, or the placeholder sentence.
    response = client.get(reverse("initiatives:pdf", args=[initiative.pk]))
    assert response.status_code == (200 if visible else 404)
    if visible:
        text = pdf_text(response.content)
        assert "".join(TITLE.split()) in text
        assert (MARKER in text) is allowed
        assert (PDF_PLACEHOLDER in text) is not allowed

    # The list never shows it, to anyone, even the authors.
    listed = client.get(reverse("initiatives:list")).content.decode()
    assert MARKER not in listed
    assert (TITLE in listed) is visible

    # The Excel export neither.
    rows = xlsx_rows(client.get(reverse("initiatives:export")).content)
    cells = " ".join(str(value) for row in rows for value in row if value)
    assert MARKER not in cells
    assert SECRET_WORD not in cells
    assert (TITLE in cells) is visible

    # The issued receipt of the second request neither.
    response = client.get(reverse("documents:download", args=[world.receipt.pk]))
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert hashlib.sha256(response.content).hexdigest() == world.receipt.sha256
        assert MARKER not in pdf_text(response.content)

    # The registration and the idea the request came from link to it, never
    # to its secret.
    for obj, sees, list_name in (
        (world.registration, SEES_REGISTRATION, "initiatives:registration_list"),
        (world.idea, SEES_IDEA, "initiatives:idea_list"),
    ):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == (200 if who in sees else 404), obj
        assert MARKER not in response.content.decode()
        listed = client.get(reverse(list_name)).content.decode()
        assert (obj.title in listed) is (who in sees), obj
        assert MARKER not in listed


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_searching_for_the_secret_finds_nothing_even_for_authors(cast, client_for, who):
    world = build(cast, "a")
    client = client_for(world.people[who])
    # The search works: a word of the title finds the request.
    found = client.get(reverse("initiatives:list"), {"q": "tu say"})
    assert world.initiative in found.context["page"].object_list
    for query in (MARKER, SECRET_WORD, SECRET_WORD.lower(), f"tủ sấy {SECRET_WORD}"):
        response = client.get(reverse("initiatives:list"), {"q": query})
        assert response.status_code == 200
        assert response.context["page"].object_list == [], query
        assert response.context["total"] == 0, query
        assert TITLE not in response.content.decode()
        export = client.get(reverse("initiatives:export"), {"q": query})
        assert xlsx_rows(export.content)[1:] == [], query
        ideas = client.get(reverse("initiatives:idea_list"), {"q": query})
        assert world.idea.title not in ideas.content.decode()
        registrations = client.get(
            reverse("initiatives:registration_list"), {"q": query}
        )
        assert world.registration.title not in registrations.content.decode()


def test_a_secret_changed_in_the_form_stays_out_of_search(cast, client_for):
    world = build(cast, "a")
    initiative = world.initiative
    client = client_for(world.people["creator"])
    path = reverse("initiatives:edit", args=[initiative.pk])
    data = request_form_data(
        cast.tree.a1,
        cast.tree.a,
        title=TITLE,
        authors=[(world.people["creator"], "100")],
        version=initiative.version,
        essence="Quy trình bảo quản lạnh.",
        confidential_info="Công thức mới: Quaxoquy, nhiệt độ 70 độ.",
    )
    assert client.post(path, data).status_code == 302
    initiative.refresh_from_db()
    assert initiative.confidential_info.startswith("Công thức mới")
    assert "quaxoquy" not in initiative.search_text
    for query in ("Quaxoquy", "cong thuc moi", "nhiet do 70"):
        response = client.get(reverse("initiatives:list"), {"q": query})
        assert response.context["page"].object_list == [], query
    response = client.get(reverse("initiatives:list"), {"q": "quy trinh bao quan"})
    assert response.context["page"].object_list == [initiative]
