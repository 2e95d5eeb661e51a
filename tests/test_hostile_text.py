"""Markup and script typed into every kind of user text, shown in pages and
printed in PDFs.

Each field gets a short tag (to tell the fields apart) and PAYLOAD: a script
tag, an attribute break-out with an onerror handler, an image on a local port,
a CSS @import and a file:// URL. Pages must show the escaped text and never the
markup itself; PDFs must print the text literally and make the renderer fetch
nothing but the project's static files.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from documents.rendering import STATIC_BASE_URL
from documents.services import document_bytes
from initiatives import services
from initiatives.models import Initiative
from initiatives.services import AuthorData
from tests.factories import make_unit
from tests.initiatives.pdf_helpers import pdf_raw_text, pdf_text, squash
from units import services as unit_services
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year

PAYLOAD = (
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    '<img src="http://127.0.0.1:9/">'
    "@import url(http://127.0.0.1:9/a.css);"
    "file:///etc/passwd"
)
# What must never reach a page as markup.
RAW = ("<script>alert(1)", "<img src=x onerror", '<img src="http://127.0.0.1:9/')


def typed(tag: str) -> str:
    """A field's text: its tag, then the payload (at most 150 characters, the
    shortest limit of the fields filled here)."""
    value = f"{tag} {PAYLOAD}"
    assert len(value) <= 150, tag
    return value


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Reading pages and PDFs ----------------------------------------------------------


def get_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_shown_escaped(content: str, *values: str, where: str = "") -> None:
    """No markup of the payload, and each value present in its escaped form."""
    for raw in RAW:
        assert raw not in content, (where, raw)
    for value in values:
        assert escape(value) in content, (where, value[:12])


def assert_printed_literally(pdf: bytes, fetched: list, *values: str) -> None:
    """Each value is in the PDF's text as typed (white space aside; headers may
    print it in capitals), and the renderer fetched only static files."""
    words = squash(pdf_raw_text(pdf)) + squash(pdf_text(pdf))
    for value in values:
        flat = squash(value)
        assert flat in words or flat.upper() in words, value[:12]
    assert "root:x:0:0" not in words
    assert fetched, "the renderer fetched nothing: was the fetcher recorded?"
    outside = [url for url in fetched if not url.startswith(STATIC_BASE_URL)]
    assert outside == []
    assert not [url for url in fetched if "127.0.0.1" in url or "passwd" in url]


def fresh(fetched: list) -> list:
    """Forget what was fetched so far and the parsed print stylesheet, so that
    the next document fetches the stylesheet again (proving the recording)."""
    from documents import rendering

    rendering.forget_print_stylesheet()
    fetched.clear()
    return fetched


def _rename(unit, name, actor):
    """Rename a unit from today, through the service."""
    renamed = unit_services.unit_rename(
        unit=unit,
        name=name,
        short_name="",
        abbreviation="",
        effective_on=TODAY,
        actor=actor,
    )
    unit.refresh_from_db()
    return renamed


# --- Units and people ----------------------------------------------------------------


def test_unit_person_and_block_texts_are_escaped(cast, client_for):
    tree = cast.tree
    names = {
        "unit": typed("Đv"),
        "person": typed("Ng"),
        "qualification": typed("Tđ"),
        "position": typed("Cv"),
        "block": typed("Kh"),
        "note": typed("Gc"),
    }
    union = make_unit(tree.a, Unit.Kind.GRASSROOTS, "CB-A9", names["unit"])
    person = unit_services.person_create(
        unit=union,
        full_name=names["person"],
        qualification=names["qualification"],
        role=Role.OFFICER,
        position=names["position"],
        full_time=True,
        actor=cast.a_admin,
    )
    block = unit_services.block_create(
        organizer=tree.a,
        year=YEAR,
        name=names["block"],
        note=names["note"],
        actor=cast.a_admin,
    )
    unit_services.block_member_set(
        block=block, unit=union, role="member", actor=cast.a_admin
    )
    client = client_for(cast.province_admin)
    pages = {
        reverse("units:detail", args=[union.pk]): [names["unit"]],
        reverse("units:detail", args=[tree.a.pk]): [names["unit"]],
        reverse("units:people", args=[union.pk]): [names["person"]],
        reverse("units:person_detail", args=[person.pk]): [
            names["person"],
            names["qualification"],
            names["position"],
            names["unit"],
        ],
        reverse("units:person_edit", args=[person.pk]): [
            names["person"],
            names["qualification"],
        ],
        reverse("units:block_list"): [names["block"]],
        reverse("units:block_detail", args=[block.pk]): [
            names["block"],
            names["note"],
            names["unit"],
        ],
    }
    for url, values in pages.items():
        assert_shown_escaped(get_page(client, url), *values, where=url)


# --- Requests ------------------------------------------------------------------------

REQUEST_TEXTS = {
    "title": typed("Tên"),
    "essence": typed("Bc"),
    "confidential_info": typed("Mật"),
    "conditions": typed("Đk"),
    "application_place": typed("Nơi"),
    "application_people": typed("Ngư"),
    "benefits_author": typed("Ích"),
    "benefits_confirmation": typed("Xn"),
    "field_other": typed("Lv"),
    "investor": typed("Đt"),
}
AUTHOR_TEXTS = {
    "full_name": typed("Tg"),
    "workplace": typed("Nlv"),
    "position": typed("Cvụ"),
    "qualification": typed("Tđc"),
}


@pytest.fixture
def hostile_request(cast):
    """A request of CB-A1 with every text field and a typed-in co-author
    filled with markup, submitted and returned with a hostile reason."""
    initiative = services.initiative_create(
        actor=cast.a1_member,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        authors=[
            AuthorData(
                user=cast.a1_member,
                full_name=cast.a1_member.full_name,
                share=Decimal("50"),
            ),
            AuthorData(share=Decimal("50"), **AUTHOR_TEXTS),
        ],
        year=YEAR,
        kind=Initiative.Kind.INITIATIVE,
        field=None,
        level=Initiative.Scope.GRASSROOTS,
        first_applied_on=datetime.date(YEAR - 1, 9, 5),
        **REQUEST_TEXTS,
    )
    services.initiative_submit(initiative=initiative, actor=cast.a1_member)
    services.initiative_return(
        initiative=initiative, actor=cast.a_staff, reason=typed("Trả")
    )
    return Initiative.objects.get(pk=initiative.pk)


def test_request_texts_are_escaped_in_its_pages(cast, client_for, hostile_request):
    client = client_for(cast.a1_member)
    detail = get_page(client, reverse("initiatives:detail", args=[hostile_request.pk]))
    assert_shown_escaped(
        detail,
        *REQUEST_TEXTS.values(),
        *AUTHOR_TEXTS.values(),
        typed("Trả"),
        where="detail",
    )
    home = get_page(client, reverse("home"))
    assert_shown_escaped(home, REQUEST_TEXTS["title"], where="home")
    listed = get_page(client, reverse("initiatives:list"))
    assert_shown_escaped(listed, REQUEST_TEXTS["title"], where="list")
    form = get_page(client, reverse("initiatives:edit", args=[hostile_request.pk]))
    assert_shown_escaped(
        form, *REQUEST_TEXTS.values(), *AUTHOR_TEXTS.values(), where="form"
    )


def test_request_texts_are_printed_literally(
    renderer_fetches, cast, client_for, hostile_request
):
    fresh(renderer_fetches)
    response = client_for(cast.a1_member).get(
        reverse("initiatives:pdf", args=[hostile_request.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert_printed_literally(
        response.content,
        renderer_fetches,
        *REQUEST_TEXTS.values(),
        *AUTHOR_TEXTS.values(),
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(typed("Tg"), typed("Tđc"), id="markup"),
        pytest.param(
            "Lê Văn Hai",
            "tochuc.thptchuyen@caobang.edu.vn",
            id="an e-mail address",
        ),
        pytest.param("Lê Văn Hai", "Trường THPT Chuyên Cao Bằng", id="plain"),
    ],
)
def test_the_authors_table_of_the_request_pdf_keeps_every_column(
    name, text, cast, client_for
):
    initiative = services.initiative_create(
        actor=cast.a1_member,
        unit=cast.tree.a1,
        recognizing_unit=cast.tree.a,
        authors=[
            AuthorData(
                user=cast.a1_member,
                full_name=cast.a1_member.full_name,
                share=Decimal("60"),
            ),
            AuthorData(
                full_name=name,
                share=Decimal("40"),
                workplace=text,
                position=text,
                qualification=text,
            ),
        ],
        year=YEAR,
        kind=Initiative.Kind.INITIATIVE,
        field=None,
        field_other="Giáo dục",
        level=Initiative.Scope.GRASSROOTS,
        title="Sổ tay điện tử",
        first_applied_on=datetime.date(YEAR - 1, 9, 5),
    )
    response = client_for(cast.a1_member).get(
        reverse("initiatives:pdf", args=[initiative.pk])
    )
    words = squash(pdf_raw_text(response.content))
    assert "Tỷlệ(%)" in words
    assert "60,00" in words and "40,00" in words
    assert words.count(squash(text)) == 3


def test_a_file_name_with_markup_is_escaped(cast, client_for):
    """A file name is typed by the user too: shown in the message and the list
    of files as text."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.initiatives.helpers import PDF_FILE, make_request

    name = "<img src=x onerror=alert(1)><script>alert(1)<!--.pdf"
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    client = client_for(cast.a1_member)
    response = client.post(
        reverse("initiatives:attachment_upload", args=[initiative.pk]),
        {"file": SimpleUploadedFile(name, PDF_FILE), "purpose": "evidence"},
        follow=True,
    )
    assert initiative.attachments.get().original_name == name
    content = response.content.decode()
    assert_shown_escaped(content, name, where="after upload")
    assert content.count(escape(name)) >= 2  # the message and the list of files


