"""The units register's headings in the offices' own words, for its Excel and CSV import."""

from django.db import migrations

from danvan.lib.imports import heading_key

UNITS = {
    "key": ["Mã định danh", "Khóa"],
    "parent_key": ["Đơn vị cấp trên", "Mã đơn vị cấp trên"],
    "name": ["Tên đơn vị"],
    "kind": ["Loại đơn vị", "Cấp"],
    "short_name": ["Tên viết tắt"],
    "branch": ["Khối"],
    "code": ["Mã đơn vị", "Mã ĐVHC"],
    "valid_from": ["Ngày thành lập", "Hiệu lực từ"],
    "valid_to": ["Ngày giải thể", "Hiệu lực đến"],
    "latitude": ["Vĩ độ"],
    "longitude": ["Kinh độ"],
    "legacy_district_key": ["Quận huyện cũ"],
    "predecessor_keys": ["Đơn vị tiền thân"],
    "ignore": ["STT", "TT", "Số TT", "Số thứ tự", "Ghi chú"],
}


def seed(apps, schema_editor):
    ColumnSynonym = apps.get_model("core", "ColumnSynonym")
    seen = set()
    rows = []
    for column, headings in UNITS.items():
        for heading in headings:
            key = " ".join(heading_key(heading))
            if key not in seen:
                seen.add(key)
                rows.append(
                    ColumnSynonym(register="units", column=column, heading=heading, key=key)
                )
    ColumnSynonym.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    ColumnSynonym = apps.get_model("core", "ColumnSynonym")
    headings = [h for hs in UNITS.values() for h in hs]
    ColumnSynonym.objects.filter(register="units", heading__in=headings).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_seed_column_synonyms"),
        ("organisations", "0003_search_text_without_punctuation"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
