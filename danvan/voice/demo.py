"""Demo cases for the citizen's voice: 20,000 for the demo (`load`), a million for the
benchmark, over five years in Hà Nội's communes.

Each case lies in one of the city's current communes and is handled by that commune's
people's committee ("<commune key>-state"). Kinds, topics, channels, the growth of the
volume over the years and the handling times are drawn with a seeded generator; a case's
state follows from its age: old cases are answered and closed (a few rejected or forwarded
to another body), recent ones are still open with a running clock, and some of those are
overdue. About 65 % of the rated answers are rated satisfied, as iHanoi reports.

Tracking codes come from `new_tracking_code` (random, not seeded): everything else is the
same for the same seed and the same day.

The rows are written with bulk_create in chunks of 10,000, each chunk in its own
transaction, so memory stays flat whatever the count. Nothing is generated when any case
exists already (an interrupted run leaves its committed chunks: empty the cases to start
again).
"""

import datetime
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import reset_queries, transaction
from django.utils import timezone

from danvan.core.workdays import WorkCalendar
from danvan.lib.sampling import allocate, pick, weighted
from danvan.organisations.demo import hanoi_communes as current_communes
from danvan.organisations.demo import in_sentence
from danvan.organisations.models import Unit, UnitKind
from danvan.voice import services
from danvan.voice.deadlines import deadline_for, find_limitation, limitation_end
from danvan.voice.models import (
    Case,
    CaseEvent,
    Category,
    Channel,
    ClockEvent,
    DeadlineRule,
    InformationReason,
    InformationUse,
    Kind,
    LimitationOutcome,
    ReceptionSchedule,
    RejectionReason,
    Status,
    Urgency,
    new_tracking_code,
)

CASES = 1_000_000  # the benchmark's
DEMO_CASES = 20_000  # `manage.py load_demo`'s
YEARS = 5
CHUNK = 10_000
BATCH = 1000  # rows per INSERT statement
SEED = 2021
# The daily volume grows linearly: the last day receives GROWTH + 1 times the first.
GROWTH = 1.5
SATISFIED_SHARE = 0.65  # of the rated answers (iHanoi)
RATED_SHARE = 0.45  # of the answered cases
REOPEN_WINDOW_DAYS = 15  # VoiceSettings' default: answered cases close after it

