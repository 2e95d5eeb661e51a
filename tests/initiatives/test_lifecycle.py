"""The life of a recognition request over every state and every role.

draft → submitted → returned → resubmitted … → accepted; authors may withdraw
until a decision. Every step is recorded and shown as the request's timeline.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext, override

from documents.models import DocumentKind, IssuedDocument
from initiatives import services
from initiatives.models import Initiative, InitiativeEvent, Status, add_months
from initiatives.permissions import is_author
from tests.factories import make_unit
from tests.initiatives.factories import (
    attempt,
    author_data,
    author_row,
    ensure_council,
    form_data,
    make_request,
    move_to,
    person,
    png_bytes,
    receipts_of,
    signed_in,
    vietnamese,
)
from units.models import Unit

pytestmark = pytest.mark.django_db

TYPED_NAME, BORN = "Đặng Thị Ngọc Ánh", datetime.date(1988, 4, 12)
STATES = [s.value for s in Status]
ACTIONS = ["submit", "return", "accept", "withdraw"]
# (state, action) -> (status after, event recorded); every other pair is refused.
ALLOWED = {
    ("draft", "submit"): ("submitted", "submitted"),
    ("draft", "withdraw"): ("withdrawn", "withdrawn"),
    ("submitted", "return"): ("returned", "returned"),
    ("submitted", "accept"): ("accepted", "accepted"),
    ("submitted", "withdraw"): ("withdrawn", "withdrawn"),
    ("returned", "submit"): ("submitted", "resubmitted"),
    ("returned", "withdraw"): ("withdrawn", "withdrawn"),
    ("accepted", "withdraw"): ("withdrawn", "withdrawn"),
    ("under_review", "withdraw"): ("withdrawn", "withdrawn"),
    ("deferred", "withdraw"): ("withdrawn", "withdrawn"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(cast):
    """The cast, with a registered co-author, another plain member of A1 and a
    person whose name is the typed co-author's (but who is not that author)."""
    tree = cast.tree
    return SimpleNamespace(
        **vars(cast),
        creator=cast.a1_member,
        coauthor=person("dong.tacgia", tree.a1, full_name="Lý Thị Huệ"),
        other_member=person("thanhvien.khac", tree.a1),
        namesake=person("trung.ten", tree.a1, full_name=TYPED_NAME),
    )


@pytest.fixture
def new_request(people):
    """A complete draft filed at A1 and asked of A, with three authors."""

    def build(recognizing_unit=None, **overrides):
        return make_request(
            people.creator,
            people.tree.a1,
            recognizing_unit or people.tree.a,
            authors=[
                author_data(people.creator, "60"),
                author_data(people.coauthor, "30"),
                author_data(full_name=TYPED_NAME, share="10", date_of_birth=BORN),
            ],
            **overrides,
        )

    return build


def run(action, initiative, people, note):
    author, intake = people.creator, people.a_staff
    if action == "accept":
        return services.initiative_accept(initiative=initiative, actor=intake)
    call, actor, key = {
        "submit": (services.initiative_submit, author, "note"),
        "withdraw": (services.initiative_withdraw, author, "reason"),
        "return": (services.initiative_return, intake, "reason"),
    }[action]
    return call(initiative=initiative, actor=actor, **{key: note})


# --- The transitions, in the services -----------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state(state, action, people, new_request):
    initiative = move_to(
        new_request(), state, author=people.creator, intake=people.a_staff
    )
    version, events = initiative.version, initiative.events.count()
    documents = IssuedDocument.objects.count()
    note = "Ghi chú của bước này"
    actor = people.a_staff if action in ("return", "accept") else people.creator

    if (state, action) not in ALLOWED:
        with pytest.raises(ValidationError) as refused:
            run(action, initiative, people, note)
        assert refused.value.code == "transition"
        initiative.refresh_from_db()
        assert (initiative.status, initiative.version) == (state, version)
        assert initiative.events.count() == events
        assert IssuedDocument.objects.count() == documents
        return

    to_status, recorded = ALLOWED[state, action]
    done = run(action, initiative, people, note)
    initiative.refresh_from_db()
    assert done.status == initiative.status == to_status
    assert initiative.version == version + 1
    assert initiative.events.count() == events + 1
    event = initiative.events.last()
    assert (event.action, event.actor) == (recorded, actor)
    assert (event.from_status, event.to_status) == (state, to_status)
    if action == "accept":
        assert receipts_of(initiative).get().symbol in event.note
    else:
        assert event.note == note


