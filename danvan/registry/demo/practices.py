"""Demo data for the registry: Hà Nội's “Dân vận khéo” models from 2009 to 2025, and a review
council with work for the current year.

The totals are the seed article's (78,494 models registered, 17,114 recognised); everything
else (names, places, years, states) is generated from parts with a seeded random generator,
so the same seed always gives the same registry.
"""

import datetime
import random
import time
import zoneinfo
from bisect import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import reset_queries, transaction
from django.utils import timezone

from danvan.accounts.demo import DEMO_PASSWORD
from danvan.accounts.models import Role, User
from danvan.accounts.services import assign_role, create_user
from danvan.lib.audit import log_action
from danvan.lib.sampling import weighted
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind
from danvan.organisations.national import HANOI_CODE
from danvan.registry import services
from danvan.registry.models import (
    Council,
    Criterion,
    Field,
    ModelKind,
    PracticeModel,
    RecognitionLevel,
    Replication,
    Rubric,
    Status,
    StatusChange,
)

# The seed article's figures for Hà Nội.
HANOI_MODELS = 78_494
HANOI_RECOGNISED = 17_114
FIRST_YEAR = 2009
LAST_YEAR = 2025
CAMPAIGN_START = datetime.date(2009, 2, 26)  # Kế hoạch 70-KH/BDVTW
LAST_RECOGNITION = datetime.date(LAST_YEAR, 12, 31)
HISTORY_UNTIL = datetime.date(2026, 10, 31)  # last generated move or adoption
BATCH = 5_000
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

# Registrations grow over the years: few in 2009, most after the 2019–2021 campaigns.
YEAR_WEIGHTS = {
    2009: 0.6,
    2010: 1.6,
    2011: 2.4,
    2012: 3.0,
    2013: 3.4,
    2014: 3.8,
    2015: 4.2,
    2016: 4.6,
    2017: 5.0,
    2018: 5.4,
    2019: 5.9,
    2020: 6.4,
    2021: 6.3,
    2022: 6.8,
    2023: 7.1,
    2024: 7.3,
    2025: 6.2,
}

# Which part of a commune registers a model, and how often.
UNIT_SHARES = [("commune", 20), ("party", 10), ("state", 10), ("front", 22), ("hamlet", 38)]
# Field weights by registering part: the Party branch leans to party building, and so on.
FIELD_WEIGHTS = {
    "commune": {"kinh-te": 35, "van-hoa-xa-hoi": 35, "quoc-phong-an-ninh": 20, "xay-dung-dang": 10},
    "party": {"kinh-te": 15, "van-hoa-xa-hoi": 15, "quoc-phong-an-ninh": 15, "xay-dung-dang": 55},
    "state": {"kinh-te": 40, "van-hoa-xa-hoi": 25, "quoc-phong-an-ninh": 15, "xay-dung-dang": 20},
    "front": {"kinh-te": 30, "van-hoa-xa-hoi": 45, "quoc-phong-an-ninh": 15, "xay-dung-dang": 10},
    "hamlet": {"kinh-te": 25, "van-hoa-xa-hoi": 40, "quoc-phong-an-ninh": 30, "xay-dung-dang": 5},
}
INDIVIDUAL_SHARE = 0.2

