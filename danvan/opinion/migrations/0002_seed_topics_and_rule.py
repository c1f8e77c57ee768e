"""Seed the topic catalogue and the first opinion report rule (editable data)."""

import datetime

from django.db import migrations

TOPICS = [
    ("dat-dai", "Đất đai", False),
    ("moi-truong", "Môi trường", False),
    ("gia-ca-thi-truong", "Giá cả, thị trường", False),
    ("an-sinh-xa-hoi", "An sinh xã hội", False),
    ("y-te-giao-duc", "Y tế, giáo dục", False),
    ("an-ninh-trat-tu", "An ninh trật tự", False),
    ("xay-dung-dang-chinh-quyen", "Xây dựng Đảng, chính quyền", False),
    ("dan-toc", "Dân tộc", True),
    ("ton-giao", "Tôn giáo", True),
]
NOTE = (
    "Hạn nộp báo cáo tháng (ngày 5 tháng sau), thời gian khóa sổ (10 ngày sau hạn) và thời "
    "hạn tiếp nhận báo cáo đột xuất (24 giờ) là giá trị mặc định có thể cấu hình, không có "
    "văn bản quy định cụ thể; quản trị viên sửa bằng cách đóng dòng này và thêm dòng kế tiếp."
)


def seed(apps, schema_editor):
    Topic = apps.get_model("opinion", "Topic")
    Rule = apps.get_model("opinion", "OpinionRule")
    for position, (code, name, sensitive) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            code=code, defaults={"name": name, "sensitive": sensitive, "position": position}
        )
    if not Rule.objects.exists():
        Rule.objects.create(
            legal_basis="Kết luận 100-KL/TW (2014); quy định của Ban Tuyên giáo và Dân vận",
            due_day=5,
            closing_days=10,
            urgent_ack_hours=24,
            sensitive_roles=["administrator", "board_officer"],
            note=NOTE,
            effective_from=datetime.date(2014, 1, 1),
        )


def unseed(apps, schema_editor):
    apps.get_model("opinion", "Topic").objects.filter(code__in=[t[0] for t in TOPICS]).delete()
    apps.get_model("opinion", "OpinionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("opinion", "0001_collaborators_reports_items")]

    operations = [migrations.RunPython(seed, unseed)]
