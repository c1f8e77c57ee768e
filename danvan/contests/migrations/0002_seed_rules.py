"""Default rules of contests (DOMAIN.md §4: no official point scale, judge rule or tie-break
exists, so each is a dated row the city's administrators change): two scoring rules, a rubric
for each kind of part, and the prizes."""

import datetime

from django.db import migrations

from danvan.lib.history import baseline_history

FROM = datetime.date(2020, 1, 1)
RULES = [
    ("Trung bình cộng điểm các giám khảo", "mean", 5),
    ("Bỏ một điểm cao nhất và một điểm thấp nhất, lấy trung bình", "trimmed", 5),
]
# name, [(criterion, maximum points, half points)]
RUBRICS = [
    (
        "Phần chào hỏi, giới thiệu",
        [
            ("Nội dung giới thiệu đúng chủ đề, nêu bật mô hình “Dân vận khéo” của đơn vị", 10, True),
            ("Hình thức thể hiện sáng tạo, hấp dẫn", 5, True),
            ("Trang phục, đạo cụ, phong cách", 3, True),
            ("Đúng thời gian quy định (không quá 5 phút)", 2, False),
        ],
    ),
    (
        "Phần thi kiến thức (10 câu hỏi)",
        [(f"Câu hỏi số {n}", 2, True) for n in range(1, 11)],
    ),
    (
        "Phần thi tiểu phẩm",
        [
            ("Kịch bản bám sát chủ đề, phản ánh đúng thực tiễn công tác dân vận", 15, True),
            ("Thông điệp, bài học kinh nghiệm về “Dân vận khéo”", 10, True),
            ("Diễn xuất, kỹ năng sân khấu", 10, True),
            ("Trang phục, đạo cụ, âm thanh, ánh sáng", 3, True),
            ("Đúng thời gian quy định (không quá 15 phút)", 2, False),
        ],
    ),
    (
        "Phần thi xử lý tình huống",
        [
            ("Nhận diện đúng bản chất tình huống", 5, True),
            ("Giải pháp đúng quy định, thể hiện phương châm “Dân vận khéo”", 10, True),
            ("Lập luận chặt chẽ, thuyết phục", 3, True),
            ("Đúng thời gian quy định (không quá 5 phút)", 2, False),
        ],
    ),
]
# code, name, order, ranked
PRIZES = [
    ("xuat-sac", "Giải Xuất sắc", 0, True),
    ("nhat", "Giải Nhất", 1, True),
    ("nhi", "Giải Nhì", 2, True),
    ("ba", "Giải Ba", 3, True),
    ("khuyen-khich", "Giải Khuyến khích", 4, True),
    ("tieu-pham-hay-nhat", "Giải Tiểu phẩm hay nhất", 10, False),
    ("chao-hoi-an-tuong", "Giải Phần chào hỏi ấn tượng nhất", 11, False),
]


def seed(apps, schema_editor):
    ScoringRule = apps.get_model("contests", "ScoringRule")
    Rubric = apps.get_model("contests", "Rubric")
    Criterion = apps.get_model("contests", "Criterion")
    PrizeKind = apps.get_model("contests", "PrizeKind")
    for name, aggregation, trim_from in RULES:
        ScoringRule.objects.get_or_create(
            name=name,
            issuer=None,
            effective_from=FROM,
            defaults={"aggregation": aggregation, "trim_from": trim_from, "decimals": 2,
                      "tie_break": "part,head,draw"},
        )
    for name, criteria in RUBRICS:
        rubric, created = Rubric.objects.get_or_create(name=name, issuer=None, effective_from=FROM)
        if created:
            Criterion.objects.bulk_create(
                Criterion(rubric=rubric, order=n, name=text, max_points=points, half_points=half)
                for n, (text, points, half) in enumerate(criteria, start=1)
            )
    for code, name, order, ranked in PRIZES:
        PrizeKind.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "ranked": ranked}
        )


def unseed(apps, schema_editor):
    # Raw deletes: the rows seeded here only (nothing points to them once the contests that
    # used them are gone), without the collector following relations across apps' states.
    using = schema_editor.connection.alias
    Rubric = apps.get_model("contests", "Rubric")
    rubrics = Rubric.objects.filter(name__in=[r[0] for r in RUBRICS], issuer=None)
    ids = list(rubrics.values_list("pk", flat=True))
    apps.get_model("contests", "Criterion").objects.filter(rubric_id__in=ids)._raw_delete(using)
    Rubric.objects.filter(pk__in=ids)._raw_delete(using)
    apps.get_model("contests", "ScoringRule").objects.filter(
        name__in=[r[0] for r in RULES], issuer=None
    )._raw_delete(using)
    apps.get_model("contests", "PrizeKind").objects.filter(
        code__in=[p[0] for p in PRIZES]
    )._raw_delete(using)


class Migration(migrations.Migration):
    dependencies = [("contests", "0001_initial")]
    operations = [
        migrations.RunPython(seed, unseed),
        baseline_history("contests", ["ScoringRule", "Rubric", "PrizeKind"]),
    ]
