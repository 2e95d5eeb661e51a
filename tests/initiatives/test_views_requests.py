"""Every URL of the initiatives and documents apps: it works for an allowed user,
an outsider gets 404, a visible-but-not-allowed user gets 403, an anonymous visitor
goes to the login page, and a method the URL does not take is refused (405)."""

import hashlib
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from documents.models import IssuedDocument
from initiatives import services
from initiatives.models import (
    Attachment,
    Author,
    Idea,
    Initiative,
    InitiativeEvent,
    Registration,
    Status,
)
from tests.initiatives.council_world import COUNCIL_ROUTES, url_names
from tests.initiatives.helpers import (
    PDF_FILE,
    assert_login_redirect,
    attach,
    author,
    idea_for,
    make_request,
    move_to,
    pdf_text,
    pdf_upload,
    person,
    registration_for,
    registration_form_data,
    request_form_data,
    state,
    xlsx_rows,
)
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(cast):
    """Requests filed from CB-A1 and recognised by CB-A, in every state, with the
    registration, ideas and receipt around them."""
    tree = cast.tree
    creator = person("tac_gia", tree.a1, full_name="Trần Văn Tác")
    # A registered co-author from another branch of the tree.
    coauthor = person("dong_tac_gia", tree.b1, full_name="Lê Thị Đồng")
    a_support = person("a_support", tree.a, Role.SUPPORT_TEAM)

    def filed(status, title):
        return make_request(
            creator,
            unit=tree.a1,
            recognizing_unit=tree.a,
            authors=[author(creator, "60"), author(coauthor, "40")],
            title=title,
            status=status,
            staff=cast.a_staff,
        )

    draft = filed(Status.DRAFT, "Bản nháp số hoá hồ sơ")
    draft_file = attach(draft, creator, "nhap.pdf")
    submitted = filed(Status.DRAFT, "Đơn đã nộp về thư viện")
    submitted_file = attach(submitted, creator, "da-nop.pdf")
    submitted = move_to(submitted, Status.SUBMITTED, actor=creator)
    accepted = filed(Status.ACCEPTED, "Đơn đã tiếp nhận về phòng thí nghiệm")
    closed_idea = services.idea_close(
        idea=idea_for(creator, tree.a1, "Ý tưởng đã đóng"), actor=creator
    )
    people = {n: getattr(cast, n) for n in vars(cast) if n not in ("tree", "password")}
    people.update(creator=creator, coauthor=coauthor, a_support=a_support)
    return SimpleNamespace(
        cast=cast,
        tree=tree,
        people=people,
        draft=draft,
        draft_file=draft_file,
        submitted=submitted,
        submitted_file=submitted_file,
        returned=filed(Status.RETURNED, "Đơn bị trả lại về bếp ăn"),
        accepted=accepted,
        # Withdrawn after submission; a draft withdrawn unsent is tested below.
        withdrawn=move_to(
            filed(Status.SUBMITTED, "Đơn đã rút về nhà xe"),
            Status.WITHDRAWN,
            actor=creator,
        ),
        document=IssuedDocument.objects.get(object_id=accepted.pk),
        registration=registration_for(creator, tree.a1),
        idea=idea_for(creator, tree.a1),
        closed_idea=closed_idea,
    )