def test_submit_refuses_an_incomplete_request_and_says_what_is_missing(
    people, new_request
):
    draft = new_request(
        essence="  ",
        benefits_author="",
        level="",
        first_applied_on=None,
        period_start=None,
        period_end=None,
        field=None,
    )
    names = ["essence", "benefits_author", "level", "first_applied_on", "field"]
    labels = [str(Initiative._meta.get_field(n).verbose_name) for n in names]
    assert services.missing_for_submission(draft) == labels
    with pytest.raises(ValidationError) as refused:
        services.initiative_submit(initiative=draft, actor=people.creator)
    assert refused.value.code == "incomplete"
    for label in labels:
        assert label in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.submitted_at is None
    assert list(draft.events.values_list("action", flat=True)) == ["created"]

    client = signed_in(people.creator)
    detail = client.get(draft.get_absolute_url())
    assert detail.context["missing"] == labels
    response = client.post(reverse("initiatives:submit", args=[draft.pk]), follow=True)
    shown = [str(m) for m in response.context["messages"]]
    expected = vietnamese(
        lambda: (
            gettext("Fill in before submitting: %(fields)s.")
            % {"fields": ", ".join(services.missing_for_submission(draft))}
        )
    )
    assert shown == [expected]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_period_start_counts_as_first_application(people, new_request):
    draft = new_request(first_applied_on=None)
    assert services.missing_for_submission(draft) == []
    done = services.initiative_submit(initiative=draft, actor=people.creator)
    assert done.status == Status.SUBMITTED
    assert done.submitted_at is not None


def test_return_needs_a_reason_and_mails_the_authors_after_commit(
    people, new_request, django_capture_on_commit_callbacks
):
    submitted = move_to(
        new_request(), "submitted", author=people.creator, intake=people.a_staff
    )
    with pytest.raises(ValidationError) as refused:
        services.initiative_return(
            initiative=submitted, actor=people.a_staff, reason=" \n "
        )
    assert "reason" in refused.value.error_dict
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED

    client = signed_in(people.a_staff)
    url = reverse("initiatives:return", args=[submitted.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        vietnamese(lambda: gettext("Say what the authors must change."))
    ]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, {"reason": "Bổ sung xác nhận của đơn vị áp dụng."})
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    (message,) = mail.outbox
    assert message.to == sorted([people.creator.email, people.coauthor.email])
    assert "Bổ sung xác nhận của đơn vị áp dụng." in message.body
    page = signed_in(people.creator)
    html = page.get(submitted.get_absolute_url()).content.decode()
    assert "Bổ sung xác nhận của đơn vị áp dụng." in html


def test_resubmitting_after_return_is_recorded(people, new_request):
    returned = move_to(
        new_request(), "returned", author=people.creator, intake=people.a_staff
    )
    services.initiative_submit(
        initiative=returned, actor=people.coauthor, note="Đã bổ sung."
    )
    event = returned.events.last()
    assert (event.action, event.actor, event.note) == (
        "resubmitted",
        people.coauthor,
        "Đã bổ sung.",
    )
    assert (event.from_status, event.to_status) == ("returned", "submitted")


# --- Accepting: due date and receipt ------------------------------------------


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (datetime.date(2025, 11, 30), datetime.date(2026, 2, 28)),
        (datetime.date(2023, 11, 30), datetime.date(2024, 2, 29)),
        (datetime.date(2025, 8, 31), datetime.date(2025, 11, 30)),
        (datetime.date(2025, 10, 31), datetime.date(2026, 1, 31)),
        (datetime.date(2025, 12, 15), datetime.date(2026, 3, 15)),
        (datetime.date(2024, 11, 29), datetime.date(2025, 2, 28)),
    ],
)
def test_add_months(day, due):
    assert add_months(day, 3) == due


