"""Defaults of Luật 10/2022/QH15 (DOMAIN.md §8): the groups a commune publishes, and every
threshold and period as a dated row with its legal source, editable in the admin."""

import datetime

from django.db import migrations

from danvan.lib.history import baseline_history

IN_FORCE = datetime.date(2023, 7, 1)  # Luật 10/2022/QH15 takes effect
LAW = "Luật 10/2022/QH15"

# code, name, publications expected a year (0: when a document is issued)
GROUPS = [
    ("chinh-sach", "Chủ trương, chính sách của Đảng, pháp luật của Nhà nước liên quan trực tiếp đến người dân", 0),
    ("ke-hoach-ktxh", "Kế hoạch phát triển kinh tế – xã hội hằng năm của xã", 1),
    ("du-toan-ngan-sach", "Dự toán, quyết toán ngân sách xã hằng năm", 1),
    ("thuc-hien-ngan-sach", "Tình hình thực hiện ngân sách xã hằng quý", 4),
    ("du-an", "Chương trình, dự án, công trình đầu tư trên địa bàn: chủ đầu tư, vốn, tiến độ, nghiệm thu", 0),
    ("dat-dai", "Quy hoạch, kế hoạch sử dụng đất; thu hồi đất, bồi thường, hỗ trợ, tái định cư", 0),
    ("ho-tro", "Danh sách đối tượng được hưởng chính sách hỗ trợ, an sinh xã hội", 0),
    ("phi-le-phi", "Đối tượng, mức thu các loại phí, lệ phí và nghĩa vụ tài chính do xã thu", 1),
    ("quy-dong-gop", "Quản lý, sử dụng các quỹ, khoản tài trợ và khoản Nhân dân đóng góp", 1),
    ("vay-von", "Chủ trương, kế hoạch vay vốn cho người dân phát triển sản xuất, giảm nghèo", 0),
    ("ket-qua-lay-y-kien", "Kết quả lấy ý kiến Nhân dân và việc tiếp thu, giải trình", 0),
    ("ket-qua-bieu-quyet", "Kết quả biểu quyết, quyết định của cộng đồng dân cư được công nhận", 0),
    ("thanh-tra-khieu-nai", "Kết quả thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo liên quan đến xã", 0),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính và kết quả giải quyết thủ tục hành chính của xã", 0),
]

# kind, share (num, den, more than), quorum (num, den, more than), online, minutes days
VOTES = [
    ("contribution", (2, 3, False), (1, 2, True), False, 5),
    ("finance", (2, 3, False), (1, 2, True), False, 5),
    ("convention", (1, 2, True), (1, 2, True), False, 5),
    ("hamlet_head", (1, 2, True), (1, 2, True), False, 5),
    ("board_members", (1, 2, True), (1, 2, True), False, 5),
    ("other", (1, 2, True), (1, 2, True), True, 5),
]


def seed(apps, schema_editor):
    Group = apps.get_model("democracy", "PublicationGroup")
    PublicationRule = apps.get_model("democracy", "PublicationRule")
    VoteRule = apps.get_model("democracy", "VoteRule")
    PetitionRule = apps.get_model("democracy", "PetitionRule")
    BoardRule = apps.get_model("democracy", "BoardRule")
    DialogueRule = apps.get_model("democracy", "DialogueRule")
    Category = apps.get_model("voice", "Category")
    for order, (code, name, per_year) in enumerate(GROUPS, start=1):
        Group.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "order": order,
                "per_year": per_year,
                "legal_basis": f"{LAW}, nội dung công khai ở cấp xã",
            },
        )
    PublicationRule.objects.create(
        group=None,
        publish_within_days=5,
        keep_posted_days=30,
        legal_basis=f"{LAW}, thời hạn công khai (5 ngày làm việc; niêm yết ít nhất 30 ngày)",
        effective_from=IN_FORCE,
    )
    for kind, share, quorum, online, days in VOTES:
        VoteRule.objects.create(
            matter_kind=kind,
            share_num=share[0],
            share_den=share[1],
            share_strict=share[2],
            quorum_num=quorum[0],
            quorum_den=quorum[1],
            quorum_strict=quorum[2],
            online_allowed=online,
            minutes_within_days=days,
            legal_basis=f"{LAW}, Nhân dân bàn và quyết định (hộ gia đình)",
            effective_from=IN_FORCE,
        )
    PetitionRule.objects.create(
        share_num=1,
        share_den=10,
        share_strict=False,
        legal_basis=f"{LAW}, đề xuất của từ 10% tổng số hộ gia đình",
        effective_from=IN_FORCE,
    )
    BoardRule.objects.create(
        board_kind="inspection",
        min_members=5,
        excludes_officials=True,
        excludes_project_ties=False,
        legal_basis=f"{LAW}, Ban Thanh tra nhân dân",
        effective_from=IN_FORCE,
    )
    BoardRule.objects.create(
        board_kind="investment",
        min_members=5,
        excludes_officials=True,
        excludes_project_ties=True,
        legal_basis=f"{LAW}, Ban Giám sát đầu tư của cộng đồng",
        effective_from=IN_FORCE,
    )
    DialogueRule.objects.create(
        min_per_year=1,
        legal_basis=f"{LAW}, đối thoại giữa chính quyền cấp xã với Nhân dân",
        effective_from=IN_FORCE,
    )
    Category.objects.get_or_create(
        code="giam-sat-cong-dong",
        defaults={
            "name": "Kiến nghị của Ban Thanh tra nhân dân, Ban Giám sát đầu tư cộng đồng",
            "order": 50,
        },
    )


def unseed(apps, schema_editor):
    for name in ("PublicationRule", "VoteRule", "PetitionRule", "BoardRule", "DialogueRule"):
        apps.get_model("democracy", name).objects.all().delete()
    apps.get_model("democracy", "PublicationGroup").objects.all().delete()
    apps.get_model("voice", "Category").objects.filter(code="giam-sat-cong-dong").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("democracy", "0001_initial"),
        ("voice", "0004_rule_history_and_dated_routing"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        # Each rule row's first history version.
        baseline_history(
            "democracy",
            [
                "PublicationGroup",
                "PublicationRule",
                "VoteRule",
                "PetitionRule",
                "BoardRule",
                "DialogueRule",
            ],
        ),
    ]