KIND_SHARES = [
    (Kind.FEEDBACK, 68),
    (Kind.RECOMMENDATION, 22),
    (Kind.COMPLAINT, 4.5),
    (Kind.DENUNCIATION, 1.5),
    (Kind.RECEPTION, 4),
]
CHANNEL_SHARES = {
    Kind.FEEDBACK: [
        (Channel.PORTAL, 45),
        (Channel.OPEN311, 35),
        (Channel.PHONE, 15),
        (Channel.LETTER, 5),
    ],
    Kind.RECOMMENDATION: [
        (Channel.PORTAL, 45),
        (Channel.OPEN311, 25),
        (Channel.PHONE, 10),
        (Channel.LETTER, 20),
    ],
    Kind.COMPLAINT: [(Channel.LETTER, 55), (Channel.VISIT, 25), (Channel.PORTAL, 20)],
    Kind.DENUNCIATION: [(Channel.LETTER, 60), (Channel.VISIT, 20), (Channel.PORTAL, 20)],
    Kind.RECEPTION: [(Channel.VISIT, 1)],
}
CATEGORY_SHARES = [
    ("moi-truong", 22),
    ("trat-tu-do-thi", 18),
    ("giao-thong", 14),
    ("dien-nuoc", 10),
    ("an-ninh-trat-tu", 7),
    ("dat-dai-xay-dung", 11),
    ("y-te-giao-duc", 5),
    ("an-sinh-xa-hoi", 6),
    ("thu-tuc-hanh-chinh", 5),
    ("khac", 2),
]
# Short titles per topic; {place} is a street, an alley or a hamlet of the commune.
TITLES = {
    "moi-truong": [
        "Rác thải tồn đọng tại {place}",
        "Đốt rác gây khói tại {place}",
        "Cống thoát nước bốc mùi tại {place}",
        "Xả nước thải ra mương tại {place}",
        "Tiếng ồn từ xưởng sản xuất tại {place}",
        "Cây xanh gãy đổ tại {place}",
    ],
    "trat-tu-do-thi": [
        "Lấn chiếm vỉa hè tại {place}",
        "Họp chợ tạm lấn đường tại {place}",
        "Quảng cáo rao vặt trái phép tại {place}",
        "Trông giữ xe trái phép tại {place}",
        "Đổ phế thải xây dựng tại {place}",
    ],
    "giao-thong": [
        "Mặt đường hư hỏng, ổ gà tại {place}",
        "Đèn tín hiệu giao thông hỏng tại {place}",
        "Nắp hố ga bị vỡ tại {place}",
        "Ùn tắc giao thông giờ cao điểm tại {place}",
        "Xe tải chạy vào giờ cấm tại {place}",
    ],
    "dien-nuoc": [
        "Đèn chiếu sáng công cộng không sáng tại {place}",
        "Mất nước sinh hoạt kéo dài tại {place}",
        "Nước sinh hoạt đục, có mùi tại {place}",
        "Dây điện, cáp viễn thông chằng chịt tại {place}",
        "Mất điện nhiều lần trong tuần tại {place}",
    ],
    "an-ninh-trat-tu": [
        "Tụ tập gây mất trật tự ban đêm tại {place}",
        "Đua xe trái phép tại {place}",
        "Kinh doanh karaoke quá giờ tại {place}",
        "Nghi vấn tụ điểm cờ bạc tại {place}",
    ],
    "dat-dai-xay-dung": [
        "Xây dựng không phép tại {place}",
        "Công trình gây lún nứt nhà liền kề tại {place}",
        "Lấn chiếm đất công tại {place}",
        "Chậm cấp giấy chứng nhận quyền sử dụng đất tại {place}",
        "Bồi thường giải phóng mặt bằng chưa thỏa đáng tại {place}",
    ],
    "y-te-giao-duc": [
        "Thu các khoản ngoài quy định tại trường học gần {place}",
        "Cơ sở thực phẩm không bảo đảm vệ sinh tại {place}",
        "Phun thuốc phòng sốt xuất huyết tại {place}",
        "Thiếu chỗ học mầm non cho trẻ tại {place}",
    ],
    "an-sinh-xa-hoi": [
        "Chậm chi trả trợ cấp người cao tuổi tại {place}",
        "Xét hộ nghèo chưa đúng đối tượng tại {place}",
        "Đề nghị hỗ trợ người có hoàn cảnh khó khăn tại {place}",
        "Chậm giải quyết chế độ người có công tại {place}",
    ],
    "thu-tuc-hanh-chinh": [
        "Thái độ cán bộ một cửa chưa đúng mực",
        "Hồ sơ chứng thực bị trả lại nhiều lần",
        "Chậm giải quyết hồ sơ đăng ký hộ tịch",
        "Dịch vụ công trực tuyến báo lỗi khi nộp hồ sơ",
    ],
    "khac": [
        "Đề nghị lắp đặt thiết bị tập thể dục tại {place}",
        "Góp ý về hoạt động của tổ dân phố tại {place}",
        "Đề nghị đặt tên ngõ tại {place}",
    ],
}
COMPLAINT_TITLES = [
    "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "Khiếu nại việc thu hồi đất tại {place}",
    "Khiếu nại quyết định cưỡng chế công trình tại {place}",
    "Khiếu nại việc không cấp giấy phép xây dựng",
]
DENUNCIATION_TITLES = [
    "Tố cáo cán bộ có dấu hiệu nhũng nhiễu khi giải quyết hồ sơ",
    "Tố cáo việc sử dụng đất công sai mục đích tại {place}",
    "Tố cáo sai phạm trong quản lý quỹ tại {place}",
]
RECEPTION_TITLES = [
    "Công dân đến trình bày về {topic}",
    "Tiếp công dân định kỳ: ý kiến về {topic}",
]
CATEGORY_SHARES_NAMES = [
    ("moi-truong", "vệ sinh môi trường"),
    ("trat-tu-do-thi", "trật tự đô thị"),
    ("giao-thong", "hạ tầng giao thông"),
    ("dien-nuoc", "điện, nước sinh hoạt"),
    ("an-ninh-trat-tu", "an ninh trật tự"),
    ("dat-dai-xay-dung", "đất đai, xây dựng"),
    ("y-te-giao-duc", "y tế, giáo dục"),
    ("an-sinh-xa-hoi", "chế độ chính sách"),
    ("thu-tuc-hanh-chinh", "thủ tục hành chính"),
    ("khac", "đời sống dân sinh"),
]
STREETS = [
    "Ngõ {n} phố Trần Phú",
    "Ngõ {n} đường Nguyễn Trãi",
    "Số {n} phố Lê Lợi",
    "Ngõ {n} đường Láng",
    "Số {n} phố Quang Trung",
    "Ngách {n} ngõ Văn Chương",
    "Số {n} đường Phạm Văn Đồng",
    "Ngõ {n} phố Minh Khai",
    "Số {n} đường Giải Phóng",
    "Ngõ {n} đường Hoàng Quốc Việt",
]
OUTSIDE_BODIES = [
    "Tòa án nhân dân khu vực",
    "Công an thành phố Hà Nội",
    "Sở Xây dựng Hà Nội",
    "Sở Nông nghiệp và Môi trường Hà Nội",
    "Công ty Điện lực Hà Nội",
    "Công ty Nước sạch Hà Nội",
]
ANSWERS = [
    "Ủy ban đã kiểm tra thực tế và chỉ đạo khắc phục; sự việc đã được xử lý xong.",
    "Đã phối hợp với đơn vị chức năng xử lý dứt điểm theo quy định.",
    "Đã lập biên bản, xử phạt vi phạm hành chính và yêu cầu khôi phục hiện trạng.",
    "Nội dung phản ánh đã được tiếp thu, đưa vào kế hoạch thực hiện trong quý tới.",
    "Đã trả lời, hướng dẫn công dân thực hiện thủ tục theo quy định.",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Đức", "Thu Hà", "Quốc Hùng"]
# Hours of the day when cases arrive (portal and apps day and night, most in office hours).
HOUR_WEIGHTS = [0.3] * 6 + [1, 3, 8, 10, 10, 8, 4, 5, 8, 9, 8, 6, 4, 4, 4, 3, 2, 1]
OFFICE_HOURS = [8, 9, 10, 11, 14, 15, 16]
WEEKDAY_WEIGHTS = [1.0, 1.0, 1.0, 1.0, 0.95, 0.55, 0.4]
# Median hours from receipt to the answer, by kind; lognormal spread.
MEDIAN_HOURS: dict[str, int] = {
    Kind.FEEDBACK: 70,
    Kind.RECOMMENDATION: 120,
    Kind.COMPLAINT: 500,
    Kind.DENUNCIATION: 700,
    Kind.RECEPTION: 150,
}
HOURS_SIGMA = 1.0
# Roughly the legal limits in calendar hours (acceptance plus handling), for lateness.
LIMIT_HOURS: dict[str, int] = {
    Kind.FEEDBACK: 15 * 24,
    Kind.RECOMMENDATION: 15 * 24,
    Kind.COMPLAINT: 40 * 24,
    Kind.DENUNCIATION: 40 * 24,
    Kind.RECEPTION: 15 * 24,
}
CITIZEN_KINDS = (Kind.FEEDBACK, Kind.RECOMMENDATION)
# Complaints filed long after the complainant knew of the decision (past the 90 days).
LATE_COMPLAINT_SHARE = 0.05
DELAY_REASONS = [
    "Tôi đi làm ăn xa, không nhận được thông báo.",
    "Gia đình có người ốm nặng, không thu xếp được thời gian.",
    "Không biết thời hạn khiếu nại.",
]
ACCEPTED_DELAYS = [
    "Công dân nằm viện, có giấy ra viện xác nhận; thời gian điều trị không tính vào thời hiệu.",
    "Công dân đi lao động ở nước ngoài, có xác nhận của doanh nghiệp.",
]
PUBLIC_CHANNELS = (Channel.PORTAL, Channel.OPEN311)


@dataclass
class Commune:
    unit: Unit
    committee: Unit  # its people's committee: the responsible unit
    phrase: str  # "phường Ba Đình"
    hamlet_label: str  # "tổ dân phố" or "thôn"


def hanoi_communes() -> list[Commune]:
    """Hà Nội's current communes that have a people's committee, in order of code."""
    units = current_communes()
    committees = {
        u.key: u
        for u in Unit.objects.filter(
            key__in=[f"{u.key}-state" for u in units], kind=UnitKind.PEOPLES_COMMITTEE
        )
    }
    communes = []
    for unit in units:
        committee = committees.get(f"{unit.key}-state")
        if committee is None:
            continue
        phrase = in_sentence(unit.name)
        label = "tổ dân phố" if unit.name.startswith("Phường") else "thôn"
        communes.append(Commune(unit, committee, phrase, label))
    if not communes:
        raise ValueError("Hà Nội has no current communes with a people's committee.")
    return communes


class CaseMaker:
    """Draw the parts of one case with a seeded generator."""

    def __init__(self, rng: random.Random, communes: list[Commune], now: datetime.datetime):
        self.rng = rng
        self.now = now
        # Urban wards receive far more than rural communes.
        self.communes = weighted((c, rng.lognormvariate(0, 0.6)) for c in communes)
        self.kinds = weighted(KIND_SHARES)
        self.channels = {kind: weighted(pairs) for kind, pairs in CHANNEL_SHARES.items()}
        categories = dict(Category.objects.values_list("code", "pk"))
        self.categories = weighted(
            (code, weight) for code, weight in CATEGORY_SHARES if code in categories
        )
        self.category_ids = categories
        if not self.categories[0]:
            raise ValueError("No voice categories: run the migrations first.")
        self.reasons = list(
            RejectionReason.objects.filter(time_barred=False).values_list("pk", flat=True)
        )
        self.hours = weighted(enumerate(HOUR_WEIGHTS))
        self.rules = _rules_in_force()
        self.calendar = WorkCalendar.from_db()
        self.limitation = find_limitation(Kind.COMPLAINT, None, timezone.localdate(now))
        self.time_barred_reason = (
            RejectionReason.objects.filter(time_barred=True).values_list("pk", flat=True).first()
        )

    def pick(self, choices):
        return pick(self.rng, choices)

    def commune(self) -> Commune:
        return self.pick(self.communes)

    def moment(self, day: datetime.date, channel: str) -> datetime.datetime:
        rng = self.rng
        if channel in (Channel.VISIT, Channel.LETTER):
            hour = rng.choice(OFFICE_HOURS)
        else:
            hour = self.pick(self.hours)
        tz = timezone.get_current_timezone()
        moment = datetime.datetime.combine(
            day, datetime.time(hour, rng.randrange(60), rng.randrange(60)), tz
        )
        if moment >= self.now:  # today: only what has arrived so far
            moment = self.now - datetime.timedelta(seconds=rng.randrange(1, 4 * 3600))
        return moment

    def place(self, commune: Commune) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            return f"{commune.hamlet_label} số {rng.randint(1, 12)}, {commune.phrase}"
        return f"{rng.choice(STREETS).format(n=rng.randint(2, 250))}, {commune.phrase}"

    def title(self, kind: str, category: str, place: str) -> str:
        rng = self.rng
        if kind == Kind.COMPLAINT:
            template = rng.choice(COMPLAINT_TITLES)
        elif kind == Kind.DENUNCIATION:
            template = rng.choice(DENUNCIATION_TITLES)
        elif kind == Kind.RECEPTION:
            topic = dict(CATEGORY_SHARES_NAMES).get(category, "đời sống dân sinh")
            template = rng.choice(RECEPTION_TITLES).replace("{topic}", topic)
        else:
            template = rng.choice(TITLES[category])
        # The title names the street or hamlet; the commune is a column of its own.
        return template.format(place=place.split(",")[0])[:200]

    def person(self) -> str:
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def case(self, day: datetime.date) -> tuple[Case, str]:
        """One case received on a day, in the state its age gives it; and its first note."""
        rng = self.rng
        kind = self.pick(self.kinds)
        channel = self.pick(self.channels[kind])
        category = self.pick(self.categories)
        commune = self.commune()
        received = self.moment(day, channel)
        address = self.place(commune)
        title = self.title(kind, category, address)
        urgency = Urgency.NORMAL
        roll = rng.random()
        if kind in CITIZEN_KINDS and roll < 0.04:
            urgency = Urgency.URGENT
        elif roll < 0.14:
            urgency = Urgency.COMPLEX
        elif kind == Kind.DENUNCIATION and roll < 0.18:
            urgency = Urgency.VERY_COMPLEX
        case = Case(
            code=new_tracking_code(),
            kind=kind,
            urgency=urgency,
            channel=channel,
            category_id=self.category_ids[category],
            title=title,
            description=(
                f"{title}. Đề nghị {commune.committee.name} kiểm tra, xử lý."
                if kind != Kind.RECEPTION
                else f"{title}. Nội dung đã ghi vào sổ tiếp công dân."
            ),
            commune_id=commune.unit.pk,
            address=address if kind != Kind.RECEPTION else "",
            responsible_id=commune.committee.pk,
            responsible_path=commune.committee.path,
            received_at=received,
        )
        lat, lon = commune.unit.latitude, commune.unit.longitude
        if channel in PUBLIC_CHANNELS and lat is not None and lon is not None:
            case.latitude = round(lat + rng.uniform(-0.01, 0.01), 6)
            case.longitude = round(lon + rng.uniform(-0.01, 0.01), 6)
        if kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
            # A complaint names its complainant (fake names, with consent); a quarter of
            # denunciations are anonymous and kept as information (Luật Tố cáo, Điều 25).
            if kind == Kind.COMPLAINT or rng.random() < 0.75:
                case.reporter_name = self.person()
                case.reporter_address = address
                case.reporter_phone = f"09{rng.randrange(10**8):08d}"
                case.consent = True
            else:
                case.kind, case.filed_as = Kind.INFORMATION, Kind.DENUNCIATION
                case.information_reason = InformationReason.ANONYMOUS
            if kind == Kind.COMPLAINT:
                self._complaint(case, commune)
            else:
                case.person_denounced = "Cán bộ " + commune.committee.name
        self._life(case)
        case.refresh_search_text()
        note = f"Đã tiếp nhận và chuyển {commune.committee.name}."
        return case, note

    def _complaint(self, case: Case, commune: Commune) -> None:
        """The decision complained about and when the complainant knew of it: most within
        the limitation period, a few long after it."""
        rng = self.rng
        received = timezone.localdate(case.received_at)
        case.decision_complained = "Quyết định của Ủy ban nhân dân " + commune.phrase
        late = rng.random() < LATE_COMPLAINT_SHARE
        known = received - datetime.timedelta(
            days=rng.randint(100, 300) if late else rng.randint(3, 80)
        )
        case.decision_known_on = known
        case.decision_date = known - datetime.timedelta(days=rng.randint(0, 10))
        if self.limitation is not None:
            case.limitation_rule = self.limitation
            case.limitation_ends = limitation_end(self.limitation, known, (), self.calendar)
            case.time_barred = received > case.limitation_ends
            if case.time_barred:
                case.delay_reason = rng.choice(DELAY_REASONS)

    def _information(self, case: Case) -> None:
        """Information kept from an anonymous denunciation: reviewed within its own period,
        then used for a check or kept for reference; never accepted, answered or escalated."""
        rng = self.rng
        reviewed = case.received_at + datetime.timedelta(
            hours=rng.lognormvariate(math.log(60), 0.8)
        )
        if reviewed <= self.now:
            case.status = Status.CLOSED
            case.closed_at = reviewed
            case.information_use = (
                InformationUse.CHECK if rng.random() < 0.35 else InformationUse.FILED
            )
            return
        case.status = Status.RECEIVED
        self._clock(case, DeadlineRule.Step.HANDLE, case.received_at, ClockEvent.RECEIPT)

    def _life(self, case: Case) -> None:
        """Set the case's state from its age: what happened to it so far."""
        if case.kind == Kind.INFORMATION:
            self._information(case)
            return
        rng = self.rng
        now = self.now
        received = case.received_at
        # Acceptance: a few working hours, now and then days.
        accept_hours = rng.lognormvariate(math.log(5), 0.9)
        accepted = received + datetime.timedelta(hours=accept_hours)
        fate = rng.random()
        if case.time_barred and accepted <= now:
            if fate < 0.7:  # refused with the legal template, the dates stated
                case.status = Status.REJECTED
                case.rejection_reason_id = self.time_barred_reason
                case.limitation_outcome = LimitationOutcome.REJECTED
                case.closed_at = accepted
                return
            case.limitation_outcome = LimitationOutcome.ACCEPTED
            case.limitation_note = rng.choice(ACCEPTED_DELAYS)
        if fate < 0.035 and accepted <= now:
            case.status = Status.REJECTED
            case.rejection_reason_id = rng.choice(self.reasons) if self.reasons else None
            case.closed_at = accepted
            return
        if fate < 0.06 and accepted <= now:
            case.status = Status.FORWARDED
            case.forwarded_to_name = rng.choice(OUTSIDE_BODIES)
            case.forwarded_late = accept_hours > 5 * 24
            case.closed_at = accepted
            return
        hours = rng.lognormvariate(math.log(MEDIAN_HOURS[case.kind]), HOURS_SIGMA)
        hours = max(hours, accept_hours + rng.uniform(0.5, 8))
        if case.urgency == Urgency.URGENT:
            hours = min(hours, accept_hours + rng.lognormvariate(math.log(6), 0.8))
        limit = LIMIT_HOURS[case.kind] * (2 if case.urgency != Urgency.NORMAL else 1)
        answered = received + datetime.timedelta(hours=hours)
        accepted_late = accept_hours > 30
        if accepted <= now:
            case.accepted_at = accepted
            case.accepted_late = accepted_late
        if answered > now:
            self._open(case)
            return
        case.answered_at = answered
        case.answered_late = hours > limit or accepted_late
        case.answer = rng.choice(ANSWERS)
        if rng.random() < RATED_SHARE:
            case.rated_at = answered + datetime.timedelta(hours=rng.uniform(2, 240))
            if case.rated_at > now:
                case.rated_at = None
            else:
                case.satisfied = rng.random() < SATISFIED_SHARE
                if not case.satisfied and rng.random() < 0.25:
                    # Reopened once, answered again: the handling time counts to the last answer.
                    case.reopened_count = 1
                    extra = rng.lognormvariate(math.log(72), 0.8)
                    case.answered_at = case.rated_at + datetime.timedelta(hours=extra)
                    if case.answered_at > now:
                        case.answered_at = None
                        case.answer = ""
                        self._open(case, restarted=case.rated_at)
                        return
                    hours = (case.answered_at - received).total_seconds() / 3600
        case.handling_hours = round(hours, 2)
        closes = case.answered_at + datetime.timedelta(days=REOPEN_WINDOW_DAYS)
        if case.satisfied and case.rated_at and case.rated_at >= case.answered_at:
            closes = case.rated_at
        if closes <= now:
            case.status = Status.CLOSED
            case.closed_at = closes
        else:
            case.status = Status.ANSWERED

    def rule(self, kind: str, urgency: str, step: str) -> DeadlineRule | None:
        return self.rules.get((kind, urgency, step)) or self.rules.get((kind, "", step))

    def _clock(
        self, case: Case, step: str, start: datetime.datetime | None, event: str
    ) -> DeadlineRule | None:
        """Run a step's clock from `start` (the event its rule counts from)."""
        rule = self.rule(case.kind, case.urgency, step)
        if rule is None or start is None:
            return None
        case.deadline_step = step
        case.deadline_rule = rule
        case.deadline_start, case.deadline_start_event = start, event
        case.deadline = deadline_for(rule, start, self.calendar)
        case.overdue = case.deadline < self.now
        return rule

    def _start(self, case: Case, rule_start: str) -> tuple[datetime.datetime | None, str]:
        """The moment and event a rule counting from `rule_start` starts at on this case."""
        if rule_start == DeadlineRule.Start.ACCEPTANCE:
            return case.accepted_at, ClockEvent.ACCEPTANCE
        return case.received_at, ClockEvent.RECEIPT

    def _open(self, case: Case, restarted: datetime.datetime | None = None) -> None:
        """A case not answered yet: its current step, deadlines and whether it is overdue."""
        step = DeadlineRule.Step
        if case.accepted_at is None:
            case.status = Status.RECEIVED
            accept = self.rule(case.kind, case.urgency, step.ACCEPT)
            if accept is not None:
                self._clock(case, step.ACCEPT, *self._start(case, accept.starts_from))
            else:  # a reply that runs from receipt (a reception)
                handle = self.rule(case.kind, case.urgency, step.HANDLE)
                if handle is not None and handle.starts_from == DeadlineRule.Start.RECEIPT:
                    self._clock(case, step.HANDLE, case.received_at, ClockEvent.RECEIPT)
            forward = self.rule(case.kind, case.urgency, step.FORWARD)
            if forward is not None:
                start, event = self._start(case, forward.starts_from)
                if start is not None:
                    case.forward_rule = forward
                    case.forward_start, case.forward_start_event = start, event
                    case.forward_deadline = deadline_for(forward, start, self.calendar)
                    case.forward_overdue = case.forward_deadline < self.now
            return
        in_progress = restarted is not None or self.rng.random() < 0.6
        case.status = Status.IN_PROGRESS if in_progress else Status.ACCEPTED
        if restarted is not None:
            self._clock(case, step.HANDLE, restarted, ClockEvent.REOPENING)
            return
        handle = self.rule(case.kind, case.urgency, step.HANDLE)
        if handle is not None:
            self._clock(case, step.HANDLE, *self._start(case, handle.starts_from))


def _rules_in_force() -> dict[tuple[str, str, str], DeadlineRule]:
    """The deadline rules in force today by (kind, urgency, step)."""
    rules = {}
    for rule in DeadlineRule.objects.in_force().order_by("effective_from"):
        rules[(rule.kind, rule.urgency, rule.step)] = rule  # the latest wins
    return rules


def day_counts(count: int, years: int, today: datetime.date, rng: random.Random):
    """How many cases each day of the period receives: growth, weekdays, some noise."""
    start = today.replace(year=today.year - years) + datetime.timedelta(days=1)
    days = [start + datetime.timedelta(days=i) for i in range((today - start).days + 1)]
    last = max(len(days) - 1, 1)
    weights = [
        (1 + GROWTH * i / last) * WEEKDAY_WEIGHTS[day.weekday()] * rng.uniform(0.85, 1.15)
        for i, day in enumerate(days)
    ]
    if days:
        weights[-1] *= 0.5  # today is not over
    return list(zip(days, allocate(count, dict(enumerate(weights))).values(), strict=True))


def _chunks(maker: CaseMaker, counts, size: int) -> Iterator[list[tuple[Case, str]]]:
    chunk: list[tuple[Case, str]] = []
    for day, n in counts:
        made = sorted((maker.case(day) for _ in range(n)), key=lambda pair: pair[0].received_at)
        for pair in made:
            chunk.append(pair)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _unique_codes(cases: list[Case]) -> int:
    """Give a new code to any case whose code repeats in the chunk or is taken; return how many."""
    redrawn = 0
    seen: set[str] = set()
    for case in cases:
        while case.code in seen:
            case.code = new_tracking_code()
            redrawn += 1
        seen.add(case.code)
    codes = [case.code for case in cases]
    taken: set[str] = set()
    for i in range(0, len(codes), 900):
        taken.update(
            Case.objects.filter(code__in=codes[i : i + 900]).values_list("code", flat=True)
        )
    for case in cases:
        if case.code in taken:
            while case.code in seen or case.code in taken:
                case.code = new_tracking_code()
            seen.add(case.code)
            redrawn += 1
    return redrawn


@dataclass
class Generated:
    cases: int = 0
    events: int = 0
    seconds: float = 0.0
    redrawn_codes: int = 0


def generate_cases(
    count: int = CASES,
    years: int = YEARS,
    seed: int = SEED,
    *,
    events: bool = True,
    chunk: int = CHUNK,
    progress=None,
) -> Generated:
    """Generate `count` cases over the last `years` years, once (nothing if any case exists).

    events: one public "submit" event per case (the first line of its tracking page's
    history); without it the cases have no history at all. progress(done, total) is called
    after each chunk.
    """
    if count < 0 or years < 1 or chunk < 1:
        raise ValueError("Need count ≥ 0, years ≥ 1 and chunk ≥ 1.")
    result = Generated()
    if Case.objects.exists() or count == 0:
        return result
    started = time.monotonic()
    rng = random.Random(seed)
    now = timezone.now()
    maker = CaseMaker(rng, hanoi_communes(), now)
    counts = day_counts(count, years, timezone.localdate(now), rng)
    for part in _chunks(maker, counts, chunk):
        cases = [case for case, _note in part]
        result.redrawn_codes += _unique_codes(cases)
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=BATCH)
            if events:
                CaseEvent.objects.bulk_create(
                    [
                        CaseEvent(
                            case_id=case.pk,
                            at=case.received_at,
                            action="submit",
                            to_status=Status.RECEIVED,
                            public_note=note,
                            unit_id=case.responsible_id,
                        )
                        for case, note in part
                    ],
                    batch_size=BATCH,
                )
                result.events += len(part)
        result.cases += len(cases)
        reset_queries()  # with DEBUG on, Django would keep every statement
        if progress is not None:
            progress(result.cases, count)
    result.seconds = round(time.monotonic() - started, 1)
    return result


