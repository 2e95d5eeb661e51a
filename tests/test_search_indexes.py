"""Accent-insensitive search reads the folded search column: on PostgreSQL through
a trigram index (EXPLAIN shows it used), on SQLite by a scan."""

import pytest
from django.db import connection, transaction

from goldbook.models import GoldBookEntry
from initiatives.models import Idea, Initiative, Registration
from units.models import Unit, User

pytestmark = pytest.mark.django_db

INDEXES = [
    (Initiative, "initiative_search_trgm"),
    (Registration, "registration_search_trgm"),
    (Idea, "idea_search_trgm"),
    (GoldBookEntry, "goldbook_entry_search_trgm"),
    (User, "user_search_trgm"),
    (Unit, "unit_search_trgm"),
]


@pytest.mark.parametrize(("model", "index"), INDEXES, ids=[i for _m, i in INDEXES])
def test_search_uses_the_trigram_index(model, index):
    searched = model.objects.filter(search_text__contains="sang kien").order_by()
    if connection.vendor != "postgresql":
        # SQLite has no trigram index: the same filter scans, and still works.
        assert list(searched) == []
        return
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
            [table, index],
        )
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition and "(search_text" in definition
        cursor.execute(f"ANALYZE {table}")
        # With few rows a scan is cheaper; forbid it (this transaction only) to
        # see that the index serves the filter at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = searched.explain()
    assert index in plan, plan
