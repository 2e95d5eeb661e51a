"""Long prints through the pages: the Gold Book print and the award dossier
bundle below the limit come at once; above it they are queued from a page that
says so, followed on a page that refreshes itself, and downloaded by the person
who asked, and by nobody else."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from pypdf import PdfReader

from awards import dossier as dossiers
from awards import print_job as print_dossier
from goldbook import print_job as print_goldbook
from jobs import services
from jobs.models import Job
from tests.awards.conftest import media_root, movement, selected_round  # noqa: F401
from tests.goldbook.conftest import Gold
from tests.initiatives.helpers import assert_login_redirect, pdf_text
from tests.initiatives.pdf_helpers import squash
from tests.jobs.conftest import run_worker
from units import services as unit_services
from units.models import Membership, Role

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
TITLES = ["Sổ tay đoàn viên điện tử", "Hòm thư góp ý trực tuyến"]


@pytest.fixture
def book(cast):
    """CB-A's Gold Book with two entries of this year."""
    gold = Gold(cast)
    for title in TITLES:
        gold.entry(cast.councils.a, title=title)
    Job.objects.all().delete()  # the mail the recognitions sent
    return cast.tree.a


@pytest.fixture
def prepared(selected_round, cast):  # noqa: F811
    award_round, _candidates, _entry = selected_round
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    Job.objects.all().delete()
    return dossier


@pytest.fixture
def long_prints(settings):
    """Every print counts as long (its estimate is over one page)."""
    settings.JOBS_PRINT_PAGE_LIMIT = 1


def print_url(unit, year=THIS_YEAR) -> str:
    return f"{reverse('goldbook:print', args=[unit.pk])}?year={year}"


def ticket_of(response) -> str:
    match = re.search(r'name="ticket" value="([^"]+)"', response.content.decode())
    assert match, "no ticket in the page"
    return unescape(match.group(1))


def ask(client, url: str) -> Job:
    """Open a long print's page and queue the print from it."""
    page = client.get(url)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert reverse("jobs:start") in page.content.decode()
    assert not Job.objects.exists()  # looking changes nothing
    response = client.post(reverse("jobs:start"), {"ticket": ticket_of(page)})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    return job


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- The Gold Book print -----------------------------------------------------------


def test_a_short_book_is_printed_at_once(client_for, cast, book):
    response = client_for(cast.a_staff).get(print_url(book))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert not Job.objects.exists()


def test_a_long_book_is_printed_by_the_worker(client_for, cast, book, long_prints):
    client = client_for(cast.a_staff)
    job = ask(client, print_url(book))
    assert job.kind == Job.Kind.GOLDBOOK_PRINT
    assert job.owner == cast.a_staff
    assert job.arguments == {"unit": book.pk, "year": THIS_YEAR}
    assert "Công đoàn ngành Giáo dục" in job.title

    # Waiting: the page refreshes itself (no script) and offers no file yet.
    waiting = client.get(job.get_absolute_url())
    content = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in content
    assert "<progress" in content
    assert reverse("jobs:file", args=[job.pk]) not in content
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404

    # Asking again while it waits opens the same job.
    again = client.post(
        reverse("jobs:start"), {"ticket": ticket_of(client.get(print_url(book)))}
    )
    assert again.url == job.get_absolute_url()
    assert Job.objects.count() == 1

    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.progress_total >= print_goldbook.estimated_pages(
        job_book(job), THIS_YEAR
    )

    ready = client.get(job.get_absolute_url()).content.decode()
    assert "http-equiv" not in ready
    assert reverse("jobs:file", args=[job.pk]) in ready
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="so-vang-sang-kien-CB-A-{THIS_YEAR}.pdf"'
    )
    pdf = b"".join(download.streaming_content)
    text = pdf_text(pdf)
    for title in TITLES:
        assert squash(title) in text
    # The same print as the one made at once.
    direct = print_goldbook.render(job_book(job), THIS_YEAR)
    assert pages_of(pdf) == pages_of(direct.data)
    assert pdf_text(direct.data) == text


def job_book(job):
    from goldbook.models import GoldBook

    return GoldBook.objects.select_related("unit").get(unit_id=job.arguments["unit"])


def test_the_worker_reports_the_pages_laid_out(cast, book):
    job = services.job_enqueue(
        kind=Job.Kind.GOLDBOOK_PRINT,
        arguments={"unit": book.pk, "year": THIS_YEAR},
        owner=cast.a_staff,
    )
    claimed = services.job_claim("worker-a")
    progress = services.Progress(claimed, "worker-a", every=0)
    with progress.counting_pages(40):
        print_goldbook.render(job_book(job), THIS_YEAR)
    job.refresh_from_db()
    assert job.progress_total == 40
    assert job.progress_done >= 1
    assert job.status == Job.Status.RUNNING


def test_a_print_that_failed_says_so(client_for, cast, book, long_prints, settings):
    settings.JOBS_MAX_ATTEMPTS = 1
    client = client_for(cast.a_staff)
    job = ask(client, print_url(book))
    Job.objects.filter(pk=job.pk).update(arguments={"unit": 0, "year": None})
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "http-equiv" not in page
    with translation.override("vi"):
        message = ngettext(
            "The print could not be made, after %(attempts)s attempt.",
            "The print could not be made, after %(attempts)s attempts.",
            1,
        ) % {"attempts": 1}
    assert message in page
    assert "DoesNotExist" not in page  # the error is for the administrator