def load(*, progress, seed: int = SEED, scale: float = 1.0) -> str:
    """Generate DEMO_CASES cases (a `scale` of them) over five years, once; and the examples
    of intake by the letter of the law that are missing."""
    if Case.objects.exists():
        said = f"{Case.objects.count():,} cases there already: none generated"
    else:
        made = generate_cases(
            round(DEMO_CASES * scale),
            seed=seed,
            progress=lambda done, total: progress(f"{done:,} / {total:,} cases"),
        )
        said = f"{made.cases:,} cases generated"
    examples = load_law_examples()
    schedules = load_reception_schedules()
    services.mark_overdue()
    return (
        f"{said}; {examples} examples of intake by the law; {schedules} reception days; "
        f"{_train_categories()}"
    )


def load_reception_schedules() -> int:
    """Each people's committee's weekly reception day (the chair receives citizens at the
    committee's seat, Luật Tiếp công dân: at least one day a week); once."""
    if ReceptionSchedule.objects.exists():
        return 0
    rows = [
        ReceptionSchedule(
            unit=commune.committee,
            weekday=int(commune.unit.code or 0) % 5,  # a working day, Monday to Friday
            place=f"Trụ sở Ủy ban nhân dân {commune.phrase}",
            host=f"Chủ tịch Ủy ban nhân dân {commune.phrase}",
        )
        for commune in hanoi_communes()
    ]
    ReceptionSchedule.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# The category classifier of the demo learns from the newest cases only: `make run` stays quick.