# Practices by field: (name of the practice, what it is about).
PRACTICES = {
    "kinh-te": [
        ("Chi hội phụ nữ giúp nhau phát triển kinh tế", "phát triển kinh tế hộ gia đình"),
        ("Hiến đất mở rộng đường làng", "mở rộng đường giao thông nông thôn"),
        ("Dân vận khéo trong xây dựng nông thôn mới", "xây dựng nông thôn mới"),
        ("Dồn điền đổi thửa", "dồn điền đổi thửa, tích tụ ruộng đất"),
        ("Tổ hợp tác trồng rau an toàn", "sản xuất rau an toàn"),
        ("Chợ văn minh thương mại", "xây dựng chợ văn minh"),
        ("Giúp hộ nghèo thoát nghèo bền vững", "giảm nghèo bền vững"),
        ("Tổ tiết kiệm và vay vốn của hội viên nông dân", "hỗ trợ vốn vay cho hội viên"),
        ("Làng nghề truyền thống gắn với du lịch", "phát triển làng nghề"),
        ("Cựu chiến binh làm kinh tế giỏi", "phát triển kinh tế của cựu chiến binh"),
        ("Thanh niên khởi nghiệp", "khởi nghiệp của thanh niên"),
        ("Thanh toán không dùng tiền mặt", "phổ biến thanh toán không dùng tiền mặt"),
        ("Bê tông hóa đường ngõ xóm", "bê tông hóa đường ngõ xóm"),
        ("Sản phẩm OCOP của địa phương", "phát triển sản phẩm OCOP"),
        ("Vận động nhân dân bàn giao mặt bằng", "giải phóng mặt bằng các dự án"),
        ("Liên kết sản xuất theo chuỗi giá trị", "liên kết sản xuất, tiêu thụ nông sản"),
    ],
    "van-hoa-xa-hoi": [
        ("Phân loại rác thải tại nguồn", "phân loại rác thải tại nguồn"),
        ("Ngày Chủ nhật xanh", "vệ sinh môi trường khu dân cư"),
        ("Đường hoa tự quản", "trồng và chăm sóc cây xanh, đường hoa"),
        ("Mái ấm tình thương", "hỗ trợ nhà ở cho hộ khó khăn"),
        ("Tủ sách cộng đồng", "phát triển văn hóa đọc"),
        ("Bữa cơm nghĩa tình", "hỗ trợ người bệnh có hoàn cảnh khó khăn"),
        ("Khu dân cư văn hóa kiểu mẫu", "xây dựng khu dân cư văn hóa"),
        ("Gia đình văn hóa, gia đình hạnh phúc", "xây dựng gia đình văn hóa"),
        ("Câu lạc bộ dưỡng sinh người cao tuổi", "chăm sóc sức khỏe người cao tuổi"),
        ("Vỉa hè văn minh", "giữ gìn trật tự đô thị"),
        ("Nói không với túi ni lông", "giảm thiểu rác thải nhựa"),
        ("Việc cưới, việc tang văn minh", "thực hiện nếp sống văn minh"),
        ("Bình dân học vụ số", "phổ cập kỹ năng số cho người dân"),
        ("Tiếp sức học sinh nghèo vượt khó", "khuyến học, khuyến tài"),
        ("Ao làng xanh, sạch", "bảo vệ nguồn nước và ao hồ"),
        ("Cài đặt và sử dụng dịch vụ công trực tuyến", "sử dụng dịch vụ công trực tuyến"),
    ],
    "quoc-phong-an-ninh": [
        ("Tổ tự quản an ninh trật tự", "giữ gìn an ninh trật tự"),
        ("Camera an ninh khu dân cư", "lắp đặt camera an ninh"),
        ("Tiếng kẻng an ninh", "phòng ngừa tội phạm tại khu dân cư"),
        ("Dòng họ không có người vi phạm pháp luật", "giáo dục pháp luật trong dòng họ"),
        ("Khu dân cư an toàn về phòng cháy, chữa cháy", "phòng cháy, chữa cháy"),
        ("Tổ hòa giải ở cơ sở", "hòa giải mâu thuẫn ở cơ sở"),
        ("Ngõ phố bình yên", "xây dựng ngõ phố bình yên"),
        (
            "Giúp người lầm lỗi tái hòa nhập cộng đồng",
            "giúp đỡ người lầm lỗi tái hòa nhập cộng đồng",
        ),
        ("Tổ liên gia an toàn", "liên kết các hộ gia đình tự phòng ngừa"),
        ("Khu dân cư không có ma túy", "phòng, chống ma túy tại cộng đồng"),
        ("Hậu phương vững chắc cho tân binh", "công tác tuyển quân"),
        ("Cổng trường an toàn giao thông", "an toàn giao thông trước cổng trường"),
        ("Phòng, chống lừa đảo qua mạng", "phòng, chống lừa đảo trên không gian mạng"),
    ],
    "xay-dung-dang": [
        ("Nâng cao chất lượng sinh hoạt chi bộ", "nâng cao chất lượng sinh hoạt chi bộ"),
        ("Mỗi đảng viên phụ trách một nhóm hộ", "gắn bó giữa đảng viên với nhân dân"),
        ("Cán bộ trọng dân, gần dân, hiểu dân, giúp dân", "nâng cao thái độ phục vụ nhân dân"),
        ("Đối thoại trực tiếp với nhân dân", "tiếp xúc, đối thoại với nhân dân"),
        ("Một cửa thân thiện", "giải quyết thủ tục hành chính"),
        ("Phát triển đảng viên trong thanh niên", "kết nạp đảng viên trẻ"),
        ("Dân biết, dân bàn, dân làm, dân kiểm tra", "thực hiện dân chủ ở cơ sở"),
        ("Ban Thanh tra nhân dân hoạt động hiệu quả", "phát huy vai trò giám sát của nhân dân"),
        ("Tiếp công dân và giải quyết đơn thư", "tiếp công dân và giải quyết đơn thư"),
        ("Nhóm Zalo kết nối tổ dân phố", "kết nối cấp ủy với nhân dân qua mạng xã hội"),
        ("Nhân dân góp ý xây dựng Đảng, chính quyền", "góp ý xây dựng Đảng, chính quyền"),
    ],
}
QUALIFIERS = ["", "", "", " gắn với xây dựng đô thị văn minh", " gắn với chuyển đổi số"]