def test_a_print_retried_after_a_dead_worker_is_delivered(
    client_for, cast, book, long_prints
):
    client = client_for(cast.a_staff)
    job = ask(client, print_url(book))
    services.job_claim("worker-a")  # and dies
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())
    page = client.get(job.get_absolute_url()).content.decode()
    assert "http-equiv" in page
    assert run_worker() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 200


# --- The award dossier bundle ------------------------------------------------------


def test_the_dossier_estimate_counts_its_nominees_and_decisions(prepared):
    parts = dossiers.parts(prepared)
    decisions = [p for p in parts if p.title.startswith("Quyết định công nhận")]
    estimate = print_dossier.estimated_pages(prepared)
    assert estimate == print_dossier.pages_for(2, len(decisions), 0)
    assert estimate >= pages_of(dossiers.bundle(prepared)[0])


def test_a_short_dossier_is_bundled_at_once(client_for, cast, prepared):
    response = client_for(cast.a_staff).get(
        reverse("awards:dossier_bundle", args=[prepared.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert not Job.objects.exists()


def test_a_long_dossier_is_bundled_by_the_worker(
    client_for, cast, prepared, long_prints
):
    client = client_for(cast.a_staff)
    job = ask(client, reverse("awards:dossier_bundle", args=[prepared.pk]))
    assert job.kind == Job.Kind.DOSSIER_BUNDLE
    assert job.arguments == {"dossier": prepared.pk}
    assert run_worker() == 1
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert f"ho-so-khen-thuong-{prepared.pk}.pdf" in download["Content-Disposition"]
    pdf = b"".join(download.streaming_content)
    assert pages_of(pdf) == pages_of(dossiers.bundle(prepared)[0])
    assert "MỤC LỤC" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_outsiders_queue_no_book_print(client_for, cast, book, long_prints):
    for user in (cast.outsider, cast.b_admin):
        assert client_for(user).get(print_url(book)).status_code == 404
    assert not Job.objects.exists()


def test_outsiders_queue_no_dossier_bundle(client_for, cast, prepared, long_prints):
    bundle = reverse("awards:dossier_bundle", args=[prepared.pk])
    for user in (cast.outsider, cast.b_admin):
        assert client_for(user).get(bundle).status_code == 404
    assert not Job.objects.exists()


# --- Who sees a job ----------------------------------------------------------------


@pytest.fixture
def done(client_for, cast, book, long_prints):
    job = ask(client_for(cast.a_staff), print_url(book))
    run_worker()
    return job


def test_only_the_person_who_asked_sees_the_job_and_its_file(client_for, cast, done):
    urls = [
        done.get_absolute_url(),
        reverse("jobs:file", args=[done.pk]),
    ]
    owner = client_for(cast.a_staff)
    for url in urls:
        assert owner.get(url).status_code == 200
    # Others, even those who may print the same book, get nothing.
    for user in (cast.a_admin, cast.province_staff, cast.superuser, cast.outsider):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert done.title not in client.get(reverse("jobs:list")).content.decode()
    anonymous = client_for(None)
    for url in [*urls, reverse("jobs:list")]:
        assert_login_redirect(anonymous.get(url), url)
    assert_login_redirect(anonymous.post(reverse("jobs:start")), reverse("jobs:start"))
    owner = client_for(cast.a_staff)
    assert owner.get(reverse("jobs:file", args=[987654])).status_code == 404


def test_a_print_is_not_served_to_someone_who_has_lost_the_right(
    client_for, cast, done
):
    url = reverse("jobs:file", args=[done.pk])
    assert client_for(cast.a_staff).get(url).status_code == 200
    role = Membership.objects.get(user=cast.a_staff, role=Role.EMULATION_STAFF)
    unit_services.role_revoke(membership=role, actor=cast.a_admin)
    assert client_for(cast.a_staff).get(url).status_code == 404


def test_a_dossier_bundle_is_served_while_the_dossier_is_in_scope(
    client_for, cast, prepared, long_prints
):
    job = ask(
        client_for(cast.a_staff), reverse("awards:dossier_bundle", args=[prepared.pk])
    )
    run_worker()
    url = reverse("jobs:file", args=[job.pk])
    assert client_for(cast.a_staff).get(url).status_code == 200
    role = Membership.objects.get(user=cast.a_staff, role=Role.EMULATION_STAFF)
    unit_services.role_revoke(membership=role, actor=cast.a_admin)
    assert client_for(cast.a_staff).get(url).status_code == 404


def test_my_prints_lists_my_prints_and_no_mail(client_for, cast, done):
    services.job_enqueue(
        kind=Job.Kind.MAIL, arguments={}, owner=cast.a_staff, title="Thư riêng"
    )
    page = client_for(cast.a_staff).get(reverse("jobs:list")).content.decode()
    assert done.title in page
    assert reverse("jobs:file", args=[done.pk]) in page
    assert "Thư riêng" not in page


def test_a_ticket_is_good_only_for_whom_it_was_given(
    client_for, cast, book, long_prints
):
    page = client_for(cast.a_staff).get(print_url(book))
    ticket = ticket_of(page)
    # Another person who can print the book still cannot use this page's ticket.
    other = client_for(cast.a_admin)
    assert other.post(reverse("jobs:start"), {"ticket": ticket}).status_code == 403
    assert other.post(reverse("jobs:start"), {"ticket": ticket + "x"}).status_code == (
        403
    )
    assert other.post(reverse("jobs:start")).status_code == 403
    assert other.get(reverse("jobs:start")).status_code == 405
    assert not Job.objects.exists()