# --- Ideas and registrations ---------------------------------------------------------


def test_idea_comment_and_registration_texts_are_escaped(cast, client_for):
    texts = {
        "idea": typed("Ýt"),
        "description": typed("Nd"),
        "comment": typed("Bl"),
        "registration": typed("Đk"),
        "team": typed("Nhóm"),
        "note": typed("Ghi"),
        "field": typed("Lv"),
    }
    unit = cast.tree.a1
    idea = services.idea_create(
        actor=cast.a1_member,
        unit=unit,
        title=texts["idea"],
        description=texts["description"],
    )
    services.idea_comment(idea=idea, actor=cast.a1_support, text=texts["comment"])
    registration = services.registration_create(
        actor=cast.a1_member,
        unit=unit,
        year=YEAR,
        title=texts["registration"],
        kind=Initiative.Kind.INITIATIVE,
        field=None,
        field_other=texts["field"],
        expected_completion=datetime.date(YEAR, 12, 31),
        team=texts["team"],
        note=texts["note"],
    )
    client = client_for(cast.a1_member)
    pages = {
        reverse("initiatives:idea_list"): [texts["idea"]],
        reverse("initiatives:idea_detail", args=[idea.pk]): [
            texts["idea"],
            texts["description"],
            texts["comment"],
        ],
        reverse("initiatives:registration_list"): [texts["registration"]],
        reverse("initiatives:registration_detail", args=[registration.pk]): [
            texts["registration"],
            texts["team"],
            texts["note"],
            texts["field"],
        ],
        reverse("initiatives:registration_edit", args=[registration.pk]): [
            texts["registration"],
            texts["team"],
            texts["note"],
        ],
    }
    for url, values in pages.items():
        assert_shown_escaped(get_page(client, url), *values, where=url)