def test_accept_sets_the_due_date_issues_one_receipt_and_mails(
    people, new_request, django_capture_on_commit_callbacks
):
    submitted = move_to(
        new_request(people.tree.province),
        "submitted",
        author=people.creator,
        intake=people.province_staff,
    )
    ensure_council(people.tree.province, 2023)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.initiative_accept(
            initiative=submitted,
            actor=people.province_staff,
            accepted_on=datetime.date(2023, 11, 30),
        )
    accepted.refresh_from_db()
    assert accepted.accepted_on == datetime.date(2023, 11, 30)
    assert accepted.due_on == datetime.date(2024, 2, 29)
    receipt = receipts_of(accepted).get()
    assert receipt.symbol == "01/GBN-LĐLĐ"
    assert receipt.kind == DocumentKind.RECEIPT
    assert receipt.issued_on == accepted.accepted_on
    assert receipt.issued_by == people.province_staff
    (message,) = mail.outbox
    assert message.to == sorted([people.creator.email, people.coauthor.email])

    client = signed_in(people.creator)
    html = client.get(accepted.get_absolute_url()).content.decode()
    assert "30/11/2023" in html
    assert "29/02/2024" in html
    assert receipt.symbol in html


def test_accepting_today_through_the_page(people, new_request):
    submitted = move_to(
        new_request(), "submitted", author=people.creator, intake=people.a_staff
    )
    client = signed_in(people.a_admin)
    response = client.post(reverse("initiatives:accept", args=[submitted.pk]))
    assert response.status_code == 302
    submitted.refresh_from_db()
    today = timezone.localdate()
    assert submitted.accepted_on == today
    assert submitted.due_on == add_months(today, 3)
    assert receipts_of(submitted).count() == 1


def test_receipt_numbers_run_per_unit_and_year(people, new_request):
    tree = people.tree
    civil = make_unit(
        tree.province,
        Unit.Kind.UPPER,
        "CB-C",
        "Công đoàn Viên chức",
        abbreviation="CĐVC",
    )
    civil1 = make_unit(civil, Unit.Kind.GRASSROOTS, "CB-C1")
    civil_member = person("vienchuc", civil1)
    this_year = timezone.localdate().replace(month=1, day=2)
    last_year = this_year.replace(year=this_year.year - 1)

    def accept(initiative, day):
        ensure_council(initiative.recognizing_unit, day.year)
        move_to(initiative, "submitted", author=initiative.created_by, intake=None)
        done = services.initiative_accept(
            initiative=initiative, actor=people.province_admin, accepted_on=day
        )
        return receipts_of(done).get().symbol

    province = tree.province
    assert accept(new_request(province), this_year) == "01/GBN-LĐLĐ"
    assert accept(new_request(province), this_year) == "02/GBN-LĐLĐ"
    civil_request = make_request(civil_member, civil1, civil)
    assert accept(civil_request, this_year) == "01/GBN-CĐVC"
    assert accept(new_request(province), last_year) == "01/GBN-LĐLĐ"
    assert accept(new_request(province), this_year) == "03/GBN-LĐLĐ"


# --- Who may do what, through the pages ---------------------------------------

AUTHORS = {"creator", "coauthor"}
OVERSIGHT = {"a_officer", "a_staff", "a_admin", "province_staff", "province_admin"}
INTAKE = {"a_staff", "a_admin", "province_staff", "province_admin"}
ROLES = ["creator", "coauthor", "namesake", "other_member", "a1_support"]
ROLES += [*sorted(OVERSIGHT), "b_admin", "b1_member", "outsider"]
# The pages of the steps; each URL name is the action's.
VIEW_ACTIONS = ["edit", "submit", "withdraw", "return", "accept"]
AFTER = {"submit": "submitted", "withdraw": "withdrawn"}
AFTER |= {"return": "returned", "accept": "accepted"}


def can_see(state, role) -> bool:
    """Drafts (and drafts withdrawn unseen) stay with the authors and coaches."""
    if role in AUTHORS or role == "a1_support":
        return True
    return role in OVERSIGHT and state not in ("draft", "withdrawn_draft")


def may(state, role, action) -> bool:
    if action in ("edit", "submit"):
        return role in AUTHORS and state in ("draft", "returned")
    if action == "withdraw":
        # Once filed (a draft has nothing to withdraw) and until a decision.
        return role in AUTHORS and state not in (
            "draft",
            "withdrawn",
            "recognised",
            "not_recognised",
        )
    return role in INTAKE and state == "submitted"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", STATES)
