"""The registry's headings in the offices' own words, for its Excel import."""

from django.db import migrations

from danvan.lib.imports import heading_key

REGISTRY = {
    "external_id": ["Mã mô hình", "Mã", "ID"],
    "name": ["Tên mô hình", "Tên mô hình, điển hình", "Tên"],
    "unit": [
        "Đơn vị",
        "Đơn vị đăng ký",
        "Đơn vị thực hiện",
        "Tên đơn vị",
        "Cơ quan, đơn vị",
        "Địa bàn",
    ],
    "year": ["Năm", "Năm đăng ký", "Năm thực hiện", "Thời gian thực hiện"],
    "field": ["Lĩnh vực", "Lĩnh vực thực hiện"],
    "kind": ["Loại", "Mô hình điển hình", "Tập thể cá nhân"],
    "situation": ["Sự cần thiết", "Thực trạng"],
    "goals": ["Mục tiêu"],
    "content": ["Nội dung", "Nội dung cách làm"],
    "results": ["Kết quả", "Hiệu quả", "Kết quả đạt được"],
    "start_date": ["Ngày bắt đầu", "Thời gian bắt đầu"],
    "level": ["Cấp công nhận"],
    "recognised_on": ["Ngày công nhận"],
    "legacy_district_name": ["Quận huyện", "Huyện"],
    "ignore": ["STT", "TT", "Số TT", "Số thứ tự", "Ghi chú"],
}


def seed(apps, schema_editor):
    ColumnSynonym = apps.get_model("core", "ColumnSynonym")
    seen = set()
    rows = []
    for column, headings in REGISTRY.items():
        for heading in headings:
            key = " ".join(heading_key(heading))
            if key not in seen:
                seen.add(key)
                rows.append(
                    ColumnSynonym(register="registry", column=column, heading=heading, key=key)
                )
    ColumnSynonym.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    ColumnSynonym = apps.get_model("core", "ColumnSynonym")
    headings = [h for hs in REGISTRY.values() for h in hs]
    ColumnSynonym.objects.filter(register="registry", heading__in=headings).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_column_synonyms_and_mappings")]

    operations = [migrations.RunPython(seed, unseed)]
