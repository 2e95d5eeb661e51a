"""Gold Book numbers under concurrency: staff confirming at the same moment get
1, 2, 3… with no gap and no number twice, and a recognition is written once.

On PostgreSQL the confirmations run in parallel threads, each with its own
connection, released together by a barrier. SQLite's test database lives in memory
and serialises writers, so there the same confirmations run one after another and
the same result is asserted.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from goldbook import services
from goldbook.models import GoldBook, GoldBookEntry
from tests.goldbook.conftest import EVIDENCE, SUMMARY, issue_decision

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(calls, *, timeout: float = 120) -> tuple[list, list]:
    """Run the calls, at once in threads on PostgreSQL; return (results, errors)."""
    results, errors = [], []
    guard = threading.Lock()

    def run(call):
        try:
            value = call()
        except Exception as error:  # collected and checked by the test
            with guard:
                errors.append(error)
        else:
            with guard:
                results.append(value)

    if connection.vendor != "postgresql":
        for call in calls:
            run(call)
        return results, errors

    start = threading.Barrier(len(calls))

    def worker(call):
        try:
            start.wait(timeout=60)
            run(call)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def recognitions(gold, council, count: int) -> list:
    """`count` requests recognised at one session, each with its decision."""
    kit = gold.kit
    board = gold.board(council)
    items = [kit.accept(council) for _ in range(count)]
    session = kit.session(council, items)
    for item in items:
        kit.vote(kit.agenda_item(session, item), yes=board)
    kit.close(session)
    for item in items:
        item.refresh_from_db()
        issue_decision(item)
    return items


def confirmation(gold, item, summary: str = SUMMARY):
    def call():
        entry = services.entry_confirm(
            item=item,
            actor=gold.keeper(item.council),
            public_summary=summary,
            application_evidence=EVIDENCE,
        )
        return entry.pk, entry.number

    return call


def test_eight_keepers_confirming_at_once_take_one_to_eight(gold, cast):
    council = cast.councils.a
    items = recognitions(gold, council, 8)

    results, errors = run_together([confirmation(gold, item) for item in items])

    assert errors == []
    assert sorted(number for _pk, number in results) == list(range(1, 9))
    book = GoldBook.objects.get(unit=council.unit)
    assert book.last_number == 8
    entries = GoldBookEntry.objects.filter(book=book)
    assert sorted(entries.values_list("number", flat=True)) == list(range(1, 9))
    assert sorted(entries.values_list("council_item", flat=True)) == sorted(
        item.pk for item in items
    )
    assert {pk for pk, _number in results} == set(entries.values_list("pk", flat=True))


def test_one_recognition_confirmed_by_many_is_written_once(gold, cast):
    (item,) = recognitions(gold, cast.councils.a, 1)
    calls = [confirmation(gold, item, f"Lợi ích, lần bấm {n}.") for n in range(6)]

    results, errors = run_together(calls)

    assert len(results) == 1
    assert len(errors) == 5
    assert all(isinstance(error, ValidationError) for error in errors)
    ((pk, number),) = results
    assert number == 1
    assert list(GoldBookEntry.objects.values_list("pk", flat=True)) == [pk]
    # The refused confirmations took no number: the next one is 2.
    assert GoldBook.objects.get(unit=cast.tree.a).last_number == 1
    (later,) = recognitions(gold, cast.councils.a, 1)
    assert confirmation(gold, later)()[1] == 2


def test_books_of_different_units_number_independently_at_once(gold, cast):
    a_items = recognitions(gold, cast.councils.a, 4)
    b_items = recognitions(gold, cast.councils.b, 4)
    interleaved = [item for pair in zip(a_items, b_items, strict=True) for item in pair]
    calls = [confirmation(gold, item) for item in interleaved]

    _results, errors = run_together(calls)

    assert errors == []
    for unit in (cast.tree.a, cast.tree.b):
        book = GoldBook.objects.get(unit=unit)
        assert book.last_number == 4
        numbers = book.entries.values_list("number", flat=True)
        assert sorted(numbers) == [1, 2, 3, 4]