# Texts of the registration form: a few sentences with variation, kept short.
PROBLEMS = [
    "người dân chưa thực sự vào cuộc",
    "nhiều hộ còn e ngại, chưa đồng thuận",
    "việc thực hiện còn hình thức, thiếu người phụ trách",
    "nguồn lực của địa phương còn hạn chế",
    "nhân dân phản ánh nhiều tại các buổi tiếp xúc",
    "kết quả chưa đồng đều giữa các khu dân cư",
]
GOALS = [
    "{pct}% hộ gia đình tham gia",
    "{pct}% hộ dân đồng thuận, ký cam kết thực hiện",
    "không để phát sinh điểm nóng, đơn thư vượt cấp",
    "tổ chức ít nhất {n} buổi ra quân mỗi năm",
    "huy động {money} triệu đồng và {days} ngày công",
]
METHODS = [
    "Chi bộ ra nghị quyết chuyên đề, giao đảng viên phụ trách nhóm hộ",
    "Ban công tác Mặt trận phối hợp các chi hội vận động từng hộ",
    "họp dân công khai, bàn bạc dân chủ trước khi triển khai",
    "tổ chức ra mắt, ký cam kết giữa các hộ gia đình",
    "cán bộ, đảng viên gương mẫu đi trước để nhân dân làm theo",
    "sơ kết 6 tháng, biểu dương kịp thời gương người tốt việc tốt",
    "công khai kết quả trên loa truyền thanh và nhóm Zalo khu dân cư",
]
FORCES = [
    "Chi bộ, Ban công tác Mặt trận, các chi hội đoàn thể",
    "Cấp ủy, Ủy ban nhân dân, Mặt trận Tổ quốc và các đoàn thể",
    "Chi hội phụ nữ, chi hội cựu chiến binh, chi đoàn thanh niên",
    "Tổ dân phố, công an khu vực, tổ bảo vệ an ninh trật tự cơ sở",
]
RESULTS = [
    "{pct}% hộ dân tham gia; được nhân dân đồng tình ủng hộ.",
    "Huy động {money} triệu đồng, {days} ngày công; duy trì đều đặn.",
    "Không phát sinh đơn thư; nhiều khu dân cư học tập, làm theo.",
]
REPLICATION_RESULTS = [
    "Triển khai tại {n} khu dân cư, bước đầu có hiệu quả.",
    "{pct}% hộ dân tham gia sau năm đầu thực hiện.",
    "Duy trì đều đặn, được nhân dân ủng hộ.",
    "",
]

# Individual exemplars: a person, their role in the place, and what they did.
SURNAMES = [
    ("Nguyễn", 31), ("Trần", 10), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Vũ", 4), ("Phan", 3),
    ("Đặng", 3), ("Bùi", 3), ("Đỗ", 3), ("Ngô", 2), ("Dương", 2), ("Đào", 2), ("Đinh", 2),
    ("Trịnh", 2), ("Lý", 1), ("Hà", 1), ("Tạ", 1), ("Lương", 1), ("Nghiêm", 1), ("Kiều", 1),
    ("Khuất", 1), ("Chu", 1), ("Cao", 1),
]  # fmt: skip
MALE_MIDDLE = [("Văn", 8)] + [(m, 2) for m in ("Đức", "Minh", "Quang", "Hữu")]
MALE_MIDDLE += [(m, 1) for m in ("Công", "Xuân", "Mạnh", "Tiến", "Ngọc", "Thanh", "Trọng")]
MALE_GIVEN = (
    "Hùng Dũng Tuấn Minh Hải Long Nam Thắng Cường Sơn Bình Quân Trung Thành Hiếu Phong Khánh "
    "Toàn Huy Lâm Tùng Đạt Hưng Vinh Chiến Thịnh Kiên Lợi Tâm Hòa"
).split()
FEMALE_MIDDLE = [("Thị", 8), ("Thu", 2)]
FEMALE_MIDDLE += [
    (m, 1) for m in ("Ngọc", "Thanh", "Minh", "Hồng", "Thúy", "Kim", "Phương", "Bích")
]
FEMALE_GIVEN = (
    "Hoa Lan Hương Hạnh Hằng Nga Thủy Mai Hà Huyền Loan Yến Dung Liên Oanh Thảo Trang Linh "
    "Phượng Nhung Tâm Vân Xuân Hiền Quyên Thơm Hiên"
).split()
HAMLET_ROLES = [
    "Tổ trưởng",
    "Bí thư chi bộ",
    "Trưởng ban công tác Mặt trận",
    "Chi hội trưởng phụ nữ",
    "Chi hội trưởng nông dân",
    "Chi hội trưởng cựu chiến binh",
    "Bí thư chi đoàn",
    "Tổ trưởng tổ hòa giải",
    "đảng viên",
    "người có uy tín",
]
COMMUNE_ROLES = {
    "commune": ["công chức văn hóa – xã hội", "Phó Chủ tịch Ủy ban nhân dân", "Trưởng Công an"],
    "party": ["Phó Bí thư Đảng ủy", "Trưởng ban Xây dựng Đảng", "đảng viên Đảng bộ"],
    "state": ["công chức địa chính", "công chức tư pháp – hộ tịch", "cán bộ Ủy ban nhân dân"],
    "front": [
        "Chủ tịch Hội Cựu chiến binh",
        "Chủ tịch Hội Liên hiệp Phụ nữ",
        "Chủ tịch Hội Nông dân",
        "Bí thư Đoàn Thanh niên",
        "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc",
    ],
}
DEEDS = {
    "kinh-te": [
        "vận động nhân dân hiến đất làm đường",
        "giúp hội viên vay vốn phát triển sản xuất",
        "chuyển đổi cây trồng, vật nuôi",
        "tạo việc làm cho lao động địa phương",
    ],
    "van-hoa-xa-hoi": [
        "vận động xây dựng nhà đại đoàn kết",
        "chăm lo công tác khuyến học",
        "giữ gìn vệ sinh môi trường",
        "chăm lo người cao tuổi, trẻ em khó khăn",
    ],
    "quoc-phong-an-ninh": [
        "hòa giải các vụ việc ở cơ sở",
        "tham gia giữ gìn an ninh trật tự",
        "giúp người lầm lỗi tái hòa nhập cộng đồng",
    ],
    "xay-dung-dang": [
        "giải quyết kịp thời kiến nghị của nhân dân",
        "nâng cao chất lượng sinh hoạt chi bộ",
        "tiếp thu, phản ánh ý kiến của nhân dân",
    ],
}

