"""The Hà Nội demo's periodic reporting: the city's annual report of last year (sent in and
accepted for most communes, a few late or returned for correction, Ba Đình's waiting for the
city's review). Idempotent: what exists already is left as it is."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from danvan.accounts.models import User
from danvan.lib.metrics import METRICS
from danvan.organisations.models import Unit
from danvan.reports import services
from danvan.reports.models import Report, ReportTemplate

CITY_KEY = "vn-01"
COMMUNE_KEY = "vn-01-00004"  # Phường Ba Đình, whose clerk is the demo's "badinh"
TEMPLATE_NAME = "Báo cáo kết quả công tác dân vận năm"
ASSESSMENT = "assessment"
TEMPLATE_FIELDS = [
    *(
        {"code": code, "label": str(metric.label), "type": "number", "metric": code}
        for code, metric in METRICS.items()
    ),
    {"code": "hoi_nghi_doi_thoai", "label": "Số hội nghị đối thoại với Nhân dân", "type": "number"},
    {"code": ASSESSMENT, "label": "Đánh giá chung, kiến nghị", "type": "text"},
]
BA_DINH_ASSESSMENT = (
    "Cấp ủy, chính quyền và Mặt trận phường phối hợp chặt chẽ; phong trào “Dân vận khéo” "
    "được triển khai ở tất cả các tổ dân phố. Phản ánh của người dân cơ bản được trả lời "
    "đúng hạn. Kiến nghị Thành phố tiếp tục bồi dưỡng nghiệp vụ cho cán bộ cơ sở."
)
COMMUNE_ASSESSMENT = (
    "các chỉ tiêu công tác dân vận năm cơ bản hoàn thành; tiếp tục nhân rộng các mô hình "
    "“Dân vận khéo” có hiệu quả ở tổ dân phố, thôn."
)
RETURN_NOTE = "Đề nghị bổ sung số hội nghị đối thoại và đánh giá cụ thể hơn kết quả từng mặt."


@dataclass
class Loaded:
    reports: int = 0


def load(*, progress, year: int) -> str:
    """Open last year's annual report, once."""
    loaded = load_reports_demo(year)
    return f"{loaded.reports} reports opened"


def load_reports_demo(year: int) -> Loaded:
    loaded = Loaded()
    city = Unit.objects.get(key=CITY_KEY)
    officer = User.objects.get(username="thanhpho")
    clerk = User.objects.get(username="badinh")
    with transaction.atomic():
        loaded.reports = _annual_report(city, officer, clerk, year - 1)
    return loaded


def _annual_report(city: Unit, officer: User, clerk: User, year: int) -> int:
    template, _created = ReportTemplate.objects.get_or_create(
        name=TEMPLATE_NAME,
        owner=city,
        defaults={
            "frequency": ReportTemplate.Frequency.ANNUAL,
            "due_days": 15,
            "fields": TEMPLATE_FIELDS,
        },
    )
    start = datetime.date(year, 1, 1)
    if Report.objects.filter(template=template, period_start=start).exists():
        return 0
    opened = services.open_period(actor=officer, template=template, period_start=start)
    for i, report in enumerate(sorted(opened, key=lambda r: r.unit.path)):
        if report.unit.key == COMMUNE_KEY:  # sent in by its clerk, waiting for the city
            services.submit_report(
                actor=clerk, report=report, values=_filled(report, BA_DINH_ASSESSMENT, 4)
            )
            continue
        if i % 18 == 5:  # a few communes have not sent theirs: late
            continue
        text = f"{report.unit.name}: {COMMUNE_ASSESSMENT}"
        report = services.submit_report(
            actor=None, report=report, values=_filled(report, text, 2 + i % 4)
        )
        if i % 40 == 7:
            services.return_report(actor=officer, report=report, note=RETURN_NOTE)
        else:
            services.accept_report(actor=officer, report=report)
    return len(opened)


def _filled(report: Report, assessment: str, meetings: int) -> dict:
    values = {ASSESSMENT: assessment, "hoi_nghi_doi_thoai": str(meetings)}
    # A rate of nothing (no case answered) cannot be computed: the ward writes 0.
    values.update({code: "0" for code in METRICS if report.values.get(code) in (None, "")})
    return values
