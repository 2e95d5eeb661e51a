"""Concurrency on PostgreSQL: one vote per member per item however many clicks,
one closing however many people press the button, and gap-free numbers in a
council's document series.

Each scenario runs in parallel threads, each with its own database connection,
when the database is PostgreSQL. SQLite's test database lives in memory and
serialises writers, so there the same property is checked one call after another.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from documents.models import DocumentKind, IssuedDocument, NumberSeries
from documents.services import document_issue, series_next_number
from initiatives import printing
from initiatives.models import (
    AgendaItem,
    CouncilItem,
    InitiativeEvent,
    Session,
    Vote,
)
from initiatives.services import sessions as session_services

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "documents/test_fixture_notice.html"


def run_all(calls, *, timeout=120):
    """Run every call; in parallel threads released together on PostgreSQL.

    Returns (results, errors): what each call returned, and what it raised.
    """
    results, errors = [], []
    lock = threading.Lock()

    def record(call):
        try:
            value = call()
        except Exception as error:  # reported by the test, with the results
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(value)

    if connection.vendor != "postgresql":
        for call in calls:
            record(call)
        return results, errors

    barrier = threading.Barrier(len(calls))

    def worker(call):
        try:
            barrier.wait(timeout=60)
            record(call)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.fixture
def open_session(kit, seated, accepted):
    board = seated(3)
    session = kit.session(board.council, [accepted])
    return board, session, kit.agenda_item(session, accepted)


def test_fifty_clicks_leave_one_vote(open_session):
    board, _session, agenda_item = open_session
    member = board.members[1]
    choices = ["yes" if index % 3 else "no" for index in range(50)]

    def click(choice):
        return lambda: (
            session_services.vote_cast(
                agenda_item=agenda_item, member=member, choice=choice
            ).pk
        )

    results, errors = run_all([click(choice) for choice in choices])

    assert errors == []
    assert len(results) == 50
    votes = Vote.objects.filter(agenda_item=agenda_item, member=member)
    assert votes.count() == 1
    vote = votes.get()
    assert vote.choice in set(choices)
    # Every click saw the same row.
    assert set(results) == {vote.pk}
    assert Vote.objects.count() == 1


def test_clicks_of_every_member_leave_one_vote_each(open_session):
    board, _session, agenda_item = open_session
    calls = [
        (
            lambda m=member, c=choice: session_services.vote_cast(
                agenda_item=agenda_item, member=m, choice=c
            )
        )
        for member in board.members
        for choice in ("yes", "no", "yes", "no", "yes", "no", "no", "yes")
    ]
    _results, errors = run_all(calls)
    assert errors == []
    rows = list(Vote.objects.values_list("member_id", flat=True))
    assert sorted(rows) == sorted(m.pk for m in board.members)


def test_many_people_closing_close_once(open_session, kit):
    board, session, agenda_item = open_session
    kit.vote(agenda_item, yes=board.members)

    def close():
        return session_services.session_close(session=session, actor=None).pk

    results, errors = run_all([close for _ in range(10)])

    assert results == [session.pk]
    assert len(errors) == 9
    assert all(isinstance(error, ValidationError) for error in errors)
    session.refresh_from_db()
    assert session.status == Session.Status.CLOSED
    assert AgendaItem.objects.get(pk=agenda_item.pk).outcome == "recognised"
    item = CouncilItem.objects.get(pk=agenda_item.item_id)
    assert (
        InitiativeEvent.objects.filter(
            initiative=item.initiative_id, action=InitiativeEvent.Action.RECOGNISED
        ).count()
        == 1
    )


def test_twenty_documents_in_one_council_series_take_1_to_20(kit, seated, council):
    board = seated(3)
    code = session_services.series(council, "QĐ")
    today = timezone.localdate()

    def issue(index):
        def call():
            document = document_issue(
                unit=council.unit,
                code=code,
                kind=DocumentKind.DECISION,
                title=f"Quyết định số thứ tự {index}",
                template_name=NOTICE,
                context={
                    "summary": "Về việc công nhận sáng kiến",
                    "addressee": "Các tác giả",
                    "paragraphs": [f"Lần ban hành {index}."],
                    "recipients": ["Lưu: Hội đồng sáng kiến."],
                    "signer": {"position": "CHỦ TỊCH", "name": "Nông Văn Chủ"},
                },
                issued_on=today,
                actor=board.secretary.user,
                issuer=printing.council_issuer(council),
                abbreviation="",
            )
            return document.number, document.symbol

        return call

    results, errors = run_all([issue(index) for index in range(20)], timeout=240)

    assert errors == []
    numbers = sorted(number for number, _symbol in results)
    assert numbers == list(range(1, 21))
    assert sorted(symbol for _number, symbol in results) == [
        f"{n:02d}/QĐ-HĐSK" for n in range(1, 21)
    ]
    series = NumberSeries.objects.get(unit=council.unit, code=code, year=today.year)
    assert series.last_number == 20
    assert IssuedDocument.objects.filter(series=series).count() == 20


def test_twenty_numbers_in_one_council_series_take_1_to_20(council):
    code = session_services.series(council, "TB")
    year = timezone.localdate().year

    def take():
        with transaction.atomic():
            return series_next_number(unit=council.unit, code=code, year=year)

    results, errors = run_all([take for _ in range(20)])

    assert errors == []
    assert sorted(results) == list(range(1, 21))
    assert NumberSeries.objects.get(unit=council.unit, code=code).last_number == 20