# --- Councils: members, scores, sessions and their documents -------------------------


@pytest.fixture
def council_world(renderer_fetches, cast):
    """The council of CB-A renamed with markup, a chair and a member position
    typed with markup, a request titled with markup scored with hostile
    comments, and a session held at a hostile place whose conclusion is hostile;
    the session is closed and its documents issued (rendered while the
    renderer's fetches are recorded)."""
    from initiatives.models import CouncilItem
    from initiatives.services import councils as council_services
    from initiatives.services import sessions as session_services
    from tests.initiatives.council_kit import Kit

    texts = {
        "council": typed("Hđ"),
        "chair": typed("Ctịch"),
        "position": typed("Cv"),
        "title": typed("Tên"),
        "author": typed("Tg"),
        "comments": typed("Nx"),
        "place": typed("Đđ"),
        "conclusion": typed("Kl"),
    }
    kit = Kit(cast)
    council = council_services.council_update(
        council=cast.councils.a, actor=cast.a_admin, name=texts["council"]
    )
    chair = kit.person(texts["chair"])
    members = [
        council_services.council_member_add(
            council=council,
            user=user,
            role=role,
            position=texts["position"],
            actor=cast.a_admin,
        )
        for user, role in (
            (chair, "chair"),
            (kit.person("Hoàng Thị Thư"), "secretary"),
            (kit.person("Lương Văn Phó"), "vice_chair"),
        )
    ]
    filer = kit.person("Lưu Văn Đức", unit=cast.tree.a1)
    item = kit.accept(
        council,
        filer=filer,
        title=texts["title"],
        authors=[
            AuthorData(user=filer, full_name=filer.full_name, share=Decimal("60")),
            AuthorData(full_name=texts["author"], share=Decimal("40")),
        ],
    )
    criteria = list(council.criteria.order_by("order"))
    council_services.score_sheet_save(
        item=item,
        member=members[0],
        points={c.pk: Decimal(c.max_points) for c in criteria},
        comments=texts["comments"],
        submit=True,
    )
    session = session_services.session_create(
        council=council,
        held_on=TODAY,
        place=texts["place"],
        items=[item],
        actor=cast.a_admin,
    )
    session_services.attendance_set(
        session=session, present={m.pk for m in members}, actor=cast.a_admin
    )
    session = session_services.session_open(session=session, actor=cast.a_admin)
    agenda_item = kit.agenda_item(session, item)
    kit.vote(agenda_item, yes=members)
    session_services.agenda_note(
        agenda_item=agenda_item, note=texts["conclusion"], actor=cast.a_admin
    )
    kit.close(session)
    documents = session_services.session_documents_issue(
        session=session, actor=members[1].user
    )
    item = CouncilItem.objects.get(pk=item.pk)
    assert item.status == CouncilItem.Status.RECOGNISED
    return {
        "texts": texts,
        "council": council,
        "chair": chair,
        "item": item,
        "session": session,
        "documents": documents,
        "fetched": renderer_fetches,
    }


