"""Defaults from DOMAIN.md §6; every row is editable data with its legal basis and date."""

import datetime

from django.db import migrations

START = datetime.date(2025, 7, 1)

CATEGORIES = [
    ("moi-truong", "Môi trường, rác thải, ô nhiễm", 1),
    ("trat-tu-do-thi", "Trật tự đô thị, lấn chiếm vỉa hè", 2),
    ("giao-thong", "Giao thông, hạ tầng đường sá", 3),
    ("dien-nuoc", "Điện, nước, chiếu sáng", 4),
    ("an-ninh-trat-tu", "An ninh trật tự", 5),
    ("dat-dai-xay-dung", "Đất đai, xây dựng", 6),
    ("y-te-giao-duc", "Y tế, giáo dục", 7),
    ("an-sinh-xa-hoi", "An sinh xã hội, chính sách", 8),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính, thái độ cán bộ", 9),
    ("khac", "Khác", 99),
]

# kind, urgency ("" = any), step, amount, unit, max extensions, legal basis
RULES = [
    ("feedback", "", "accept", 8, "working_hours", 0, "QĐ 1207/QĐ-UBND (iHanoi)"),
    ("recommendation", "", "accept", 8, "working_hours", 0, "QĐ 1207/QĐ-UBND (iHanoi)"),
    ("feedback", "urgent", "handle", 4, "working_hours", 0, "QĐ 1207/QĐ-UBND (iHanoi)"),
    ("recommendation", "urgent", "handle", 4, "working_hours", 0, "QĐ 1207/QĐ-UBND (iHanoi)"),
    # Not found in law for other levels: configurable defaults.
    ("feedback", "", "handle", 10, "working_days", 0, "Mặc định (cấu hình được)"),
    ("recommendation", "", "handle", 10, "working_days", 0, "Mặc định (cấu hình được)"),
    ("feedback", "complex", "handle", 20, "working_days", 0, "Mặc định (cấu hình được)"),
    ("recommendation", "complex", "handle", 20, "working_days", 0, "Mặc định (cấu hình được)"),
    ("feedback", "", "forward", 5, "working_days", 0, "NĐ 20/2008/NĐ-CP"),
    ("recommendation", "", "forward", 5, "working_days", 0, "NĐ 20/2008/NĐ-CP"),
    ("complaint", "", "accept", 10, "days", 0, "Luật Khiếu nại 2011, Điều 27"),
    ("complaint", "", "handle", 30, "days", 0, "Luật Khiếu nại 2011, Điều 28"),
    ("complaint", "complex", "handle", 45, "days", 0, "Luật Khiếu nại 2011, Điều 28"),
    ("complaint", "", "forward", 5, "working_days", 0, "Luật Khiếu nại 2011"),
    ("denunciation", "", "accept", 7, "working_days", 0, "Luật Tố cáo 2018, Điều 24"),
    ("denunciation", "", "handle", 30, "days", 0, "Luật Tố cáo 2018, Điều 30"),
    ("denunciation", "", "forward", 5, "working_days", 0, "Luật Tố cáo 2018, Điều 24"),
    ("denunciation", "complex", "extend", 30, "days", 1, "Luật Tố cáo 2018, Điều 30"),
    ("denunciation", "very_complex", "extend", 30, "days", 2, "Luật Tố cáo 2018, Điều 30"),
    ("reception", "", "handle", 10, "working_days", 0, "Luật Tiếp công dân 2013, Điều 28"),
]

REASONS = [
    ("ngoai-tham-quyen", "Nội dung không thuộc thẩm quyền giải quyết của đơn vị"),
    ("trung-lap", "Nội dung trùng với phản ánh đã tiếp nhận"),
    ("thieu-thong-tin", "Không đủ thông tin để xác minh, xử lý"),
    ("khong-phu-hop", "Nội dung không phù hợp (quảng cáo, xúc phạm, không liên quan)"),
    ("het-thoi-hieu", "Đã hết thời hiệu khiếu nại"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("voice", "Category")
    Rule = apps.get_model("voice", "DeadlineRule")
    Reason = apps.get_model("voice", "RejectionReason")
    Settings = apps.get_model("voice", "VoiceSettings")
    for code, name, order in CATEGORIES:
        Category.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for kind, urgency, step, amount, unit, extensions, basis in RULES:
        Rule.objects.update_or_create(
            kind=kind,
            urgency=urgency,
            step=step,
            effective_from=START,
            defaults={
                "amount": amount,
                "unit": unit,
                "max_extensions": extensions,
                "legal_basis": basis,
            },
        )
    for code, text in REASONS:
        Reason.objects.update_or_create(code=code, defaults={"text": text})
    if not Settings.objects.exists():
        Settings.objects.create(effective_from=START)


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