def signed_in(world, client_for, who):
    return client_for(None if who == "anonymous" else world.people[who])


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    target: str | None = None  # the object of the world the URL points at
    actor: str = "creator"  # someone allowed to use it


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
ROUTES = {
    "initiatives:list": Route(GET),
    "initiatives:export": Route(GET),
    "initiatives:create": Route(BOTH),
    "initiatives:detail": Route(GET, "submitted"),
    "initiatives:edit": Route(BOTH, "draft"),
    "initiatives:submit": Route(POST, "draft"),
    "initiatives:withdraw": Route(POST, "submitted"),
    "initiatives:return": Route(POST, "submitted", "a_staff"),
    "initiatives:accept": Route(POST, "submitted", "a_staff"),
    "initiatives:pdf": Route(GET, "submitted"),
    "initiatives:attachment_upload": Route(POST, "draft"),
    "initiatives:attachment_download": Route(GET, "submitted_file"),
    "initiatives:attachment_delete": Route(POST, "draft_file"),
    "initiatives:registration_list": Route(GET),
    "initiatives:registration_create": Route(BOTH),
    "initiatives:registration_detail": Route(GET, "registration"),
    "initiatives:registration_edit": Route(BOTH, "registration"),
    "initiatives:registration_withdraw": Route(POST, "registration"),
    "initiatives:idea_list": Route(GET),
    "initiatives:idea_create": Route(BOTH),
    "initiatives:idea_detail": Route(GET, "idea"),
    "initiatives:idea_comment": Route(POST, "idea"),
    "initiatives:idea_close": Route(POST, "idea"),
    "initiatives:idea_to_request": Route(POST, "idea"),
    "documents:download": Route(GET, "document"),
}
OBJECT_ROUTES = sorted(name for name, route in ROUTES.items() if route.target)


def url(world, name: str, target: str | None = None) -> str:
    target = target or ROUTES[name].target
    return reverse(name, args=[getattr(world, target).pk] if target else [])


def call(client, method: str, path: str, data=None):
    return getattr(client, method.lower())(path, data or {})


def test_every_url_is_in_the_matrix():
    """The councils' URLs have their own matrix (test_views_councils.py); every
    other URL of the two namespaces is here."""
    assert url_names() - set(COUNCIL_ROUTES) == set(ROUTES)


# --- Anonymous visitors, wrong methods, outsiders, refusals ---------------------------


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_goes_to_the_login_page(world, client_for, name):
    before = state()
    path = url(world, name)
    for method in ("GET", "POST"):
        assert_login_redirect(call(client_for(None), method, path), path)
    assert state() == before


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_method_the_url_does_not_take_is_refused(world, client_for, name):
    route = ROUTES[name]
    client = signed_in(world, client_for, route.actor)
    before = state()
    wrong = [m for m in ("GET", "POST", "PUT", "DELETE") if m not in route.methods]
    for method in wrong:
        response = call(client, method, url(world, name))
        assert response.status_code == 405, (method, response.status_code)
        assert set(response["Allow"].split(", ")) == set(route.methods)
    assert state() == before


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, method) for name in OBJECT_ROUTES for method in ROUTES[name].methods],
)
def test_outside_the_users_scope_an_object_does_not_exist(
    world, client_for, name, method
):
    before = state()
    for who in ("outsider", "b_admin"):
        response = call(signed_in(world, client_for, who), method, url(world, name))
        assert response.status_code == 404, who
    assert state() == before


def test_an_unknown_object_is_not_found(world, client_for):
    client = signed_in(world, client_for, "superuser")
    for name in OBJECT_ROUTES:
        response = call(client, ROUTES[name].methods[-1], reverse(name, args=[98765]))
        assert response.status_code == 404, name


