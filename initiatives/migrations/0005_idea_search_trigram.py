from django.db import migrations

from units.pgsql import on_postgresql, trigram_index

# The idea list's search, as the requests' and registrations' (0003).
CREATE, DROP = trigram_index("initiatives_idea", "idea_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0004_councils")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
