"""The Hà Nội demo's public opinion: two or three collaborators per commune (one at the
commune's Front where it has one) and three at the city, two years of monthly reports with
items written from templates (their topic labelled: the text classifier's training set), a
few urgent reports and rumours, some handled. This month some communes have not reported
yet, so the "not reported" list has names in it.

Rows go in through lib.bulk.insert_rows: the full demo (about 30,000 items) takes seconds.
Idempotent: nothing is generated when reports exist.
"""

import datetime
import random
import time

from django.db import transaction
from django.utils import timezone

from danvan.lib.bulk import insert_rows
from danvan.lib.names import FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, SURNAMES
from danvan.lib.workdays import add_months, month_start
from danvan.opinion.models import (
    Breadth,
    Collaborator,
    CollaboratorIdentity,
    Intensity,
    OpinionItem,
    OpinionReport,
    Tendency,
    Topic,
)
from danvan.opinion.services import due_date, rule_on
from danvan.organisations.models import Unit, UnitKind

SEED = 100  # Kết luận 100-KL/TW
CITY_KEY = "vn-01"
ALWAYS = "vn-01-00004"  # Phường Ba Đình, whose clerk is the demo login "badinh"
MONTHS = 24
# The demo's themes: the items of the last months, grouped lexically.
THEME_MONTHS = 2
# The demo's classifier learns from the newest items only: `make run` stays quick.
DEMO_TRAINING_ITEMS = 4000
MISSING_THIS_MONTH = 0.3  # share of collaborators who have not yet reported this month
MISSING_BEFORE = 0.03