# (url, method, target, who): they see the object, but may not do this to it.
FORBIDDEN = [
    ("initiatives:edit", "GET", "submitted", "a_officer"),
    ("initiatives:edit", "POST", "submitted", "a_officer"),
    ("initiatives:edit", "GET", "draft", "a1_support"),
    ("initiatives:edit", "GET", "draft", "superuser"),
    ("initiatives:edit", "GET", "submitted", "creator"),
    ("initiatives:edit", "GET", "accepted", "coauthor"),
    ("initiatives:submit", "POST", "draft", "a1_support"),
    ("initiatives:submit", "POST", "submitted", "creator"),
    ("initiatives:submit", "POST", "returned", "a_staff"),
    ("initiatives:withdraw", "POST", "submitted", "a_officer"),
    ("initiatives:withdraw", "POST", "draft", "a1_support"),
    ("initiatives:withdraw", "POST", "withdrawn", "creator"),
    ("initiatives:return", "POST", "submitted", "a1_support"),
    ("initiatives:return", "POST", "submitted", "a_officer"),
    ("initiatives:return", "POST", "submitted", "creator"),
    ("initiatives:return", "POST", "accepted", "a_staff"),
    ("initiatives:accept", "POST", "submitted", "a1_support"),
    ("initiatives:accept", "POST", "submitted", "a_officer"),
    ("initiatives:accept", "POST", "returned", "a_admin"),
    ("initiatives:attachment_upload", "POST", "draft", "a1_support"),
    ("initiatives:attachment_upload", "POST", "submitted", "creator"),
    ("initiatives:attachment_delete", "POST", "draft_file", "a1_support"),
    ("initiatives:attachment_delete", "POST", "submitted_file", "a_officer"),
    ("initiatives:attachment_delete", "POST", "submitted_file", "creator"),
    ("initiatives:registration_edit", "GET", "registration", "a_officer"),
    ("initiatives:registration_edit", "POST", "registration", "a1_support"),
    ("initiatives:registration_withdraw", "POST", "registration", "a_officer"),
    ("initiatives:idea_comment", "POST", "closed_idea", "creator"),
    ("initiatives:idea_close", "POST", "closed_idea", "a1_support"),
    ("initiatives:idea_to_request", "POST", "idea", "a1_support"),
    ("initiatives:idea_to_request", "POST", "closed_idea", "creator"),
    ("initiatives:create", "GET", None, "outsider"),
    ("initiatives:create", "POST", None, "outsider"),
    ("initiatives:registration_create", "GET", None, "outsider"),
    ("initiatives:idea_create", "POST", None, "outsider"),
]


@pytest.mark.parametrize(("name", "method", "target", "who"), FORBIDDEN)
def test_visible_but_not_allowed_is_forbidden(
    world, client_for, name, method, target, who
):
    data = {"reason": "Thiếu minh chứng.", "text": "Góp ý.", "file": pdf_upload()}
    if target:
        detail = getattr(world, target)
        seen = signed_in(world, client_for, who).get(detail.get_absolute_url())
        assert seen.status_code == 200
    before = state()
    path = reverse(name, args=[getattr(world, target).pk] if target else [])
    response = call(signed_in(world, client_for, who), method, path, data)
    assert response.status_code == 403
    assert state() == before


def test_filing_from_a_registration_of_someone_else(world, client_for):
    path = f"{reverse('initiatives:create')}?registration={world.registration.pk}"
    assert signed_in(world, client_for, "a1_support").get(path).status_code == 403
    assert signed_in(world, client_for, "b1_member").get(path).status_code == 404
    response = signed_in(world, client_for, "creator").get(path)
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == world.registration.title


# --- Who sees which request -------------------------------------------------------

SEE_DRAFTS = {"superuser", "creator", "coauthor", "a1_support", "a_support"}
OVER_THE_UNIT = {"province_admin", "province_staff", "a_admin", "a_staff", "a_officer"}
SEE_SUBMITTED = SEE_DRAFTS | OVER_THE_UNIT
PEOPLE = [*sorted(SEE_SUBMITTED), "a1_member", "b_admin", "b1_member", "outsider"]
STATES = ["draft", "submitted", "returned", "accepted", "withdrawn"]


@pytest.mark.parametrize("who", PEOPLE)
def test_list_detail_pdf_export_and_files_agree_on_who_sees_what(
    world, client_for, who
):
    client = signed_in(world, client_for, who)
    expected = {
        target
        for target in STATES
        if who in (SEE_DRAFTS if target == "draft" else SEE_SUBMITTED)
    }
    listed = client.get(reverse("initiatives:list")).content.decode()
    exported = [
        row[2]
        for row in xlsx_rows(client.get(url(world, "initiatives:export")).content)[1:]
    ]
    for target in STATES:
        initiative = getattr(world, target)
        visible = target in expected
        assert (initiative.title in listed) is visible, target
        assert (initiative.title in exported) is visible, target
        for name in ("initiatives:detail", "initiatives:pdf"):
            response = client.get(url(world, name, target))
            assert response.status_code == (200 if visible else 404), (name, target)
    for target, initiative in (
        ("draft_file", "draft"),
        ("submitted_file", "submitted"),
    ):
        response = client.get(url(world, "initiatives:attachment_download", target))
        assert response.status_code == (200 if initiative in expected else 404)