def test_council_texts_are_escaped_in_its_pages(cast, client_for, council_world):
    texts, council = council_world["texts"], council_world["council"]
    item, session = council_world["item"], council_world["session"]
    pages = {
        reverse("initiatives:council_list"): [texts["council"]],
        reverse("initiatives:council_detail", args=[council.pk]): [
            texts["council"],
            texts["chair"],
            texts["position"],
            texts["title"],
        ],
        reverse("initiatives:item_detail", args=[item.pk]): [
            texts["title"],
            texts["comments"],
            texts["conclusion"],
        ],
        reverse("initiatives:session_detail", args=[session.pk]): [
            texts["council"],
            texts["place"],
            texts["title"],
            texts["chair"],
            texts["conclusion"],
        ],
    }
    client = client_for(cast.a_admin)
    for url, values in pages.items():
        assert_shown_escaped(get_page(client, url), *values, where=url)
    reviews = get_page(
        client_for(council_world["chair"]), reverse("initiatives:my_reviews")
    )
    assert_shown_escaped(reviews, where="my reviews")


# What each document of the council prints, by its kind.
COUNCIL_PRINTS = {
    "receipt": ["title", "author"],
    "minutes": ["council", "place", "title", "chair", "conclusion"],
    "minutes_excerpt": ["council", "place", "title", "conclusion"],
    "decision": ["council", "title", "author"],
    "certificate": ["title"],  # one per author, see below
}


def test_council_documents_print_the_texts_literally(council_world):
    from documents.models import IssuedDocument

    texts = council_world["texts"]
    documents = list(IssuedDocument.objects.order_by("pk"))
    kinds = {document.kind for document in documents}
    assert kinds == set(COUNCIL_PRINTS), kinds
    for document in documents:
        expected = [texts[key] for key in COUNCIL_PRINTS[document.kind]]
        assert_printed_literally(
            document_bytes(document), council_world["fetched"], *expected
        )
    # The typed-in author has a certificate of their own.
    certificates = [d for d in documents if d.kind == "certificate"]
    assert len(certificates) == 2
    assert any(
        squash(texts["author"]) in squash(pdf_raw_text(document_bytes(d)))
        for d in certificates
    )


# --- The Gold Book and the public honour roll -----------------------------------------