# States of the models not recognised, by age (0: registered in the last year).
OPEN_STATES_RECENT = [
    (Status.REGISTERED, 16),
    (Status.LAUNCHED, 44),
    (Status.UNDER_REVIEW, 1),
    (Status.GOOD, 25),
    (Status.WEAK, 7),
    (Status.STRENGTHENED, 2),
    (Status.WITHDRAWN, 5),
]
OPEN_STATES_OLD = [
    (Status.REGISTERED, 1),
    (Status.LAUNCHED, 6),
    (Status.GOOD, 50),
    (Status.WEAK, 12),
    (Status.STRENGTHENED, 15),
    (Status.WITHDRAWN, 16),
]
RECOGNISED_STATES = [(Status.RECOGNISED, 56), (Status.COMMENDED, 28), (Status.REPLICATING, 16)]
# The state a model was in before its current one (for its history row).
PREVIOUS = {
    Status.LAUNCHED: Status.REGISTERED,
    Status.UNDER_REVIEW: Status.LAUNCHED,
    Status.GOOD: Status.UNDER_REVIEW,
    Status.WEAK: Status.UNDER_REVIEW,
    Status.STRENGTHENED: Status.WEAK,
    Status.WITHDRAWN: Status.LAUNCHED,
    Status.RECOGNISED: Status.GOOD,
    Status.COMMENDED: Status.RECOGNISED,
    Status.REPLICATING: Status.COMMENDED,
}
# Share of recognitions by level, before and after the district level ended (1 July 2025).
LEVEL_SHARES_BEFORE = [("co-so", 70), ("huyen", 22), ("thanh-pho", 8)]
LEVEL_SHARES_AFTER = [("co-so", 85), ("thanh-pho", 15)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def allocate(total: int, weights: dict) -> dict:
    """Split total over the keys in proportion to weights, exactly (largest remainder)."""
    weight_sum = sum(weights.values())
    if total <= 0 or weight_sum <= 0:
        return dict.fromkeys(weights, 0)
    shares = {k: total * w / weight_sum for k, w in weights.items()}
    result = {k: int(v) for k, v in shares.items()}
    by_remainder = sorted(weights, key=lambda k: (shares[k] - result[k], k), reverse=True)
    for k in by_remainder[: total - sum(result.values())]:
        result[k] += 1
    return result


@dataclass
class Place:
    """A unit that registers models, with what its names need."""

    unit_id: int
    part: str  # commune, party, state, front or hamlet
    phrase: str  # "tổ dân phố số 2, phường Hà Đông"


@dataclass
class Commune:
    phrase: str  # "phường Hà Đông"
    legacy_district: str
    parts: dict[str, list[Place]] = field(default_factory=dict)


def hanoi_communes(on: datetime.date | None = None) -> list[Commune]:
    """Hà Nội's current communes with their branches and hamlets, in order of code."""
    city = Unit.objects.filter(key=f"vn-{HANOI_CODE}").first()
    if city is None:
        raise ValueError("Load Hà Nội's units first (manage.py load_units).")
    rows = list(
        Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE)
        .current(on)
        .select_related("legacy_district")
        .order_by("code", "id")
    )
    communes: dict[int, Commune] = {}
    for unit in rows:
        commune = Commune(
            phrase=_lower_first(unit.name),
            legacy_district=unit.legacy_district.name if unit.legacy_district_id else "",
        )
        commune.parts["commune"] = [Place(unit.pk, "commune", commune.phrase)]
        communes[unit.pk] = commune
    part_of_kind = {
        UnitKind.PARTY_COMMITTEE: "party",
        UnitKind.PEOPLES_COMMITTEE: "state",
        UnitKind.FRONT_COMMITTEE: "front",
        UnitKind.HAMLET: "hamlet",
    }
    children = (
        Unit.objects.filter(parent__in=communes.keys(), kind__in=part_of_kind.keys())
        .current(on)
        .order_by("path")
        .values_list("pk", "parent_id", "kind", "name")
    )
    for pk, parent_id, kind, name in children:
        commune = communes[parent_id]
        part = part_of_kind[kind]
        phrase = _lower_first(name) if part == "hamlet" else commune.phrase
        commune.parts.setdefault(part, []).append(Place(pk, part, phrase))
    if not communes:
        raise ValueError("Hà Nội has no current communes: load its units first.")
    return list(communes.values())