def test_a_draft_withdrawn_before_submission_stays_private(world, client_for):
    """Only submission shows a request to the officers and staff; a draft its
    authors withdraw was never submitted and stays among those who saw it."""
    creator = world.people["creator"]
    withdrawn = move_to(
        make_request(creator, unit=world.tree.a1, title="Nháp đã rút"),
        Status.WITHDRAWN,
        actor=creator,
    )
    path = withdrawn.get_absolute_url()
    for who in ("creator", "a1_support", "superuser"):
        assert signed_in(world, client_for, who).get(path).status_code == 200, who
    for who in ("a_officer", "a_staff", "a_admin", "province_admin"):
        response = signed_in(world, client_for, who).get(path)
        assert response.status_code == 404, who
        listed = signed_in(world, client_for, who).get(reverse("initiatives:list"))
        assert withdrawn.title not in listed.content.decode(), who


# --- Requests: it works ---------------------------------------------------------------


def request_form(world, *, title: str, authors, version=None) -> dict:
    """Return the POST data of the request form, filed from CB-A1 to CB-A."""
    people = [(world.people[name], share) for name, share in authors]
    return request_form_data(
        world.tree.a1, world.tree.a, title=title, authors=people, version=version
    )


def test_create_a_request(world, client_for):
    client = signed_in(world, client_for, "a1_member")
    path = reverse("initiatives:create")
    assert client.get(path).status_code == 200
    data = request_form(
        world, title="Sổ tay điện tử", authors=[("a1_member", "70"), ("coauthor", "30")]
    )
    response = client.post(path, data)
    created = Initiative.objects.get(title="Sổ tay điện tử")
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert created.status == Status.DRAFT
    assert created.created_by == world.people["a1_member"]
    assert list(created.authors.values_list("user__username", "share")) == [
        ("a1_member", 70),
        ("dong_tac_gia", 30),
    ]


@pytest.mark.parametrize("who", ["creator", "coauthor"])
def test_edit_a_request(world, client_for, who):
    """Any author may edit, also a co-author from another union: the form offers
    them the request's own union (views._request_form), so saving must work."""
    client = signed_in(world, client_for, who)
    path = url(world, "initiatives:edit", "draft")
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == world.draft.title
    authors = [("creator", "60"), ("coauthor", "40")]
    data = request_form(
        world, title="Bản nháp đã sửa", authors=authors, version=world.draft.version
    )
    response = client.post(path, data)
    world.draft.refresh_from_db()
    errors = response.context and response.context["form"].errors
    assert (world.draft.title, world.draft.version) == ("Bản nháp đã sửa", 2), errors
    assert response.status_code == 302


@pytest.mark.parametrize("version", ["abc", "-1", "99999999999"])
def test_a_version_edited_by_hand_is_refused_with_a_message(world, client_for, version):
    client = signed_in(world, client_for, "creator")
    path = url(world, "initiatives:edit", "draft")
    data = request_form(
        world, title="Sửa tay", authors=[("creator", "100")], version=None
    )
    data["version"] = version
    response = client.post(path, data)
    assert response.status_code == 200
    with translation.override("vi"):
        message = gettext("This page was changed outside the form: reload it.")
    assert escape(message) in response.content.decode()
    world.draft.refresh_from_db()
    assert world.draft.title != "Sửa tay"


def test_submit_a_request(world, client_for):
    response = signed_in(world, client_for, "creator").post(
        url(world, "initiatives:submit", "draft")
    )
    assert response.status_code == 302
    assert response.url == world.draft.get_absolute_url()
    world.draft.refresh_from_db()
    assert world.draft.status == Status.SUBMITTED
    assert world.draft.events.filter(action=InitiativeEvent.Action.SUBMITTED).exists()


