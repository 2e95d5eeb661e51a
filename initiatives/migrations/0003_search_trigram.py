from django.db import migrations

from units.pgsql import on_postgresql

# On PostgreSQL, accent-insensitive search ("sang kien" finds "Sáng kiến") looks
# for words inside the folded search column; a trigram index serves such
# `LIKE '%word%'` filters. SQLite scans instead.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS initiative_search_trgm ON initiatives_initiative "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registration_search_trgm ON initiatives_registration "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS initiative_search_trgm",
    "DROP INDEX IF EXISTS registration_search_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_default_fields")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
