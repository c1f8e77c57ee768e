import datetime

from django.db import migrations

FIELDS = [
    ("kinh-te", "Kinh tế", 1),
    ("van-hoa-xa-hoi", "Văn hóa – xã hội", 2),
    ("quoc-phong-an-ninh", "Quốc phòng – an ninh", 3),
    ("xay-dung-dang", "Xây dựng Đảng và hệ thống chính trị", 4),
]
LAUNCH = datetime.date(2009, 2, 26)  # Kế hoạch 70-KH/BDVTW
LEVELS = [
    ("co-so", "Cấp cơ sở", 1, LAUNCH, None),
    ("huyen", "Cấp huyện", 2, LAUNCH, datetime.date(2025, 6, 30)),
    ("thanh-pho", "Cấp thành phố", 3, LAUNCH, None),
]
TAGS = ["Nông thôn mới", "Đô thị văn minh", "Chuyển đổi số", "Bảo vệ môi trường"]


def seed(apps, schema_editor):
    Field = apps.get_model("registry", "Field")
    Level = apps.get_model("registry", "RecognitionLevel")
    Tag = apps.get_model("registry", "Tag")
    for code, name, order in FIELDS:
        Field.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for code, name, rank, start, end in LEVELS:
        Level.objects.update_or_create(
            code=code,
            defaults={"name": name, "rank": rank, "effective_from": start, "effective_to": end},
        )
    for name in TAGS:
        Tag.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("registry", "Field").objects.filter(code__in=[f[0] for f in FIELDS]).delete()
    apps.get_model("registry", "RecognitionLevel").objects.filter(
        code__in=[lv[0] for lv in LEVELS]
    ).delete()
    apps.get_model("registry", "Tag").objects.filter(name__in=TAGS).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
