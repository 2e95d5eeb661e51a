"""The lists admins keep, filled with what the federation uses today."""

from django.db import migrations

RATINGS = [
    ("Công đoàn vững mạnh xuất sắc", True),
    ("Công đoàn vững mạnh", True),
    ("Hoàn thành tốt nhiệm vụ", False),
    ("Hoàn thành nhiệm vụ", False),
    ("Không hoàn thành nhiệm vụ", False),
]

# (name, for collectives, for individuals)
FORMS = [
    ("Biểu dương", True, True),
    ("Giấy khen", True, True),
    ("Bằng khen", True, True),
    ("Cờ thi đua", True, False),
    ("Bằng Lao động sáng tạo", False, True),
]


def fill(apps, schema_editor):
    level = apps.get_model("awards", "UnitRatingLevel")
    form = apps.get_model("awards", "AwardForm")
    for order, (name, strong) in enumerate(RATINGS, start=1):
        level.objects.get_or_create(
            name=name, defaults={"order": order, "is_strong": strong}
        )
    for order, (name, collectives, individuals) in enumerate(FORMS, start=1):
        form.objects.get_or_create(
            name=name,
            defaults={
                "order": order,
                "for_collectives": collectives,
                "for_individuals": individuals,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
