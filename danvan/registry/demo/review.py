"""The registry's demo review council of the current year, its rubric and members, and six
models of the year under review (idempotent)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from danvan.accounts.demo import DEMO_PASSWORD
from danvan.accounts.models import Role, User
from danvan.accounts.services import assign_role, create_user
from danvan.organisations.models import Unit
from danvan.organisations.national import HANOI_CODE
from danvan.registry import services
from danvan.registry.demo.words import FORCES
from danvan.registry.models import Council, Criterion, Field, PracticeModel, Rubric

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