@pytest.fixture
def gold_world(renderer_fetches, cast):
    """CB-A1 renamed with markup; a recognition of CB-A's council whose title,
    typed-in co-author, public summary, evidence and correction carry markup,
    written in CB-A's Gold Book."""
    from goldbook import services as gold_services
    from tests.goldbook.conftest import Gold

    texts = {
        "unit": typed("Đv"),
        "title": typed("Sv"),
        "author": typed("Tg"),
        "summary": typed("Lợi"),
        "evidence": typed("Mc"),
        "correction": typed("Đc"),
    }
    _rename(cast.tree.a1, texts["unit"], cast.a_admin)
    gold = Gold(cast)
    filer = gold.kit.person("Nguyễn Thị Hồng Nhung", unit=cast.tree.a1)
    council = cast.councils.a
    item = gold.recognised(
        council,
        filer=filer,
        title=texts["title"],
        authors=[
            AuthorData(user=filer, full_name=filer.full_name, share=Decimal("50")),
            AuthorData(full_name=texts["author"], share=Decimal("50")),
        ],
    )
    entry = gold_services.entry_confirm(
        item=item,
        actor=gold.keeper(council),
        public_summary=texts["summary"],
        application_evidence=texts["evidence"],
    )
    gold_services.entry_annotate(
        entry=entry, actor=gold.keeper(council), text=texts["correction"]
    )
    assert entry.unit_name == texts["unit"]
    return {"texts": texts, "entry": entry, "filer": filer, "fetched": renderer_fetches}


def test_gold_book_texts_are_escaped_in_its_pages(cast, client_for, gold_world):
    texts, entry = gold_world["texts"], gold_world["entry"]
    unit = cast.tree.a
    everything = [
        texts["unit"],
        texts["title"],
        texts["author"],
        texts["summary"],
        texts["correction"],
    ]
    pages = {
        reverse("goldbook:list"): [],
        reverse("goldbook:book", args=[unit.pk]): [texts["title"], texts["author"]],
        reverse("goldbook:rollup", args=[unit.pk]): [texts["title"]],
        reverse("goldbook:entry", args=[entry.pk]): [*everything, texts["evidence"]],
        reverse("goldbook:person", args=[gold_world["filer"].pk]): [texts["title"]],
    }
    client = client_for(cast.a_staff)
    for url, values in pages.items():
        assert_shown_escaped(get_page(client, url), *values, where=url)
    # The public honour roll, for anyone.
    public = {
        reverse("home"): [texts["title"]],
        reverse("goldbook:honour"): [texts["title"], texts["unit"]],
        reverse("goldbook:honour") + "?q=Sv": [texts["title"]],
        reverse("goldbook:honour_entry", args=[entry.pk]): everything,
    }
    anonymous = client_for(None)
    for url, values in public.items():
        assert_shown_escaped(get_page(anonymous, url), *values, where=url)


def test_the_honour_feed_carries_the_texts_as_text(cast, client_for, gold_world):
    from xml.sax.saxutils import escape as xml_escape

    texts = gold_world["texts"]
    feed = get_page(client_for(None), reverse("goldbook:honour_feed"))
    for raw in RAW:
        assert raw not in feed
    # The title is text; the summary is HTML for feed readers, escaped first.
    assert f"<title>{xml_escape(texts['title'])}</title>" in feed
    assert xml_escape(escape(texts["summary"])) in feed


def test_the_gold_book_print_shows_the_texts_literally(cast, client_for, gold_world):
    fetched = fresh(gold_world["fetched"])
    response = client_for(cast.a_staff).get(
        reverse("goldbook:print", args=[cast.tree.a.pk]), {"year": YEAR}
    )
    assert response["Content-Type"] == "application/pdf"
    texts = gold_world["texts"]
    assert_printed_literally(
        response.content,
        fetched,
        texts["unit"],
        texts["title"],
        texts["author"],
        texts["summary"],
    )