def test_who_may_do_what_in_every_state(stage, role, people, new_request):
    initiative = move_to(
        new_request(), stage, author=people.creator, intake=people.a_staff
    )
    state = initiative.status
    client = signed_in(getattr(people, role))
    detail = client.get(initiative.get_absolute_url())
    assert detail.status_code == (200 if can_see(stage, role) else 404)
    for action in VIEW_ACTIONS:
        code, after = attempt(client, action, initiative)
        if not can_see(stage, role):
            assert (code, after) == (404, state), action
        elif not may(state, role, action):
            assert (code, after) == (403, state), action
        elif action == "edit":
            assert (code, after) == (200, state), action
        else:
            assert (code, after) == (302, AFTER[action]), action
    if can_see(stage, role):
        for action in ("edit", "submit", "withdraw", "intake"):
            expected = may(state, role, "accept" if action == "intake" else action)
            assert detail.context[f"can_{action}"] is expected, action


def test_a_draft_withdrawn_before_submission_stays_private(people, new_request):
    """Nobody but its authors and coaches ever saw it; withdrawing changes nothing."""
    withdrawn = move_to(
        new_request(), "withdrawn_draft", author=people.creator, intake=None
    )
    assert withdrawn.status == Status.WITHDRAWN
    seen = {
        role: signed_in(getattr(people, role))
        .get(withdrawn.get_absolute_url())
        .status_code
        for role in ROLES
    }
    assert seen == {r: 200 if can_see("withdrawn_draft", r) else 404 for r in ROLES}


def test_a_typed_co_author_has_no_account(people, new_request):
    draft = new_request()
    typed = draft.authors.get(full_name=TYPED_NAME)
    assert typed.user is None
    assert people.namesake.full_name == TYPED_NAME
    assert not is_author(people.namesake, draft)
    client = signed_in(people.namesake)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_intake_only_at_the_recognising_unit_or_above(people, new_request):
    """A's staff see a request asked of the province, but do not take it in."""
    submitted = move_to(
        new_request(people.tree.province),
        "submitted",
        author=people.creator,
        intake=people.province_staff,
    )
    client = signed_in(people.a_staff)
    assert client.get(submitted.get_absolute_url()).status_code == 200
    assert attempt(client, "accept", submitted) == (403, "submitted")
    assert attempt(client, "return", submitted) == (403, "submitted")
    client.force_login(people.province_staff)
    for name in ("submit", "withdraw", "return", "accept"):
        url = reverse(f"initiatives:{name}", args=[submitted.pk])
        assert client.get(url).status_code == 405, "steps are taken by POST only"
    assert attempt(client, "accept", submitted) == (302, "accepted")


def test_a_registered_co_author_from_another_union_can_save_the_draft(
    people, new_request
):
    """The co-author is a member of B1 only; the request is filed at A1."""
    draft = make_request(
        people.creator,
        people.tree.a1,
        people.tree.a,
        authors=[
            author_data(people.creator, "50"),
            author_data(people.b1_member, "50"),
        ],
    )
    client = signed_in(people.b1_member)
    url = reverse("initiatives:edit", args=[draft.pk])
    assert client.get(url).status_code == 200
    rows = [author_row(people.creator, "50"), author_row(people.b1_member, "50")]
    data = form_data(
        people.tree.a1, people.tree.a, rows, version=draft.version, title="Tên mới"
    )
    response = client.post(url, data)
    errors = response.context["form"].errors if response.status_code == 200 else {}
    assert response.status_code == 302, errors
    draft.refresh_from_db()
    assert draft.title == "Tên mới"


def test_a_submitted_request_is_read_only(people, new_request):
    submitted = move_to(
        new_request(), "submitted", author=people.creator, intake=people.a_staff
    )
    with pytest.raises(ValidationError) as refused:
        services.initiative_update(
            initiative=submitted,
            actor=people.creator,
            version=submitted.version,
            unit=submitted.unit,
            recognizing_unit=submitted.recognizing_unit,
            authors=[author_data(people.creator)],
            title="Sửa sau khi nộp",
        )
    assert refused.value.code == "not_editable"
    submitted.refresh_from_db()
    assert submitted.title != "Sửa sau khi nộp"


# --- The timeline --------------------------------------------------------------