DEMO_TRAINING_CASES = 1500


def _train_categories() -> str:
    """Train the case-category classifier on the demo's cases (the portal's hint)."""
    from danvan.voice.categories import train_categories

    started = time.monotonic()
    try:
        row = train_categories(limit=DEMO_TRAINING_CASES)
    except ValueError:
        return "too few cases to train the category classifier"
    return (
        f"category classifier: accuracy {row.accuracy} on {row.n_samples:,} cases "
        f"({time.monotonic() - started:.1f} s)"
    )


# Intake by the letter of the law: a few cases of Phường Ba Đình, through the services.

LAW_COMMUNE = "vn-01-00004"  # Phường Ba Đình, whose clerk is the demo login "badinh"


def _days_ago(days: int, hour: int = 9) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    day = timezone.localdate() - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 15), tz)


def _law_examples() -> list[tuple[str, dict, list]]:
    """(title, arguments of submit_case, then the steps to take) of each example."""
    today = timezone.localdate()
    known_long_ago = today - datetime.timedelta(days=160)
    person = {
        "reporter_name": "Nguyễn Văn Hùng",
        "reporter_phone": "0912345678",
        "reporter_address": "Số 12 ngõ 40 phố Đội Cấn, phường Ba Đình",
        "consent": True,
    }
    complaint = {
        "kind": Kind.COMPLAINT,
        "category": "dat-dai-xay-dung",
        "decision_complained": "Quyết định số 215/QĐ-UBND về việc cưỡng chế công trình",
        "decision_date": known_long_ago - datetime.timedelta(days=5),
        "decision_known_on": known_long_ago,
        **person,
    }
    denunciation = {
        "kind": Kind.DENUNCIATION,
        "category": "thu-tuc-hanh-chinh",
        "person_denounced": "Cán bộ địa chính phường",
    }
    return [
        (
            "Khiếu nại quyết định cưỡng chế công trình (nộp sau 160 ngày)",
            {**complaint, "received_at": _days_ago(1)},
            [],
        ),
        (
            "Khiếu nại quyết định cưỡng chế: chậm vì nằm viện",
            {
                **complaint,
                "received_at": _days_ago(3),
                "delay_reason": "Tôi nằm điều trị tại Bệnh viện Bạch Mai, có giấy ra viện.",
                "obstacles": [
                    (
                        "illness",
                        known_long_ago + datetime.timedelta(days=20),
                        known_long_ago + datetime.timedelta(days=100),
                    )
                ],
            },
            [],
        ),
        (
            "Khiếu nại thu hồi đất: quá thời hạn, đã chấp nhận lý do",
            {
                **complaint,
                "received_at": _days_ago(6),
                "delay_reason": "Tôi đi lao động ở Hàn Quốc, mới về nước.",
                "obstacles": [
                    (
                        "away",
                        known_long_ago + datetime.timedelta(days=10),
                        known_long_ago + datetime.timedelta(days=40),
                    )
                ],
            },
            [
                (
                    "accept",
                    {
                        "limitation_reason": "Có xác nhận của doanh nghiệp về thời gian ở "
                        "nước ngoài."
                    },
                )
            ],
        ),
        (
            "Khiếu nại quyết định xử phạt: hết thời hiệu, không thụ lý",
            {**complaint, "received_at": _days_ago(8)},
            [("reject_time_barred", {})],
        ),
        (
            "Tố cáo nặc danh việc thu tiền ngoài quy định ở bộ phận một cửa",
            {**denunciation, "received_at": _days_ago(2)},
            [],
        ),
        (
            "Tố cáo nặc danh sai phạm trong xét hộ nghèo",
            {**denunciation, "category": "an-sinh-xa-hoi", "received_at": _days_ago(20)},
            [("settle", {"use": InformationUse.CHECK, "note": "Đưa vào kế hoạch kiểm tra quý."})],
        ),
        (
            "Tố cáo cán bộ nhũng nhiễu khi chứng thực (thiếu địa chỉ, cách liên hệ)",
            {
                **denunciation,
                "reporter_name": "Trần Thị Mai",
                "consent": True,
                "received_at": _days_ago(4),
            },
            [],
        ),
        (
            "Tố cáo cán bộ thu phí sai quy định (đã bổ sung thông tin)",
            {
                **denunciation,
                "reporter_name": "Lê Văn Bình",
                "consent": True,
                "received_at": _days_ago(9),
            },
            [
                (
                    "details",
                    {
                        "reporter_address": "Số 5 phố Kim Mã, phường Ba Đình",
                        "reporter_phone": "0987123456",
                    },
                )
            ],
        ),
        (
            "Khiếu nại việc chậm cấp giấy chứng nhận (chưa phân loại)",
            {
                **complaint,
                "decision_known_on": today - datetime.timedelta(days=30),
                "decision_date": today - datetime.timedelta(days=31),
                "received_at": _days_ago(8),
            },
            [],
        ),
        (
            "Phản ánh tuyến cáp ngầm do đơn vị khác quản lý",
            {"kind": Kind.FEEDBACK, "category": "dien-nuoc", "received_at": _days_ago(1, 14)},
            [],
        ),
        (
            "Phản ánh lấn chiếm vỉa hè ở địa bàn phường Hà Đông",
            {"kind": Kind.FEEDBACK, "category": "trat-tu-do-thi", "received_at": _days_ago(3)},
            [("forward", {"to": "vn-01-09556-state"})],
        ),
    ]


