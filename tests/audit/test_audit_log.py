"""The audit log: what is written, for whom it is visible, how it reads."""

import datetime
import io

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook

from audit import log
from audit.context import acting
from audit.models import Action, AuditEntry
from documents.models import IssuedDocument
from initiatives import services as initiative_services
from initiatives.models import Initiative, Vote
from initiatives.services import sessions as session_services
from tests.factories import UserFactory
from tests.initiatives import council_world as cw
from tests.initiatives.helpers import (
    attach,
    make_request,
    request_form_data,
    xlsx_rows,
)
from units import services as unit_services
from units.models import Membership, Role, Unit


def translated(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/120"


def entries(**lookup):
    return list(AuditEntry.objects.filter(**lookup).order_by("id"))


def entries_for(obj, **lookup):
    return entries(target_type=obj._meta.label_lower, target_id=str(obj.pk), **lookup)


# --- What is followed ----------------------------------------------------------------


PROJECT_APPS = ("units", "documents", "initiatives", "goldbook", "awards", "jobs")


def test_every_model_is_followed_or_said_why_not():
    models = {
        model
        for name in PROJECT_APPS
        for model in apps.get_app_config(name).get_models()
    }
    followed, not_followed = log.tracked_models(), log.untracked_models()
    assert models == set(followed) | set(not_followed)
    assert not set(followed) & set(not_followed)
    assert all(not_followed.values())


# --- Requests: who, when, what, from where -------------------------------------------


def test_a_request_filed_through_the_site_says_who_when_and_from_where(
    cast, client_for
):
    tree = cast.tree
    client = client_for(cast.a1_member)
    before = timezone.now()
    response = client.post(
        reverse("initiatives:create"),
        request_form_data(
            tree.a1, tree.a, title="Sổ tay số", authors=[(cast.a1_member, "100")]
        ),
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get(title="Sổ tay số")
    (created,) = entries_for(initiative, action=Action.CREATED)
    assert created.actor == cast.a1_member
    assert created.actor_name == cast.a1_member.get_full_name()
    assert created.ip == "203.0.113.7"
    assert created.user_agent == BROWSER
    assert created.unit_id == tree.a1.pk
    assert before <= created.at <= timezone.now()
    assert created.changes["title"] == "Sổ tay số"
    assert created.changes["status"] == Initiative.Status.DRAFT
    # Its author row is in the log too, under the same unit.
    author_entries = entries(target_type="initiatives.author", action=Action.CREATED)
    assert [entry.unit_id for entry in author_entries] == [tree.a1.pk]

    client.post(
        reverse("initiatives:submit", args=[initiative.pk]), REMOTE_ADDR="203.0.113.8"
    )
    (submitted,) = entries_for(initiative, action=Action.CHANGED)
    assert submitted.changes["status"] == [
        Initiative.Status.DRAFT,
        Initiative.Status.SUBMITTED,
    ]
    assert submitted.actor == cast.a1_member
    assert submitted.ip == "203.0.113.8"


def test_a_change_rolled_back_leaves_no_entry(cast):
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        initiative.title = "Không lưu"
        initiative.save()
        raise RuntimeError
    assert AuditEntry.objects.count() == count


def test_confidential_parts_are_logged_as_changed_never_what_they_say(cast):
    initiative = make_request(
        cast.a1_member, unit=cast.tree.a1, confidential_info="Công thức bí mật A"
    )
    (created,) = entries_for(initiative, action=Action.CREATED)
    assert created.changes["confidential_info"] == log.SECRET
    initiative.confidential_info = "Công thức bí mật B"
    initiative.save()
    (changed,) = entries_for(initiative, action=Action.CHANGED)
    assert changed.changes == {"confidential_info": [log.SECRET, log.SECRET]}
    stored = AuditEntry.objects.filter(target_type="initiatives.initiative")
    assert "bí mật" not in str([entry.changes for entry in stored])


def test_a_save_that_changes_nothing_writes_nothing(cast):
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    count = AuditEntry.objects.count()
    Initiative.objects.get(pk=initiative.pk).save()
    assert AuditEntry.objects.count() == count


def test_a_removed_file_is_in_the_log(cast):
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    attachment = attach(initiative, cast.a1_member, name="ban-ve.pdf")
    pk = attachment.pk
    initiative_services.attachment_remove(attachment=attachment, actor=cast.a1_member)
    (deleted,) = entries(
        target_type="initiatives.attachment", target_id=str(pk), action=Action.DELETED
    )
    assert deleted.target_repr
    assert deleted.unit_id == cast.tree.a1.pk


# --- Votes: sealed until the session closes ------------------------------------------


@pytest.fixture
def world(cast):
    return cw.build(cast)


def test_a_vote_is_logged_sealed_until_its_session_closes(world, client_for):
    member = world.people["member"]
    client = client_for(member)
    client.post(cw.url(world, "initiatives:agenda_vote"), {"choice": "no"})
    vote = Vote.objects.get(agenda_item=world.agenda_open, member=world.seats["member"])
    (entry,) = entries_for(vote)
    assert entry.action == Action.VOTED
    assert entry.actor == member
    assert entry.sealed
    assert "no" not in entry.target_repr and "không đạt" not in entry.target_repr

    admin = client_for(world.cast.a_admin)
    page = admin.get(reverse("audit:entry_list"), {"target_type": "initiatives.vote"})
    text = page.content.decode()
    assert escape(translated("(sealed until the session closes)")) in text
    assert escape(str(Vote.Choice.NO.label)) not in text
    exported = admin.get(
        reverse("audit:entry_export"), {"target_type": "initiatives.vote"}
    )
    cells = " ".join(str(cell) for row in xlsx_rows(exported.content) for cell in row)
    assert translated("(sealed until the session closes)") in cells
    assert str(Vote.Choice.NO.label) not in cells

    session_services.session_close(session=world.open, actor=world.people["chair"])
    entry.refresh_from_db()
    assert not entry.sealed
    text = admin.get(
        reverse("audit:entry_list"), {"target_type": "initiatives.vote"}
    ).content.decode()
    assert escape(str(Vote.Choice.NO.label)) in text
    assert escape(translated("(sealed until the session closes)")) not in text


# --- Sign-in, roles, imports, documents ----------------------------------------------


def test_sign_in_failed_sign_in_and_sign_out(cast, client):
    url = reverse("login")
    client.post(
        url,
        {"username": "a1_member", "password": "sai mật khẩu"},
        REMOTE_ADDR="198.51.100.4",
    )
    (failed,) = entries(action=Action.SIGN_IN_FAILED)
    assert failed.actor is None
    assert failed.target_id == str(cast.a1_member.pk)
    assert failed.unit_id == cast.tree.a1.pk
    assert failed.ip == "198.51.100.4"
    assert failed.changes == {"username": "a1_member"}
    assert "sai" not in str(failed.changes)

    client.post(url, {"username": "ke-la", "password": "x"}, REMOTE_ADDR="198.51.100.5")
    unknown = entries(action=Action.SIGN_IN_FAILED)[-1]
    assert unknown.target_id == "" and unknown.target_repr == "ke-la"
    assert unknown.target_type == "units.user"
    assert unknown.unit_id is None

    client.post(
        url,
        {"username": "a1_member", "password": cast.password},
        REMOTE_ADDR="198.51.100.4",
    )
    (signed_in,) = entries(action=Action.SIGNED_IN)
    assert signed_in.actor == cast.a1_member
    assert signed_in.ip == "198.51.100.4"
    client.post(reverse("logout"))
    (signed_out,) = entries(action=Action.SIGNED_OUT)
    assert signed_out.actor == cast.a1_member


def test_a_lock_out_is_in_the_log(cast, client, settings):
    url = reverse("login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(url, {"username": "a1_member", "password": "sai"})
    locked = entries(action=Action.LOCKED_OUT)
    assert locked and locked[0].target_id == str(cast.a1_member.pk)


def test_role_granted_and_ended(cast, client_for):
    client = client_for(cast.a_admin)
    client.post(
        reverse("units:role_grant", args=[cast.tree.a2.pk]),
        {"person": "b1_member", "role": Role.OFFICER, "started_on": ""},
    )
    membership = Membership.objects.get(
        user=cast.b1_member, unit=cast.tree.a2, role=Role.OFFICER
    )
    (granted,) = entries_for(membership)
    assert granted.action == Action.ROLE_GRANTED
    assert granted.actor == cast.a_admin
    assert granted.unit_id == cast.tree.a2.pk
    assert granted.changes["role"] == Role.OFFICER
    client.post(reverse("units:role_revoke", args=[membership.pk]))
    ended = entries_for(membership, action=Action.ROLE_ENDED)
    assert len(ended) == 1 and ended[0].actor == cast.a_admin


def test_roles_ended_by_a_merge_and_a_move_are_in_the_log(cast):
    tree = cast.tree
    target = tree.a1
    membership = Membership.objects.create(
        user=UserFactory(username="giao_vien_a2"), unit=tree.a2, role=Role.MEMBER
    )
    unit_services.unit_merge(
        unit=tree.a2,
        successor=target,
        effective_on=timezone.localdate(),
        actor=cast.a_admin,
    )
    assert entries_for(membership, action=Action.ROLE_ENDED)

    unit_services.unit_move(
        unit=tree.p1,
        new_parent=tree.a,
        effective_on=timezone.localdate(),
        actor=cast.province_admin,
    )
    (moved,) = entries_for(Unit.objects.get(pk=tree.p1.pk), action=Action.CHANGED)
    assert moved.changes == {"parent": [tree.province.name, tree.a.name]}


def test_an_issued_document_is_in_the_log(world):
    documents = IssuedDocument.objects.select_related("series")
    assert documents.exists()
    for document in documents:
        (issued,) = entries_for(document)
        assert issued.action == Action.ISSUED
        assert issued.unit_id == document.series.unit_id
        assert issued.changes["number"] == document.number


# --- Reading the log --------------------------------------------------------------


def acting_as(user):
    """Run code as if in a request of the user (services take the actor from it)."""
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    request.user = user
    return acting(request)


@pytest.fixture
def logged(cast):
    """One request in each of CB-A1 and CB-B1, and a unit-less entry."""
    with acting_as(cast.a1_member):
        a = make_request(
            cast.a1_member,
            unit=cast.tree.a1,
            recognizing_unit=cast.tree.a,
            title="Sổ tay điện tử",
        )
    with acting_as(cast.b1_member):
        b = make_request(
            cast.b1_member,
            unit=cast.tree.b1,
            recognizing_unit=cast.tree.b,
            title="Bảng trực ca",
        )
    log.record(Action.SIGN_IN_FAILED, target_type="units.user", target_repr="ai-do")
    return a, b


def listed(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_admins_read_their_subtree_only(cast, client_for, logged):
    a, b = logged
    url = reverse("audit:entry_list")
    a_page = listed(client_for(cast.a_admin).get(url))
    assert escape(a.title) in a_page and escape(b.title) not in a_page
    assert "ai-do" not in a_page
    b_page = listed(client_for(cast.b_admin).get(url))
    assert escape(b.title) in b_page and escape(a.title) not in b_page
    province = listed(client_for(cast.province_admin).get(url))
    assert escape(a.title) in province and escape(b.title) in province
    assert "ai-do" not in province
    assert "ai-do" in listed(client_for(cast.superuser).get(url))


@pytest.mark.parametrize(
    "who", ["a1_member", "a_staff", "a_officer", "a1_support", "outsider"]
)
def test_people_who_administer_no_unit_are_refused(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get(reverse("audit:entry_list")).status_code == 403
    assert client.get(reverse("audit:entry_export")).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    for name in ("audit:entry_list", "audit:entry_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_unit_outside_the_admins_scope_filters_nothing_in(cast, client_for, logged):
    _a, b = logged
    page = listed(
        client_for(cast.a_admin).get(
            reverse("audit:entry_list"), {"unit": cast.tree.b1.pk}
        )
    )
    assert escape(b.title) not in page


def test_filters(cast, client_for, logged):
    a, b = logged
    client = client_for(cast.province_admin)
    url = reverse("audit:entry_list")
    page = listed(client.get(url, {"unit": cast.tree.b.pk}))
    assert escape(b.title) in page and escape(a.title) not in page
    # Accent-insensitive search on who and what.
    page = listed(client.get(url, {"q": "SO TAY dien tu"}))
    assert escape(a.title) in page and escape(b.title) not in page
    page = listed(
        client.get(
            url, {"target_type": "initiatives.initiative", "target_id": str(a.pk)}
        )
    )
    assert escape(a.title) in page and escape(b.title) not in page
    page = listed(client.get(url, {"action": Action.DELETED}))
    assert escape(a.title) not in page
    page = listed(client.get(url, {"actor": cast.b1_member.pk}))
    assert escape(b.title) in page and escape(a.title) not in page
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = listed(client.get(url, {"date_from": tomorrow.isoformat()}))
    assert escape(a.title) not in page
    # Nonsense in the filters drops only those filters, with a message.
    page = listed(
        client.get(
            url,
            {
                "date_from": tomorrow.isoformat(),
                "date_to": timezone.localdate().isoformat(),
                "action": "xoá hết",
                "cursor": "!!",
            },
        )
    )
    assert escape(a.title) in page
    assert escape(translated("The end date is before the start date.")) in page


def test_who_did_this_and_when_for_any_record(cast, client_for, logged):
    a, _b = logged
    initiative_services.initiative_submit(initiative=a, actor=cast.a1_member)
    page = listed(
        client_for(cast.a_admin).get(
            reverse("audit:entry_list"),
            {"target_type": "initiatives.initiative", "target_id": str(a.pk)},
        )
    )
    assert page.count("<tr>") == 1 + 2  # header, created, submitted


def test_text_in_entries_is_escaped_and_exported_as_text(cast, client_for):
    hostile = '=HYPERLINK("http://x.example/","bấm")<script>alert(1)</script>'
    make_request(cast.a1_member, unit=cast.tree.a1, title=hostile)
    client = client_for(cast.a_admin)
    page = listed(client.get(reverse("audit:entry_list")))
    assert "<script>alert(1)</script>" not in page
    assert escape(hostile) in page
    response = client.get(reverse("audit:entry_export"))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    titles = [cell for cell in values if cell.value == hostile]
    assert titles and all(cell.data_type == "s" for cell in titles)


def test_the_list_costs_the_same_for_few_and_many_entries(cast, client_for):
    client = client_for(cast.province_admin)
    url = reverse("audit:entry_list")
    make_request(cast.a1_member, unit=cast.tree.a1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(30):
        make_request(cast.b1_member, unit=cast.tree.b1, title=f"Sáng kiến {index}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert len(many) <= 12


def test_the_request_page_links_its_history_for_admins_only(cast, client_for, logged):
    a, _b = logged
    initiative_services.initiative_submit(initiative=a, actor=cast.a1_member)
    page = reverse("initiatives:detail", args=[a.pk])
    link = (
        f"{reverse('audit:entry_list')}?target_type=initiatives.initiative"
        f"&amp;target_id={a.pk}"
    )
    assert link in listed(client_for(cast.a_admin).get(page))
    assert link not in listed(client_for(cast.a1_member).get(page))
    assert link not in listed(client_for(cast.a_staff).get(page))


@pytest.fixture
def world_of_records(cast, settings, tmp_path):
    from tests.permission_world import build

    settings.MEDIA_ROOT = tmp_path / "media"
    return build(cast)


def test_record_pages_link_their_history_for_admins_only(
    world_of_records, client_for, cast
):
    world = world_of_records
    pages = {
        reverse("units:detail", args=[world.unit.pk]): f"?unit={world.unit.pk}",
        reverse("goldbook:entry", args=[world.entry.pk]): (
            f"?target_type=goldbook.goldbookentry&amp;target_id={world.entry.pk}"
        ),
        reverse("initiatives:session_detail", args=[world.open.pk]): (
            f"?target_type=initiatives.session&amp;target_id={world.open.pk}"
        ),
        reverse("awards:round", args=[world.award_round.pk]): (
            f"?target_type=awards.awardround&amp;target_id={world.award_round.pk}"
        ),
        reverse("awards:dossier", args=[world.dossier.pk]): (
            f"?target_type=awards.dossier&amp;target_id={world.dossier.pk}"
        ),
    }
    admin, staff = client_for(cast.a_admin), None
    for page, query in pages.items():
        link = reverse("audit:entry_list") + query
        assert link in listed(admin.get(page)), page
    staff = client_for(cast.a_staff)
    for page, query in pages.items():
        assert reverse("audit:entry_list") + query not in listed(staff.get(page))


def test_the_log_only_answers_get(cast, client_for):
    client = client_for(cast.province_admin)
    for name in ("audit:entry_list", "audit:entry_export"):
        assert client.post(reverse(name)).status_code == 405


def test_the_export_costs_the_same_for_few_and_many_entries(cast, client_for):
    client = client_for(cast.province_admin)
    url = reverse("audit:entry_export")
    make_request(cast.a1_member, unit=cast.tree.a1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(30):
        make_request(cast.b1_member, unit=cast.tree.b1, title=f"Sáng kiến {index}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(xlsx_rows(response.content)) > 30