def test_withdraw_a_request(world, client_for):
    response = signed_in(world, client_for, "coauthor").post(
        url(world, "initiatives:withdraw", "submitted"), {"reason": "Chưa xong."}
    )
    assert response.status_code == 302
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.WITHDRAWN
    assert world.submitted.events.last().note == "Chưa xong."


def test_a_draft_offers_no_withdrawal(world, client_for):
    client = signed_in(world, client_for, "creator")
    page = client.get(world.draft.get_absolute_url())
    assert page.context["withdraw_form"] is None
    withdraw_path = reverse("initiatives:withdraw", args=[world.draft.pk])
    assert withdraw_path not in page.content.decode()
    response = client.post(withdraw_path, {"reason": "Không cần nữa."})
    assert response.status_code == 403
    world.draft.refresh_from_db()
    assert world.draft.status == Status.DRAFT
    # Once filed, the same author may withdraw it.
    submitted = client.get(world.submitted.get_absolute_url())
    assert submitted.context["withdraw_form"] is not None


def test_return_a_request(world, client_for, django_capture_on_commit_callbacks):
    client = signed_in(world, client_for, "a_staff")
    path = url(world, "initiatives:return", "submitted")
    client.post(path, {"reason": ""})
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"reason": "Bổ sung xác nhận."})
    assert response.status_code == 302
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.RETURNED
    assert world.submitted.events.last().note == "Bổ sung xác nhận."
    assert sorted(mail.outbox[-1].to) == [
        "dong_tac_gia@example.vn",
        "tac_gia@example.vn",
    ]


def test_accept_a_request(world, client_for):
    response = signed_in(world, client_for, "a_admin").post(
        url(world, "initiatives:accept", "submitted")
    )
    assert response.status_code == 302
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.ACCEPTED
    assert world.submitted.accepted_on is not None
    assert IssuedDocument.objects.filter(object_id=world.submitted.pk).count() == 1