def load_law_examples() -> int:
    """Create the examples that are not there yet (found by title); return how many."""
    commune = Unit.objects.filter(key=LAW_COMMUNE).first()
    if commune is None:
        return 0
    categories = {c.code: c for c in Category.objects.all()}
    time_barred = RejectionReason.objects.filter(time_barred=True).first()
    made = 0
    for title, arguments, steps in _law_examples():
        if Case.objects.filter(title=title, commune=commune).exists():
            continue
        arguments = dict(arguments)
        category = categories[arguments.pop("category")]
        case = services.submit_case(
            channel=Channel.LETTER,
            commune=commune,
            category=category,
            title=title,
            description=f"{title}. Đề nghị Ủy ban nhân dân phường Ba Đình xem xét, giải quyết.",
            **arguments,
        )
        for step, extra in steps:
            if step == "accept":
                services.accept_case(actor=None, case=case, **extra)
            elif step == "reject_time_barred" and time_barred is not None:
                services.reject_case(actor=None, case=case, reason=time_barred)
            elif step == "settle":
                services.settle_information(actor=None, case=case, **extra)
            elif step == "details":
                services.complete_details(case=case, consent=True, **extra)
            elif step == "forward":
                target = Unit.objects.filter(key=extra["to"]).first()
                if target is not None:
                    services.forward_case(actor=None, case=case, to_unit=target)
        made += 1
    return made