def test_a_background_print_names_and_prints_the_texts_as_text(
    cast, client_for, gold_world, settings
):
    """A long print goes to the worker: its title (made of the unit's name) is
    escaped in the pages that follow it, and the worker's PDF prints the texts."""
    from html import unescape

    from jobs.models import Job
    from tests.jobs.conftest import run_worker

    settings.JOBS_PRINT_PAGE_LIMIT = 1
    settings.JOBS_RUN_EAGERLY = False
    unit_name = typed("Lđ")
    _rename(cast.tree.a, unit_name, cast.province_admin)
    client = client_for(cast.a_staff)
    confirm = get_page(
        client, reverse("goldbook:print", args=[cast.tree.a.pk]) + f"?year={YEAR}"
    )
    assert_shown_escaped(confirm, unit_name, where="print confirmation")
    ticket = unescape(re.search(r'name="ticket" value="([^"]+)"', confirm)[1])
    Job.objects.all().delete()  # the mail the recognition queued
    response = client.post(reverse("jobs:start"), {"ticket": ticket})
    job = Job.objects.get()
    assert response.status_code == 302
    fetched = fresh(gold_world["fetched"])
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    for url in (reverse("jobs:list"), job.get_absolute_url()):
        assert_shown_escaped(get_page(client, url), unit_name, where=url)
    download = client.get(reverse("jobs:file", args=[job.pk]))
    pdf = b"".join(download.streaming_content)
    texts = gold_world["texts"]
    assert_printed_literally(
        pdf, fetched, unit_name, texts["title"], texts["author"], texts["summary"]
    )


# --- Awards: rounds, candidates, selection and the dossier ----------------------------


@pytest.fixture
def award_world(renderer_fetches, cast):
    """CB-A's award round with markup in its title and note; CB-A1 (renamed
    with markup) and a1_member (named with markup) nominated with hostile
    achievements and grounds, selected at a meeting chaired and held with
    hostile texts, and the dossier issued (rendered while fetches are
    recorded)."""
    from awards import dossier as dossiers
    from awards import services as award_services
    from awards.models import AwardForm
    from tests.awards.conftest import Movement

    texts = {
        "unit": typed("Đv"),
        "person": typed("Ng"),
        "round": typed("Đợt"),
        "note": typed("Gc"),
        "achievements": typed("Thành"),
        "grounds": typed("Cứ"),
        "summary": typed("Tt"),
        "chair": typed("Chủ"),
        "place": typed("Nơi"),
    }
    tree = cast.tree
    _rename(tree.a1, texts["unit"], cast.a_admin)
    unit_services.person_update(
        person=cast.a1_member, actor=cast.a_admin, full_name=texts["person"]
    )
    cast.a1_member.refresh_from_db()
    movement = Movement(cast)
    movement.full_year(tree.a1, cast.councils.a1)
    movement.entry(cast.councils.a1, filer=cast.a1_member)
    movement.rate_member(cast.a1_member, tree.a1)
    paper = AwardForm.objects.get(name="Giấy khen")
    award_round = movement.round(
        tree.a, forms=[paper], title=texts["round"], note=texts["note"]
    )
    collective, individual = (
        award_services.candidate_add(award_round=award_round, actor=cast.a_staff, **who)
        for who in ({"unit": tree.a1}, {"person": cast.a1_member})
    )
    for candidate in (collective, individual):
        award_services.attest(
            candidate=candidate,
            actor=cast.a_staff,
            criterion="compliance",
            met=True,
            note=texts["grounds"],
        )
        award_services.nominate(
            candidate=candidate,
            actor=cast.a_staff,
            award_form=paper,
            achievements=texts["achievements"],
        )
    award_services.selection_record(
        award_round=award_round,
        actor=cast.a_staff,
        held_on=TODAY,
        chaired_by=texts["chair"],
        place=texts["place"],
        members_total=9,
        members_present=8,
        votes={collective.pk: 8, individual.pk: 8},
    )
    # The individual's summary is rewritten before the dossier is issued.
    dossiers.summary_set(
        candidate=individual, actor=cast.a_staff, text=texts["summary"]
    )
    award_round.refresh_from_db()
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    return {
        "texts": texts,
        "round": award_round,
        "collective": collective,
        "individual": individual,
        "dossier": dossier,
        "fetched": renderer_fetches,
    }


