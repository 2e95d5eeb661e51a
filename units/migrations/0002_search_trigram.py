from django.db import migrations

from units.pgsql import on_postgresql, trigram_index

# People and unit search look for words inside the folded search column; on
# PostgreSQL a trigram index serves those `LIKE '%word%'` filters.
PEOPLE, NO_PEOPLE = trigram_index("units_user", "user_search_trgm")
UNITS, NO_UNITS = trigram_index("units_unit", "unit_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [
        migrations.RunPython(
            on_postgresql(PEOPLE + UNITS), on_postgresql(NO_PEOPLE + NO_UNITS)
        )
    ]