SUP, OPP, HES = Tendency.SUPPORT, Tendency.OPPOSE, Tendency.HESITANT
SLOTS = {
    "good": ["gạo", "thịt lợn", "rau xanh", "xăng", "điện sinh hoạt", "nước sạch", "sữa trẻ em"],
    "price": ["15.000 đồng/kg", "25.000 đồng/kg", "130.000 đồng/kg", "23.500 đồng/lít"],
    "road": ["đường Hoàng Hoa Thám", "đường Láng", "ngõ 46", "đường liên thôn", "đê sông Hồng"],
    "project": [
        "dự án mở rộng đường vành đai",
        "dự án khu đô thị mới",
        "dự án trường học liên cấp",
        "dự án cải tạo chợ dân sinh",
    ],
    "place": ["tổ dân phố số 3", "thôn Đông", "khu tập thể cũ", "chợ dân sinh", "bãi đất trống"],
    "school": ["trường tiểu học", "trường mầm non", "trường trung học cơ sở"],
    "benefit": ["trợ cấp người cao tuổi", "hỗ trợ hộ nghèo", "bảo hiểm y tế hộ gia đình"],
}
# topic code → (template, tendency, weight of the topic follows TOPIC_WEIGHTS)
TEMPLATES: dict[str, list[tuple[str, int]]] = {
    "dat-dai": [
        ("Người dân băn khoăn về giá bồi thường giải phóng mặt bằng của {project}.", HES),
        (
            "Nhiều hộ không đồng tình thu hồi đất tại {place} khi chưa công khai phương án.",
            OPP,
        ),
        (
            "Bà con đồng tình với việc cấp giấy chứng nhận quyền sử dụng đất nhanh hơn ở {place}.",
            SUP,
        ),
        ("Có ý kiến phản ánh lấn chiếm đất công tại {place} chưa được xử lý dứt điểm.", OPP),
    ],
    "moi-truong": [
        ("Người dân bức xúc vì rác thải tồn đọng nhiều ngày ở {place}.", OPP),
        ("Khói bụi từ công trình trên {road} ảnh hưởng sinh hoạt của các hộ gia đình.", OPP),
        ("Bà con đồng tình với việc trồng thêm cây xanh dọc {road}.", SUP),
        ("Nhân dân lo ngại nước thải chưa qua xử lý chảy ra mương ở {place}.", HES),
    ],
    "gia-ca-thi-truong": [
        ("Giá {good} tăng lên {price} khiến người lao động lo lắng.", HES),
        ("Tiểu thương ở {place} phản ánh sức mua giảm, hàng {good} khó bán.", HES),
        ("Người dân không đồng tình với việc tăng giá {good} thiếu thông báo trước.", OPP),
        ("Bà con đánh giá cao việc bình ổn giá {good} dịp cuối năm.", SUP),
    ],
    "an-sinh-xa-hoi": [
        ("Người dân đồng tình với việc chi trả {benefit} đúng hạn.", SUP),
        ("Có ý kiến cho rằng danh sách {benefit} ở {place} chưa công bằng.", OPP),
        ("Các hộ khó khăn băn khoăn về thủ tục xét {benefit}.", HES),
    ],
    "y-te-giao-duc": [
        ("Phụ huynh phản ánh các khoản thu đầu năm ở {school} còn nhiều.", OPP),
        ("Người dân đồng tình với việc tiêm chủng mở rộng tại trạm y tế.", SUP),
        ("Bà con lo lắng thiếu phòng học ở {school} khi dân số tăng.", HES),
        ("Người bệnh phàn nàn thời gian chờ khám ở trạm y tế quá lâu.", OPP),
    ],
    "an-ninh-trat-tu": [
        ("Người dân lo ngại tình trạng trộm cắp xe máy ở {place}.", HES),
        ("Nhân dân đồng tình với việc ra quân xử lý đua xe trái phép trên {road}.", SUP),
        ("Có phản ánh về tụ tập gây mất trật tự vào ban đêm ở {place}.", OPP),
    ],
    "xay-dung-dang-chinh-quyen": [
        (
            "Người dân đánh giá cao thái độ phục vụ của bộ phận một cửa sau sắp xếp xã, phường.",
            SUP,
        ),
        ("Có ý kiến cho rằng thủ tục hành chính sau sáp nhập còn đi lại nhiều lần.", HES),
        ("Bà con mong cán bộ tiếp dân thường xuyên hơn ở {place}.", HES),
        ("Một số ý kiến không đồng tình với cách giải quyết đơn thư chậm ở {place}.", OPP),
    ],
    "dan-toc": [
        ("Đồng bào dân tộc thiểu số đồng tình với chính sách hỗ trợ nhà ở.", SUP),
        ("Bà con dân tộc băn khoăn về việc thực hiện chính sách vay vốn ưu đãi.", HES),
    ],
    "ton-giao": [
        ("Đồng bào giáo dân đồng tình với việc hỗ trợ tổ chức lễ hội an toàn.", SUP),
        ("Một số chức sắc băn khoăn về thủ tục sửa chữa cơ sở thờ tự ở {place}.", HES),
    ],
}
TOPIC_WEIGHTS = {
    "dat-dai": 18, "moi-truong": 16, "gia-ca-thi-truong": 16, "an-sinh-xa-hoi": 12,
    "y-te-giao-duc": 12, "an-ninh-trat-tu": 12, "xay-dung-dang-chinh-quyen": 10,
    "dan-toc": 2, "ton-giao": 2,
}  # fmt: skip
RUMOURS = [
    ("gia-ca-thi-truong", "Có tin đồn giá {good} sắp tăng gấp đôi, người dân đổ xô đi mua."),
    ("dat-dai", "Lan truyền tin đồn {place} sắp bị thu hồi toàn bộ để làm {project}."),
    ("y-te-giao-duc", "Có tin đồn {school} sẽ sáp nhập và dừng tuyển sinh năm sau."),
    ("an-ninh-trat-tu", "Trên mạng xã hội lan truyền tin bắt cóc trẻ em ở {place}."),
]
HANDLED_NOTES = [
    "Đã thông tin chính thức trên hệ thống loa truyền thanh.",
    "Cán bộ phường đã giải thích tại họp tổ dân phố.",
    "Đã đăng thông báo cải chính trên trang thông tin điện tử của xã.",
]
SUMMARIES = [
    "Tình hình tư tưởng Nhân dân cơ bản ổn định.",
    "Nhân dân quan tâm nhiều đến giá cả và môi trường.",
    "",
]


def _weighted(rng: random.Random, pairs):
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