def test_the_timeline_lists_every_step_in_order(people, new_request):
    draft = new_request()
    draft = services.initiative_update(
        initiative=draft,
        actor=people.coauthor,
        version=draft.version,
        unit=draft.unit,
        recognizing_unit=draft.recognizing_unit,
        authors=[author_data(people.creator, "70"), author_data(people.coauthor, "30")],
        **{n: getattr(draft, n) for n in services.REQUEST_FIELDS},
    )
    services.attachment_add(
        initiative=draft,
        actor=people.creator,
        upload=SimpleUploadedFile("minh-chung.png", png_bytes()),
    )
    move_to(draft, "returned", author=people.creator, intake=people.a_staff)
    services.initiative_submit(initiative=draft, actor=people.creator)
    services.initiative_accept(initiative=draft, actor=people.a_admin)

    client = signed_in(people.creator)
    response = client.get(draft.get_absolute_url())
    events = response.context["events"]
    steps = ["created", "edited", "attached", "submitted", "returned"]
    steps += ["resubmitted", "accepted"]
    assert [e.action for e in events] == steps
    actors = [people.creator, people.coauthor, people.creator, people.creator]
    actors += [people.a_staff, people.creator, people.a_admin]
    assert [e.actor for e in events] == actors
    html = response.content.decode()
    history = html[html.index('class="timeline') :]
    start = 0
    for event in events:
        with override("vi"):
            label = str(capfirst(event.get_action_display()))
        when = timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M")
        entry = re.compile(
            rf"<strong>{re.escape(label)}</strong>\s*<div[^>]*>{re.escape(when)}"
            rf" · {re.escape(escape(str(event.actor)))}</div>"
        ).search(history, start)
        assert entry, f"{event.action} missing from the timeline, or out of order"
        start = entry.end()
    assert "Bổ sung số liệu." in history
    assert "minh-chung.png" in history


# --- Two people saving the same draft ------------------------------------------


@pytest.fixture
def two_editors(people, new_request):
    draft = new_request()
    first, second = signed_in(people.creator), signed_in(people.coauthor)
    url = reverse("initiatives:edit", args=[draft.pk])
    opened = {c: c.get(url).context["form"]["version"].value() for c in (first, second)}
    assert opened[first] == opened[second] == draft.version
    rows = [author_row(people.creator, "60"), author_row(people.coauthor, "40")]
    first_data = form_data(
        draft.unit, draft.recognizing_unit, rows, version=opened[first]
    )
    first_data |= {"title": "Bản của người thứ nhất", "essence": "Nội dung A."}
    second_rows = [*rows, author_row(full_name="Nông Văn Dũng", share="5")]
    second_rows[1] = author_row(people.coauthor, "35")
    second_data = form_data(
        draft.unit, draft.recognizing_unit, second_rows, version=opened[second]
    )
    second_data |= {"title": "Bản của người thứ hai", "essence": "Nội dung B 🚀."}
    assert first.post(url, first_data).status_code == 302
    return SimpleNamespace(draft=draft, url=url, second=second, second_data=second_data)


def test_the_second_save_is_refused_and_loses_nothing(two_editors):
    response = two_editors.second.post(two_editors.url, two_editors.second_data)
    assert response.status_code == 200
    expected = vietnamese(
        lambda: gettext(
            "Someone else saved this request after you opened it. Your changes are "
            "still in the form below: open the request in a new tab to see theirs, "
            "then save again."
        )
    )
    assert response.context["form"].non_field_errors() == [expected]
    html = response.content.decode()
    assert escape(expected) in html
    selects = {"unit", "recognizing_unit", "year", "kind", "field", "level"}
    for key, value in two_editors.second_data.items():
        if value and key not in selects and not key.endswith("FORMS"):
            assert escape(value) in html, key
    draft = Initiative.objects.get(pk=two_editors.draft.pk)
    assert draft.title == "Bản của người thứ nhất"
    assert draft.essence == "Nội dung A."
    assert list(draft.authors.values_list("share", flat=True)) == [60, 40]
    assert draft.events.filter(action=InitiativeEvent.Action.EDITED).count() == 1


def test_after_the_refusal_saving_again_keeps_the_second_version(two_editors):
    """The message says "then save again": the page must let that save through."""
    response = two_editors.second.post(two_editors.url, two_editors.second_data)
    shown = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert shown, "the page lost the version it was opened at"
    again = two_editors.second_data | {"version": shown.group(1)}
    response = two_editors.second.post(two_editors.url, again)
    assert response.status_code == 302
    draft = Initiative.objects.get(pk=two_editors.draft.pk)
    assert draft.title == "Bản của người thứ hai"
