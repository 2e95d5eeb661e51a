from django.db import migrations

# The fields of application offered at first; administrators keep the list.
FIELDS = [
    "Tổ chức, xây dựng tổ chức công đoàn",
    "Tuyên truyền, giáo dục",
    "Chăm lo, bảo vệ quyền và lợi ích hợp pháp của đoàn viên, người lao động",
    "Chính sách, pháp luật",
    "Thi đua, khen thưởng",
    "Công tác nữ công",
    "Tài chính công đoàn",
    "Kiểm tra, giám sát",
    "Văn phòng, hành chính",
    "Ứng dụng công nghệ thông tin, chuyển đổi số",
]


def add_fields(apps, schema_editor):
    Field = apps.get_model("initiatives", "Field")
    for position, name in enumerate(FIELDS, start=1):
        Field.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(add_fields, migrations.RunPython.noop)]