def _person(rng: random.Random) -> str:
    surname = _weighted(rng, SURNAMES)
    if rng.random() < 0.5:
        return f"{surname} {_weighted(rng, MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    return f"{surname} {_weighted(rng, FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"


def _fill(rng: random.Random, template: str) -> str:
    return template.format(**{slot: rng.choice(values) for slot, values in SLOTS.items()})


def _pick_communes(scale: float) -> list[Unit]:
    communes = list(
        Unit.objects.current().filter(parent__key=CITY_KEY, kind=UnitKind.COMMUNE).order_by("path")
    )
    if scale >= 1 or not communes:
        return communes
    wanted = max(3, round(len(communes) * scale))
    step = max(1, len(communes) // wanted)
    chosen = communes[::step][:wanted]
    always = next((c for c in communes if c.key == ALWAYS), None)
    if always is not None and always not in chosen:
        chosen[-1] = always
    return chosen


def load(*, progress, seed: int = SEED, scale: float = 1.0) -> str:
    """Generate the collaborators and their reports, once."""
    if OpinionReport.objects.exists():
        return f"{OpinionReport.objects.count():,} opinion reports there already: none generated"
    city = Unit.objects.filter(key=CITY_KEY).first()
    if city is None:
        return "no Hà Nội: nothing generated"
    with transaction.atomic():
        made = generate(city, _pick_communes(scale), seed=seed, progress=progress)
    return (
        f"{made['collaborators']:,} collaborators, {made['reports']:,} reports, "
        f"{made['items']:,} opinion items; {language_demo(progress=progress)}"
    )


def language_demo(*, progress, months: int = THEME_MONTHS) -> str:
    """Train the topic classifier on the generated items, suggest their topics, and group
    the last months' items into themes lexically (no embeddings: the demo stays quick)."""
    from danvan.opinion import language

    started = time.monotonic()
    try:
        row = language.train_topics(limit=DEMO_TRAINING_ITEMS)
    except ValueError:
        return "too few items to train the topic classifier"
    classified = language.classify_pending()
    trained = time.monotonic()
    progress(f"classifier: accuracy {row.accuracy} on {row.n_samples:,} items")
    themes = language.compute_themes(months=months, embeddings=False)
    done = time.monotonic()
    return (
        f"classifier accuracy {row.accuracy}, {classified:,} items classified "
        f"({trained - started:.1f} s); {len(themes)} themes over {months} months "
        f"({done - trained:.1f} s)"
    )


def _collaborators(rng, city, communes) -> list[tuple[int, Unit, list[Unit]]]:
    """(collaborator id, unit, places it reports on) for every collaborator made."""
    fronts = {
        u.parent_id: u
        for u in Unit.objects.filter(parent__in=communes, kind=UnitKind.FRONT_COMMITTEE).order_by(
            "-path"
        )
    }
    hamlets: dict[int, list[Unit]] = {}
    for hamlet in Unit.objects.filter(parent__in=communes, kind=UnitKind.HAMLET).current():
        hamlets.setdefault(hamlet.parent_id, []).append(hamlet)
    start = add_months(month_start(timezone.localdate()), -MONTHS)
    plan: list[tuple[Unit, list[Unit]]] = [(city, [city, *communes[:10]])] * 3
    for commune in communes:
        places = [commune, *hamlets.get(commune.pk, [])]
        units = [commune, fronts.get(commune.pk, commune), commune][: rng.choice((2, 3))]
        plan.extend((unit, places if unit == commune else [unit]) for unit in units)
    counters: dict[int, int] = {}
    rows = []
    for unit, _places in plan:
        counters[unit.pk] = counters.get(unit.pk, 0) + 1
        rows.append((f"CTV-{unit.pk:05d}-{counters[unit.pk]:04d}", unit.pk, True, start))
    ids = [
        pk
        for (pk,) in insert_rows(
            Collaborator, ["code", "unit", "is_active", "since"], rows, returning=["id"]
        )
    ]
    insert_rows(
        CollaboratorIdentity,
        ["collaborator", "full_name", "phone"],
        [(pk, _person(rng), f"09{rng.randrange(10**8):08d}") for pk in ids],
    )
    return [(pk, unit, places) for pk, (unit, places) in zip(ids, plan, strict=True)]


def generate(city: Unit, communes: list[Unit], *, seed: int, progress) -> dict[str, int]:
    rng = random.Random(seed)
    topics = {t.code: t.pk for t in Topic.objects.all()}
    people = _collaborators(rng, city, communes)
    progress(f"{len(people):,} collaborators")
    tz = timezone.get_current_timezone()
    now = timezone.now()
    this_month = month_start(timezone.localdate())
    rule = rule_on(timezone.localdate())
    codes, weights = zip(*TOPIC_WEIGHTS.items(), strict=True)
    # A few communes whose opposition on a topic grows this month: the hot spots.
    heat = {c.pk: rng.choice(codes[:7]) for c in rng.sample(communes, k=min(5, len(communes)))}
    reports, items_of = [], []
    for offset in range(MONTHS, -1, -1):
        month = add_months(this_month, -offset)
        due = due_date(month, rule)
        missing = MISSING_THIS_MONTH if offset == 0 else MISSING_BEFORE
        for pk, unit, places in people:
            if rng.random() < missing:
                continue
            if offset == 0:
                filed = now - datetime.timedelta(hours=rng.randint(1, 72))
                filed = max(filed, datetime.datetime.combine(month, datetime.time(8), tz))
            else:
                day = due - datetime.timedelta(days=rng.randint(0, 12))
                filed = datetime.datetime.combine(day, datetime.time(rng.randint(7, 17)), tz)
            reports.append(
                (pk, unit.pk, "monthly", month, filed, due, rng.choice(SUMMARIES), rule.pk)
                + (None, None)
            )
            items = []
            for _ in range(rng.randint(2, 5)):
                code = rng.choices(codes, weights)[0]
                hot = offset == 0 and heat.get(unit.pk) == code
                items.append(_item(rng, code, rng.choice(places), month, hot=hot))
            if rng.random() < 0.04:
                items.append(_rumour(rng, rng.choice(places), month))
            items_of.append(items)
    urgent = _urgent(rng, people, this_month, now, rule)
    for row, items in urgent:
        reports.append(row)
        items_of.append(items)
    fields = [
        "collaborator", "unit", "kind", "month", "filed_at", "due_date", "summary", "rule",
        "acknowledge_by", "acknowledged_at",
    ]  # fmt: skip
    ids = [pk for (pk,) in insert_rows(OpinionReport, fields, reports, returning=["id"])]
    rows = []
    for report_id, (report_row, items) in zip(
        ids, zip(reports, items_of, strict=True), strict=True
    ):
        kind, month = report_row[2], report_row[3]
        for code, breadth, tendency, intensity, place, content, rumour, handled, note in items:
            rows.append(
                (report_id, month, kind, topics[code], breadth, tendency, intensity, place.pk,
                 content, rumour, handled, note)
            )  # fmt: skip
    progress(f"{len(reports):,} reports, {len(rows):,} items")
    insert_rows(
        OpinionItem,
        ["report", "month", "kind", "topic", "breadth", "tendency", "intensity", "place",
         "content", "is_rumour", "handled", "handled_note"],
        rows,
    )  # fmt: skip
    return {"collaborators": len(people), "reports": len(reports), "items": len(rows)}


def _item(rng, code: str, place: Unit, month, *, hot: bool = False):
    template, tendency = rng.choice(TEMPLATES[code])
    if hot:
        tendency = OPP
    breadth = rng.choices(list(Breadth), weights=(1, 3, 4, 4))[0]
    intensity = rng.choices(list(Intensity), weights=(4, 4, 2))[0]
    return (code, breadth, tendency, intensity, place, _fill(rng, template), False, False, "")


def _rumour(rng, place: Unit, month):
    code, template = rng.choice(RUMOURS)
    handled = rng.random() < 0.6
    note = rng.choice(HANDLED_NOTES) if handled else ""
    return (
        code,
        Breadth.SOME,
        HES,
        Intensity.HIGH,
        place,
        _fill(rng, template),
        True,
        handled,
        note,
    )


def _urgent(rng, people, this_month, now, rule):
    """A few urgent reports over the last months, most acknowledged."""
    made = []
    count = max(2, len(people) // 20)
    tz = timezone.get_current_timezone()
    for i in range(count):
        pk, unit, places = rng.choice(people)
        month = add_months(this_month, -rng.randint(0, 6))
        if i < 2:  # this month's, still to acknowledge
            month = this_month
        day = month + datetime.timedelta(days=rng.randint(0, 27))
        filed = datetime.datetime.combine(day, datetime.time(rng.randint(7, 20)), tz)
        filed = min(filed, now - datetime.timedelta(hours=2 + i))
        month = month_start(timezone.localtime(filed).date())
        ack_by = filed + datetime.timedelta(hours=rule.urgent_ack_hours)
        acked = None if i < 2 else filed + datetime.timedelta(hours=rng.randint(1, 20))
        items = [_rumour(rng, rng.choice(places), month)] if rng.random() < 0.5 else []
        items.append(_item(rng, rng.choice(list(TEMPLATES)[:7]), rng.choice(places), month))
        made.append(
            ((pk, unit.pk, "urgent", month, filed, None, "", rule.pk, ack_by, acked), items)
        )
    return made


def more_items(count: int, *, seed: int = SEED, progress=None, chunk: int = 20000) -> int:
    """Add `count` generated items to the reports there (for the benchmarks): each on a
    topic drawn as the demo draws them, about the report's unit. Returns how many."""
    rng = random.Random(seed + 1)
    topics = {t.code: t.pk for t in Topic.objects.all()}
    codes, weights = zip(*TOPIC_WEIGHTS.items(), strict=True)
    reports = list(OpinionReport.objects.values_list("pk", "month", "kind", "unit"))
    if not reports:
        return 0
    fields = ["report", "month", "kind", "topic", "breadth", "tendency", "intensity", "place",
              "content", "is_rumour", "handled", "handled_note"]  # fmt: skip
    made = 0
    while made < count:
        rows = []
        for _ in range(min(chunk, count - made)):
            report_id, month, kind, unit_id = rng.choice(reports)
            code = rng.choices(codes, weights)[0]
            made_item = _item(rng, code, Unit(pk=unit_id), month)
            _code, breadth, tendency, intensity, _place, content, rumour, handled, note = made_item
            rows.append(
                (report_id, month, kind, topics[code], breadth, tendency, intensity, unit_id,
                 content, rumour, handled, note)
            )  # fmt: skip
        insert_rows(OpinionItem, fields, rows)
        made += len(rows)
        if progress is not None:
            progress(made, count)
    return made