@pytest.mark.parametrize("who", ["creator", "a_officer", "a1_support", "superuser"])
def test_print_a_request(world, client_for, who):
    response = signed_in(world, client_for, who).get(
        url(world, "initiatives:pdf", "submitted")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "ĐƠNYÊUCẦUCÔNGNHẬNSÁNGKIẾN" in pdf_text(response.content)
    assert "".join(world.submitted.title.split()) in pdf_text(response.content)


def test_export_the_list(world, client_for):
    response = signed_in(world, client_for, "a_officer").get(
        reverse("initiatives:export"), {"status": Status.SUBMITTED}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = xlsx_rows(response.content)
    assert [row[2] for row in rows[1:]] == [world.submitted.title]


def test_upload_download_and_delete_a_file(world, client_for):
    client = signed_in(world, client_for, "creator")
    response = client.post(
        url(world, "initiatives:attachment_upload", "draft"),
        {"file": pdf_upload("bang-chung.pdf"), "purpose": "evidence"},
    )
    assert response.status_code == 302
    added = world.draft.attachments.get(original_name="bang-chung.pdf")
    assert "bang-chung" not in added.file.name
    client.post(
        url(world, "initiatives:attachment_upload", "draft"),
        {"file": SimpleUploadedFile("ghi-chu.txt", b"plain text")},
    )
    assert world.draft.attachments.count() == 2  # the text file was refused
    download = signed_in(world, client_for, "a1_support").get(
        reverse("initiatives:attachment_download", args=[added.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_FILE
    assert download["Content-Disposition"].startswith("attachment;")
    response = signed_in(world, client_for, "coauthor").post(
        reverse("initiatives:attachment_delete", args=[added.pk])
    )
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=added.pk).exists()


def test_download_an_issued_document(world, client_for):
    document = world.document
    for who in ("creator", "coauthor", "a_officer", "a1_support", "province_staff"):
        response = signed_in(world, client_for, who).get(
            url(world, "documents:download")
        )
        assert response.status_code == 200, who
        assert response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == document.sha256


# --- Registrations ----------------------------------------------------------------


SEE_REGISTRATION = {"creator", "a_officer", "a1_support", "province_admin", "superuser"}


@pytest.mark.parametrize(
    "who", [*sorted(SEE_REGISTRATION), "a1_member", "b_admin", "outsider"]
)
def test_registration_list_and_detail(world, client_for, who):
    client = signed_in(world, client_for, who)
    listed = client.get(reverse("initiatives:registration_list"))
    assert listed.status_code == 200
    visible = who in SEE_REGISTRATION
    assert (world.registration.title in listed.content.decode()) is visible
    response = client.get(url(world, "initiatives:registration_detail"))
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.context["can_edit"] is (who == "creator")


def test_create_a_registration(world, client_for):
    client = signed_in(world, client_for, "a1_member")
    path = reverse("initiatives:registration_create")
    assert client.get(path).status_code == 200
    response = client.post(path, registration_form_data(world.tree.a1, "Đăng ký mới"))
    created = Registration.objects.get(title="Đăng ký mới")
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert created.registrant == world.people["a1_member"]


def test_edit_and_withdraw_a_registration(world, client_for):
    client = signed_in(world, client_for, "creator")
    path = url(world, "initiatives:registration_edit")
    assert client.get(path).status_code == 200
    response = client.post(
        path, registration_form_data(world.tree.a1, "Đăng ký đã sửa")
    )
    assert response.status_code == 302
    world.registration.refresh_from_db()
    assert world.registration.title == "Đăng ký đã sửa"
    response = client.post(url(world, "initiatives:registration_withdraw"))
    assert response.status_code == 302
    world.registration.refresh_from_db()
    assert world.registration.withdrawn_at is not None
    assert client.get(path).status_code == 403


# --- Ideas ------------------------------------------------------------------------


SEE_IDEA = {"creator", "a1_support", "a_support", "a_officer", "superuser"}


@pytest.mark.parametrize("who", [*sorted(SEE_IDEA), "a1_member", "b_admin", "outsider"])
def test_idea_list_and_detail(world, client_for, who):
    client = signed_in(world, client_for, who)
    response = client.get(reverse("initiatives:idea_list"))
    assert response.status_code == 200
    assert (world.idea.title in response.content.decode()) is (who in SEE_IDEA)
    detail = client.get(url(world, "initiatives:idea_detail"))
    assert detail.status_code == (200 if who in SEE_IDEA else 404)


def test_post_an_idea(world, client_for, django_capture_on_commit_callbacks):
    client = signed_in(world, client_for, "a1_member")
    path = reverse("initiatives:idea_create")
    assert client.get(path).status_code == 200
    data = {"unit": world.tree.a1.pk, "title": "Ý tưởng mới", "description": "Vì…"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, data)
    idea = Idea.objects.get(title="Ý tưởng mới")
    assert response.url == idea.get_absolute_url()
    assert set(mail.outbox[-1].to) == {"a1_support@example.vn", "a_support@example.vn"}


def test_comment_on_and_close_an_idea(world, client_for):
    response = signed_in(world, client_for, "a1_support").post(
        url(world, "initiatives:idea_comment"), {"text": "Nên thử ở lớp 10."}
    )
    assert response.status_code == 302
    assert world.idea.comments.get().text == "Nên thử ở lớp 10."
    response = signed_in(world, client_for, "creator").post(
        url(world, "initiatives:idea_close")
    )
    assert response.status_code == 302
    world.idea.refresh_from_db()
    assert world.idea.status == Idea.Status.CLOSED


def test_turn_an_idea_into_a_request(world, client_for):
    response = signed_in(world, client_for, "creator").post(
        url(world, "initiatives:idea_to_request")
    )
    world.idea.refresh_from_db()
    initiative = world.idea.initiative
    assert response.status_code == 302
    assert response.url == reverse("initiatives:edit", args=[initiative.pk])
    assert world.idea.status == Idea.Status.BECAME_REQUEST
    assert (initiative.title, initiative.status) == (world.idea.title, Status.DRAFT)
    assert Author.objects.get(initiative=initiative).user == world.people["creator"]
