from django.db import migrations, models

HELP = (
    "One per line: names of earlier years and local variants that mean this field "
    "(matched without marks, punctuation or word order)."
)
# Names the fields went by in earlier plans and in the communes' own sheets.
SYNONYMS = {
    "kinh-te": [
        "Phát triển kinh tế",
        "Lĩnh vực kinh tế",
        "Kinh tế - nông nghiệp",
        "Sản xuất, kinh doanh",
        "Xây dựng nông thôn mới",
    ],
    "van-hoa-xa-hoi": [
        "Văn hoá xã hội",
        "Văn hóa - Xã hội",
        "Văn hóa, giáo dục, y tế",
        "Văn hóa",
        "Xã hội",
        "An sinh xã hội",
        "Giáo dục",
        "Y tế",
    ],
    "quoc-phong-an-ninh": [
        "An ninh – quốc phòng",
        "Quốc phòng, an ninh",
        "An ninh trật tự",
        "An ninh",
        "Quốc phòng",
    ],
    "xay-dung-dang": [
        "Xây dựng Đảng, chính quyền",
        "Xây dựng Đảng và chính quyền",
        "Xây dựng hệ thống chính trị",
        "Xây dựng Đảng",
        "Hệ thống chính trị",
        "Chính quyền",
        "Cải cách hành chính",
    ],
}


def seed(apps, schema_editor):
    Field = apps.get_model("registry", "Field")
    for code, names in SYNONYMS.items():
        Field.objects.filter(code=code, synonyms="").update(synonyms="\n".join(names))


def unseed(apps, schema_editor):
    apps.get_model("registry", "Field").objects.filter(code__in=SYNONYMS).update(synonyms="")


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_rule_history_and_level_successors")]

    operations = [
        migrations.AddField(
            model_name="field",
            name="synonyms",
            field=models.TextField(blank=True, help_text=HELP, verbose_name="other names"),
        ),
        migrations.AddField(
            model_name="historicalfield",
            name="synonyms",
            field=models.TextField(blank=True, help_text=HELP, verbose_name="other names"),
        ),
        migrations.RunPython(seed, unseed),
    ]