class ModelMaker:
    """Make the parts of one generated model with a seeded generator."""

    def __init__(self, rng: random.Random, communes: list[Commune]):
        self.rng = rng
        self.communes = communes
        # Some communes register far more than others.
        self.commune_cum = weighted((c, rng.uniform(0.4, 1.8)) for c in communes)[1]
        self.parts, self.parts_cum = weighted(UNIT_SHARES)
        self.fields = {part: weighted(weights.items()) for part, weights in FIELD_WEIGHTS.items()}
        self.surnames = weighted(SURNAMES)
        self.male_middle = weighted(MALE_MIDDLE)
        self.female_middle = weighted(FEMALE_MIDDLE)
        self.open_recent = weighted(OPEN_STATES_RECENT)
        self.open_old = weighted(OPEN_STATES_OLD)
        self.recognised_states = weighted(RECOGNISED_STATES)
        self.levels_before = weighted(LEVEL_SHARES_BEFORE)
        self.levels_after = weighted(LEVEL_SHARES_AFTER)

    def pick(self, weighted):
        values, cumulative = weighted
        return values[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def commune(self) -> Commune:
        index = bisect(self.commune_cum, self.rng.random() * self.commune_cum[-1])
        return self.communes[index]

    def place(self, commune: Commune) -> Place:
        part = self.parts[bisect(self.parts_cum, self.rng.random() * self.parts_cum[-1])]
        options = commune.parts.get(part) or commune.parts["commune"]
        return self.rng.choice(options)

    def person(self) -> tuple[str, str]:
        """Return a title (Ông/Bà) and a Vietnamese full name."""
        rng = self.rng
        surname = self.pick(self.surnames)
        if rng.random() < 0.5:
            middle, given, title = self.pick(self.male_middle), rng.choice(MALE_GIVEN), "Ông"
        else:
            middle, given, title = self.pick(self.female_middle), rng.choice(FEMALE_GIVEN), "Bà"
        if middle == given:
            middle = "Văn" if title == "Ông" else "Thị"
        return title, f"{surname} {middle} {given}"

    def collective_name(self, practice: str, topic: str, place: Place) -> str:
        rng = self.rng
        at = "tại" if rng.random() < 0.8 else "ở"
        form = rng.random()
        if form < 0.45:
            core = f"{practice}{rng.choice(QUALIFIERS)}"
        elif form < 0.8:
            core = f"Mô hình “{practice}”"
        else:
            core = f"Dân vận khéo trong {topic}"
        return f"{core} {at} {place.phrase}"

    def individual_name(self, field_code: str, place: Place) -> tuple[str, str]:
        """Return an exemplar's name and what they did (the topic of their form)."""
        title, full_name = self.person()
        if place.part == "hamlet":
            role = self.rng.choice(HAMLET_ROLES)
        else:
            role = self.rng.choice(COMMUNE_ROLES[place.part])
        deed = self.rng.choice(DEEDS[field_code])
        return f"{title} {full_name}, {role} {place.phrase} – {deed}", deed

    def texts(self, topic: str, place: Place, year: int) -> dict[str, str]:
        rng = self.rng
        households = rng.randrange(120, 2400, 10)
        opening = rng.random()
        if opening < 0.4:
            situation = (
                f"Địa bàn có {households} hộ; việc {topic} còn hạn chế, {rng.choice(PROBLEMS)}."
            )
        elif opening < 0.7:
            situation = (
                f"Trước năm {year}, việc {topic} chưa được quan tâm đúng mức; "
                f"{rng.choice(PROBLEMS)}."
            )
        else:
            situation = (
                f"Nhân dân {place.phrase} mong muốn đẩy mạnh {topic}; {rng.choice(PROBLEMS)}."
            )
        goal = rng.choice(GOALS).format(
            pct=rng.randrange(70, 101, 5),
            n=rng.randint(2, 12),
            money=rng.randrange(20, 800, 10),
            days=rng.randrange(50, 2000, 50),
        )
        methods = rng.sample(METHODS, 2)
        return {
            "situation": situation,
            "goals": f"Đến hết năm {year + 1}: {goal}.",
            "content": f"{methods[0][:1].upper()}{methods[0][1:]}; {methods[1]}.",
            "forces": rng.choice(FORCES),
        }

    def result(self) -> str:
        rng = self.rng
        return rng.choice(RESULTS).format(
            pct=rng.randrange(80, 101, 5),
            money=rng.randrange(30, 1500, 10),
            days=rng.randrange(100, 3000, 50),
        )

    def registered_at(self, year: int) -> datetime.datetime:
        """A registration moment in the year: most in the first four months of campaigns."""
        rng = self.rng
        start = CAMPAIGN_START + datetime.timedelta(days=3) if year == FIRST_YEAR else None
        start = start or datetime.date(year, 1, 2)
        end = datetime.date(year, 12, 28)
        busy_end = max(start, datetime.date(year, 4, 30))
        last = busy_end if rng.random() < 0.55 else end
        day = start + datetime.timedelta(days=rng.randint(0, (last - start).days))
        minutes = rng.randint(7 * 60 + 30, 16 * 60 + 45)
        return datetime.datetime(
            day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=TZ
        )

    def recognition_date(self, registered: datetime.date) -> datetime.date:
        """A date in the same year as registration or the next, never after 2025."""
        rng = self.rng
        earliest = registered + datetime.timedelta(days=60)
        same_year_end = datetime.date(registered.year, 12, 31)
        if earliest > LAST_RECOGNITION:
            earliest = LAST_RECOGNITION
        if earliest <= same_year_end and (rng.random() < 0.35 or registered.year == LAST_YEAR):
            start, end = max(earliest, datetime.date(registered.year, 9, 1)), same_year_end
            start = min(start, end)
        else:
            start = max(earliest, datetime.date(registered.year + 1, 1, 1))
            end = min(datetime.date(registered.year + 1, 12, 31), LAST_RECOGNITION)
            start = min(start, end)
        return start + datetime.timedelta(days=rng.randint(0, (end - start).days))

    def level_code(self, on: datetime.date) -> str:
        return self.pick(self.levels_before if on < REFORM_DATE else self.levels_after)


# Share of a year's models recognised by the end of 2025; older models had more time.
RECOGNISED_RATE = {2021: 0.24, 2022: 0.2, 2023: 0.17, 2024: 0.13, 2025: 0.07}


def _year_counts(count: int, recognised: int) -> tuple[dict[int, int], dict[int, int]]:
    """Models per year, and recognised models per year (older models more often)."""
    counts = allocate(count, YEAR_WEIGHTS)
    rate = {y: RECOGNISED_RATE.get(y, 0.28 if y <= 2020 else 0.07) for y in counts}
    wanted = allocate(recognised, {y: counts[y] * rate[y] for y in counts})
    # A small run may ask more of a year than it has: move the excess to other years.
    excess = sum(max(0, wanted[y] - counts[y]) for y in counts)
    wanted = {y: min(wanted[y], counts[y]) for y in counts}
    for y in sorted(counts, key=lambda y: counts[y] - wanted[y], reverse=True):
        move = min(excess, counts[y] - wanted[y])
        wanted[y] += move
        excess -= move
    return counts, wanted


@dataclass
class Made:
    """One generated model with what its history and replications need."""

    model: PracticeModel
    practice: str
    moved_on: datetime.datetime | None = None


def _yesterday() -> datetime.date:
    """The last day a generated move may fall on: never in the future, and fixed once that
    day has passed, so that a seed gives the same registry whenever it is loaded."""
    return min(HISTORY_UNTIL, timezone.localdate() - datetime.timedelta(days=1))


def _chunks(maker: ModelMaker, counts, wanted, fields, levels) -> Iterator[list[Made]]:
    """Yield the generated models in chunks of at most BATCH, year by year."""
    rng = maker.rng
    chunk: list[Made] = []
    for year in sorted(counts):
        recognised_here = set(rng.sample(range(counts[year]), wanted[year]))
        age = LAST_YEAR - year
        open_states = maker.open_recent if age == 0 else maker.open_old
        for index in range(counts[year]):
            commune = maker.commune()
            place = maker.place(commune)
            field_code = maker.pick(maker.fields[place.part])
            practice, topic = rng.choice(PRACTICES[field_code])
            individual = rng.random() < INDIVIDUAL_SHARE
            if individual:
                name, topic = maker.individual_name(field_code, place)
            else:
                name = maker.collective_name(practice, topic, place)
            registered = maker.registered_at(year)
            model = PracticeModel(
                name=name,
                kind=ModelKind.INDIVIDUAL if individual else ModelKind.COLLECTIVE,
                field_id=fields[field_code],
                unit_id=place.unit_id,
                year=year,
                created_at=registered,
                legacy_district_name=(
                    commune.legacy_district if registered.date() < REFORM_DATE else ""
                ),
                **maker.texts(topic, place, year),
            )
            moved = None
            if index in recognised_here:
                model.status = maker.pick(maker.recognised_states)
                if individual and model.status == Status.REPLICATING:
                    model.status = Status.COMMENDED  # others learn from a person, not adopt one
                model.recognised_on = maker.recognition_date(registered.date())
                model.recognised_level_id = levels[maker.level_code(model.recognised_on)]
                model.results = maker.result()
                moved = model.recognised_on
                if model.status == Status.COMMENDED:
                    moved = min(moved + datetime.timedelta(days=rng.randint(5, 60)), _yesterday())
            else:
                model.status = maker.pick(open_states)
                if model.status == Status.GOOD:
                    model.results = maker.result()
                if model.status != Status.REGISTERED:
                    latest = min(datetime.date(year + 1, 12, 31), _yesterday())
                    days = max(1, (latest - registered.date()).days)
                    moved = registered.date() + datetime.timedelta(days=rng.randint(1, days))
            if model.status != Status.REGISTERED:
                model.start_date = registered.date() + datetime.timedelta(days=rng.randint(7, 45))
            model.refresh_search_text()
            made = Made(model, practice)
            if moved is not None:
                made.moved_on = datetime.datetime.combine(
                    moved, datetime.time(9, rng.randint(0, 59)), tzinfo=TZ
                )
            chunk.append(made)
            if len(chunk) >= BATCH:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _history(chunk: list[Made]) -> list[StatusChange]:
    """One history row per model: the move into its current state (registration for a new one)."""
    return [
        StatusChange(
            model_id=made.model.pk,
            from_status=PREVIOUS.get(made.model.status, ""),
            to_status=made.model.status,
            created_at=made.moved_on or made.model.created_at,
        )
        for made in chunk
    ]


def _replications(rng: random.Random, chunk: list[Made], maker: ModelMaker) -> int:
    """Adoptions of the chunk's models being replicated: by other units, some second-hand."""
    first: list[Replication] = []
    later: list[tuple[Made, Place, int]] = []
    latest = _yesterday()
    for made in chunk:
        model = made.model
        if model.status != Status.REPLICATING:
            continue
        adopters = 1 + (rng.random() < 0.45) + (rng.random() < 0.2) + (rng.random() < 0.08)
        used = {model.unit_id}
        places = []
        for _attempt in range(adopters * 10):  # bounded: a tiny tree has few other units
            place = maker.place(maker.commune())
            if place.unit_id not in used:
                used.add(place.unit_id)
                places.append(place)
            if len(places) == adopters:
                break
        if not places:
            continue
        # The first adoption is of the original; later ones may learn from it instead.
        source_index = len(first)
        first.append(_adoption(rng, made, places[0], model.recognised_on, latest))
        for place in places[1:]:
            if rng.random() < 0.4:
                later.append((made, place, source_index))
            else:
                first.append(_adoption(rng, made, place, model.recognised_on, latest))
    Replication.objects.bulk_create(first, batch_size=BATCH)
    second = []
    for made, place, source_index in later:
        source = first[source_index]
        replication = _adoption(rng, made, place, source.start_date, latest)
        replication.adopted_from = source
        second.append(replication)
    Replication.objects.bulk_create(second, batch_size=BATCH)
    return len(first) + len(second)


def _adoption(rng, made: Made, place: Place, since: datetime.date, latest) -> Replication:
    start = min(since + datetime.timedelta(days=rng.randint(20, 540)), latest)
    return Replication(
        model_id=made.model.pk,
        unit_id=place.unit_id,
        title=f"{made.practice} tại {place.phrase}",
        start_date=start,
        results=rng.choice(REPLICATION_RESULTS).format(
            n=rng.randint(2, 9), pct=rng.randrange(60, 101, 5)
        ),
        created_at=datetime.datetime.combine(start, datetime.time(10), tzinfo=TZ),
    )


@transaction.atomic
def generate_models(
    *, count: int = HANOI_MODELS, recognised: int = HANOI_RECOGNISED, seed: int = 2009
) -> int:
    """Generate Hà Nội's models of 2009–2025 once; return how many were created (0 if any
    model exists already)."""
    if recognised > count or count < 0 or recognised < 0:
        raise ValueError("Need 0 ≤ recognised ≤ count.")
    if PracticeModel.objects.exists():
        return 0
    started = time.monotonic()
    rng = random.Random(seed)
    maker = ModelMaker(rng, hanoi_communes())
    fields = dict(Field.objects.filter(code__in=FIELD_WEIGHTS["commune"]).values_list("code", "pk"))
    levels = dict(RecognitionLevel.objects.values_list("code", "pk"))
    counts, wanted = _year_counts(count, recognised)
    created = replications = changes = 0
    states: Counter = Counter()
    for chunk in _chunks(maker, counts, wanted, fields, levels):
        PracticeModel.objects.bulk_create([m.model for m in chunk], batch_size=BATCH)
        history = _history(chunk)
        StatusChange.objects.bulk_create(history, batch_size=BATCH)
        replications += _replications(rng, chunk, maker)
        created += len(chunk)
        changes += len(history)
        states.update(m.model.status for m in chunk)
        reset_queries()  # with DEBUG on, Django keeps every statement: 5 MB an insert
    log_action(
        actor=None,
        action="registry.generate",
        after={
            "count": created,
            "recognised": recognised,
            "seed": seed,
            "replications": replications,
            "status_changes": changes,
            "by_year": {str(y): n for y, n in counts.items()},
            "by_status": dict(sorted(states.items())),
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    return created


# The review council of the current year, with work for it.

RUBRIC_NAME = "Tiêu chí đánh giá mô hình “Dân vận khéo” của Thành phố"
RUBRIC_ISSUER = f"vn-{HANOI_CODE}-party-dv"
RUBRIC_FROM = datetime.date(2026, 1, 1)
# DOMAIN.md §3's criteria to count; the effect and solving urgent problems weigh double.
CRITERIA = [
    ("Có tên gọi cụ thể, địa điểm rõ ràng", 1),
    ("Thuộc một lĩnh vực cụ thể", 1),
    ("Do cấp ủy, chính quyền lãnh đạo, chỉ đạo và đăng ký với cơ quan phát động", 1),
    ("Huy động được nhiều lực lượng cùng tham gia", 1),
    ("Có hiệu quả thiết thực, sức lan tỏa", 2),
    ("Được nhân dân đồng tình, ủng hộ", 1),
    ("Giải quyết được vấn đề bức xúc, cấp bách ở địa phương", 2),
    ("Được cấp có thẩm quyền ghi nhận, biểu dương", 1),
    ("Có tính bền vững và khả năng nhân rộng", 1),
]
JUDGE = ("giamkhao", "Đỗ Văn Khảo")
# The models the council reviews this year: (unit key, name, field, demo account registering).
REVIEW_MODELS = [
    ("vn-01-00004", "Mô hình “Ngõ phố văn minh, không rác thải nhựa” tại phường Ba Đình",
     "van-hoa-xa-hoi", "badinh"),
    ("vn-01-00004-h01", "Tổ tự quản an ninh trật tự tại tổ dân phố số 1, phường Ba Đình",
     "quoc-phong-an-ninh", "badinh"),
    ("vn-01-09556", "Bình dân học vụ số: mỗi hộ một người dùng thành thạo dịch vụ công trực tuyến "
     "tại phường Hà Đông", "xay-dung-dang", "hadong"),
    ("vn-01-09556-front", "Mô hình “Bữa cơm nghĩa tình” của Mặt trận phường Hà Đông",
     "van-hoa-xa-hoi", "hadong"),
    ("vn-01-00376", "Dân vận khéo trong vận động nhân dân hiến đất mở rộng đường liên thôn "
     "tại xã Sóc Sơn", "kinh-te", "thanhpho"),
    ("vn-01-00454-h01", "Camera an ninh khu dân cư tại thôn số 1, xã Đông Anh",
     "quoc-phong-an-ninh", "thanhpho"),
]  # fmt: skip


def _demo_judge(city: Unit) -> User | None:
    """The demo judge account, created once (only in DEMO_MODE)."""
    username, full_name = JUDGE
    user = User.objects.filter(username=username).first()
    if user is None:
        if not settings.DEMO_MODE:
            return None
        user = create_user(
            actor=None, username=username, password=DEMO_PASSWORD, full_name=full_name
        )
    assign_role(actor=None, user=user, role=Role.JUDGE, unit=city)
    return user


def _rubric(issuer: Unit) -> Rubric:
    rubric, created = Rubric.objects.get_or_create(
        name=RUBRIC_NAME,
        issuer=issuer,
        effective_from=RUBRIC_FROM,
        defaults={"good_threshold": Decimal(70)},
    )
    if created:
        Criterion.objects.bulk_create(
            Criterion(rubric=rubric, order=n, name=name, weight=Decimal(weight), max_score=10)
            for n, (name, weight) in enumerate(CRITERIA, start=1)
        )
    return rubric


@transaction.atomic
def seed_review_demo(year: int) -> Council:
    """The city's review council for the year, its rubric, its members (the demo board
    officer and judge) and six models of the year under review (idempotent)."""
    city = Unit.objects.get(key=f"vn-{HANOI_CODE}")
    issuer = Unit.objects.filter(key=RUBRIC_ISSUER).first() or city
    rubric = _rubric(issuer)
    # The council reviews the whole city's models: its scope is the city, not the board.
    council, _created = Council.objects.get_or_create(
        name=f"Hội đồng đánh giá mô hình “Dân vận khéo” năm {year}",
        year=year,
        unit=city,
        defaults={"rubric": rubric},
    )
    members = [User.objects.filter(username="thanhpho").first(), _demo_judge(city)]
    council.members.add(*[m for m in members if m is not None])
    fields = {f.code: f for f in Field.objects.all()}
    for n, (key, name, field_code, username) in enumerate(REVIEW_MODELS, start=1):
        external_id = f"demo-review-{year}-{n}"
        if PracticeModel.objects.filter(external_id=external_id).exists():
            continue
        unit = (
            Unit.objects.filter(key=key).first()
            or Unit.objects.filter(key=key.rsplit("-", 1)[0]).first()
        )
        if unit is None:
            continue
        actor = User.objects.filter(username=username).first()
        if actor is not None and not actor.reaches(unit):
            actor = None
        model = services.register_model(
            actor=actor,
            name=name,
            field=fields[field_code],
            unit=unit,
            year=year,
            external_id=external_id,
            situation="Địa phương còn nhiều việc nhân dân quan tâm, cần cách làm mới.",
            goals=f"Đến hết năm {year}: 90% hộ dân tham gia, ký cam kết thực hiện.",
            content="Họp dân bàn bạc dân chủ; cán bộ, đảng viên đi trước; sơ kết 6 tháng.",
            forces=FORCES[n % len(FORCES)],
            start_date=datetime.date(year, 3, n * 3),
            review_date=datetime.date(year, 11, 15),
        )
        services.launch_model(actor=actor, model=model, note="Ra mắt, ký cam kết")
        services.start_review(actor=actor, model=model, note=str(council))
    return council


def load_registry_demo(*, year: int, seed: int = 2009) -> tuple[int, Council]:
    """The registry part of the demo: the article's totals, six of them under review now."""
    generated = generate_models(
        count=HANOI_MODELS - len(REVIEW_MODELS), recognised=HANOI_RECOGNISED, seed=seed
    )
    return generated, seed_review_demo(year)
