from django.db import migrations

from units.pgsql import on_postgresql

# The honour roll searches the folded public text of entries; on PostgreSQL a
# trigram index serves its `LIKE '%word%'` filters. SQLite scans instead.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS goldbook_entry_search_trgm ON goldbook_goldbookentry "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS goldbook_entry_search_trgm"]


class Migration(migrations.Migration):
    dependencies = [("goldbook", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