def test_award_texts_are_escaped_in_their_pages(cast, client_for, award_world):
    texts = award_world["texts"]
    award_round, dossier = award_world["round"], award_world["dossier"]
    collective, individual = award_world["collective"], award_world["individual"]
    pages = {
        reverse("awards:index"): [texts["round"]],
        reverse("awards:round", args=[award_round.pk]): [
            texts["round"],
            texts["note"],
            texts["unit"],
            texts["person"],
            texts["chair"],
        ],
        reverse("awards:candidate", args=[collective.pk]): [
            texts["unit"],
            texts["achievements"],
            texts["grounds"],
        ],
        reverse("awards:candidate", args=[individual.pk]): [
            texts["person"],
            texts["summary"],
        ],
        reverse("awards:dossiers"): [texts["round"]],
        # The dossier's page holds the summaries' forms.
        reverse("awards:dossier", args=[dossier.pk]): [
            texts["round"],
            texts["unit"],
            texts["person"],
            texts["summary"],
        ],
    }
    client = client_for(cast.a_staff)
    for url, values in pages.items():
        assert_shown_escaped(get_page(client, url), *values, where=url)


def test_the_award_dossier_prints_the_texts_literally(cast, client_for, award_world):
    texts = award_world["texts"]
    fetched = fresh(award_world["fetched"])
    response = client_for(cast.a_staff).get(
        reverse("awards:dossier_bundle", args=[award_world["dossier"].pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert_printed_literally(
        response.content,
        fetched,
        texts["unit"],
        texts["person"],
        texts["achievements"],
        texts["summary"],
        texts["chair"],
        texts["place"],
    )


# --- The movement's records, pacts and report -----------------------------------------


@pytest.fixture
def records_world(renderer_fetches, cast):
    """An inspection of CB-A1 (renamed with markup) by CB-A and a pact signed by
    CB-A1, each with markup in every text."""
    from awards import services as award_services
    from awards.services import SignatoryData

    texts = {
        "unit": typed("Đv"),
        "record": typed("Kt"),
        "findings": typed("Kq"),
        "pact": typed("Gu"),
        "content": typed("Cam"),
        "signer": typed("Ký"),
        "signer_position": typed("Cv"),
    }
    tree = cast.tree
    _rename(tree.a1, texts["unit"], cast.a_admin)
    record = award_services.record_create(
        unit=tree.a,
        actor=cast.a_staff,
        kind="inspection",
        year=YEAR,
        held_on=TODAY,
        title=texts["record"],
        summary=texts["findings"],
        inspected_unit=tree.a1,
    )
    pact = award_services.pact_create(
        organizer=tree.a,
        actor=cast.a_admin,
        year=YEAR,
        signed_on=TODAY,
        title=texts["pact"],
        content=texts["content"],
        signatories=[
            SignatoryData(
                unit=tree.a1,
                signer_name=texts["signer"],
                signer_position=texts["signer_position"],
            )
        ],
    )
    return {
        "texts": texts,
        "record": record,
        "pact": pact,
        "fetched": renderer_fetches,
    }


def test_record_pact_and_report_texts_are_escaped(cast, client_for, records_world):
    texts = records_world["texts"]
    a = cast.tree.a.pk
    pages = {
        reverse("awards:records") + f"?unit={a}&year={YEAR}": [
            texts["record"],
            texts["pact"],
            texts["unit"],
        ],
        reverse("awards:record", args=[records_world["record"].pk]): [
            texts["record"],
            texts["findings"],
            texts["unit"],
        ],
        reverse("awards:pact", args=[records_world["pact"].pk]): [
            texts["pact"],
            texts["content"],
            texts["signer"],
            texts["signer_position"],
            texts["unit"],
        ],
        reverse("awards:report") + f"?unit={a}&year={YEAR}": [texts["unit"]],
        reverse("awards:report_gaps") + f"?unit={a}&year={YEAR}&gap=launch": [
            texts["unit"]
        ],
        reverse("awards:unit_ratings", args=[a]) + f"?year={YEAR}": [texts["unit"]],
    }
    client = client_for(cast.a_staff)
    for url, values in pages.items():
        assert_shown_escaped(get_page(client, url), *values, where=url)


def test_the_movement_report_prints_the_texts_literally(
    cast, client_for, records_world
):
    fetched = fresh(records_world["fetched"])
    response = client_for(cast.a_staff).get(
        reverse("awards:report_pdf"), {"unit": cast.tree.a.pk, "year": YEAR}
    )
    assert response["Content-Type"] == "application/pdf"
    assert_printed_literally(response.content, fetched, records_world["texts"]["unit"])
