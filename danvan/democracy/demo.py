"""The grassroots-democracy part of the demo.

- Every Hà Nội commune publishes a year of documents (from 1 January to today) in the law's
  groups: the quarterly budget reports, the yearly plan, fees and funds, and documents as
  they come (support lists, projects, land, procedures…); about one in ten is published
  late, a few are still waiting past their deadline, and some communes skipped a quarter.
- The hamlets of Ba Đình and Hà Đông have their household registers.
- Ba Đình's hamlets put matters to their households: a road contribution passed with more
  than two thirds, a village convention, the hamlet head elected, a lighting contribution
  that failed its two-thirds threshold, and an online vote still open.
- Ba Đình has a draft open for comment with residents' comments, and an earlier one whose
  answers are published.
- Every commune has its people's inspection board (a few short of members), Ba Đình also a
  community investment supervision board; one recommendation of Ba Đình's board was sent
  to the ward's People's Committee and answered. Most communes held their dialogue.

Bulk rows (publications, households, boards, dialogues) are written with bulk_create; the
few votes, consultations and the recommendation go through the services. Each part is
loaded once: running the demo again changes nothing.
"""

import datetime
import random
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from danvan.core.workdays import WorkCalendar
from danvan.democracy import rollup, services
from danvan.democracy.models import (
    Board,
    BoardKind,
    BoardMember,
    BoardRule,
    Comment,
    CommentChannel,
    Consultation,
    Dialogue,
    DialogueItem,
    Household,
    Matter,
    Position,
    Publication,
    PublicationGroup,
    PublicationRule,
    PublishChannel,
    Recommendation,
)
from danvan.lib import rollups
from danvan.lib.sampling import pick, weighted
from danvan.lib.vntext import search_key
from danvan.organisations.demo import hanoi_communes, in_sentence
from danvan.organisations.models import Unit, UnitKind
from danvan.registry.demo.words import (
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    SURNAMES,
)
from danvan.voice import services as voice_services

SEED = 2023
COMMUNES_WITH_HOUSEHOLDS = ("vn-01-00004", "vn-01-09556")  # Ba Đình, Hà Đông
VOTING_COMMUNE = "vn-01-00004"
HOUSEHOLDS_PER_HAMLET = (280, 420)
EVENT_PUBLICATIONS = (18, 30)  # documents published as they come, per commune and year
LATE_SHARE = 0.10
WAITING_SHARE = 0.03
SKIPPED_QUARTER_SHARE = 0.12
BATCH = 2000

EVENT_TITLES = {
    "chinh-sach": [
        "Nghị quyết của Đảng ủy về phát triển kinh tế – xã hội {period}",
        "Quy định mới về xử phạt vi phạm trật tự đô thị",
        "Chính sách hỗ trợ người lao động mất việc làm",
    ],
    "du-an": [
        "Dự án cải tạo, nâng cấp đường ngõ {n}",
        "Công trình nhà văn hóa tổ dân phố số {n}: tiến độ và nghiệm thu",
        "Dự án lát vỉa hè, chiếu sáng tuyến phố {n}",
    ],
    "dat-dai": [
        "Kế hoạch sử dụng đất năm {year}",
        "Phương án bồi thường, hỗ trợ giải phóng mặt bằng tuyến đường {n}",
        "Danh sách giao đất, cho thuê đất đợt {n}",
    ],
    "ho-tro": [
        "Danh sách hộ nghèo, hộ cận nghèo năm {year}",
        "Danh sách đối tượng bảo trợ xã hội hưởng trợ cấp đợt {n}",
        "Danh sách hộ được hỗ trợ sửa chữa nhà ở",
    ],
    "vay-von": ["Kế hoạch cho vay vốn giải quyết việc làm đợt {n}"],
    "ket-qua-lay-y-kien": ["Kết quả lấy ý kiến Nhân dân về dự thảo quy hoạch khu dân cư số {n}"],
    "ket-qua-bieu-quyet": ["Kết quả biểu quyết đóng góp làm đường ngõ {n} được công nhận"],
    "thanh-tra-khieu-nai": [
        "Kết luận giải quyết khiếu nại về đất đai số {n}",
        "Kết quả kiểm tra việc thu, chi quỹ vì người nghèo",
    ],
    "thu-tuc-hanh-chinh": [
        "Bộ thủ tục hành chính thuộc thẩm quyền giải quyết của UBND {commune}",
        "Kết quả giải quyết thủ tục hành chính quý {n}",
    ],
}
PERIODIC_TITLES = {
    "thuc-hien-ngan-sach": "Báo cáo tình hình thực hiện ngân sách {commune} quý {q} năm {year}",
    "ke-hoach-ktxh": "Kế hoạch phát triển kinh tế – xã hội năm {year} của {commune}",
    "du-toan-ngan-sach": "Dự toán ngân sách năm {year} của {commune}",
    "phi-le-phi": "Mức thu phí, lệ phí năm {year} của {commune}",
    "quy-dong-gop": "Công khai thu, chi Quỹ vì người nghèo năm {year}",
}
CHANNEL_SETS = weighted(
    [
        ((PublishChannel.NOTICE_BOARD, PublishChannel.PORTAL), 40),
        ((PublishChannel.NOTICE_BOARD, PublishChannel.LOUDSPEAKER), 25),
        ((PublishChannel.NOTICE_BOARD, PublishChannel.PORTAL, PublishChannel.HAMLET_MEETING), 20),
        ((PublishChannel.NOTICE_BOARD,), 15),
    ]
)
STREETS = ["Đội Cấn", "Liễu Giai", "Kim Mã", "Núi Trúc", "Giảng Võ", "Quang Trung", "Lê Lợi"]


class Names:
    """Vietnamese full names from the registry demo's weighted word lists."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = weighted(SURNAMES)
        self.male = weighted(MALE_MIDDLE)
        self.female = weighted(FEMALE_MIDDLE)

    def __call__(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            middle, given = pick(rng, self.male), rng.choice(MALE_GIVEN)
        else:
            middle, given = pick(rng, self.female), rng.choice(FEMALE_GIVEN)
        return f"{pick(rng, self.surnames)} {middle} {given}"


def _working_day_on_or_after(calendar: WorkCalendar, day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _random_day(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _publication(rng, calendar, rules, commune, group, title, document_date, today):
    """One publication with its clock; published on time, late, or still waiting."""
    rule = rules.get(group.pk) or rules[None]
    document_date = _working_day_on_or_after(calendar, document_date)
    if document_date > today:
        return None
    due = calendar.add_working_days(document_date, rule.publish_within_days)
    publication = Publication(
        commune=commune,
        group=group,
        title=title,
        document_number=f"{rng.randrange(1, 250)}/QĐ-UBND",
        document_date=document_date,
        rule=rule,
        due_on=due,
    )
    roll = rng.random()
    if roll < WAITING_SHARE and due < today:
        pass  # still waiting, past its deadline
    else:
        if roll < WAITING_SHARE + LATE_SHARE:
            published = calendar.add_working_days(due, rng.randint(1, 6))
        else:
            published = calendar.add_working_days(
                document_date, rng.randint(1, rule.publish_within_days)
            )
        if published > today:
            published = today if today >= document_date else None
        if published is not None:
            publication.published_on = published
            publication.posted_until = published + datetime.timedelta(days=rule.keep_posted_days)
            publication.late = published > due
            publication.channels = list(pick(rng, CHANNEL_SETS))
    publication.search_text = search_key(f"{title} {publication.document_number} {group.name}")
    return publication


def generate_publications(communes: Iterable[Unit], *, year: int, seed: int = SEED) -> int:
    """A year of publications for each commune (to today), written in bulk."""
    rng = random.Random(seed)
    today = timezone.localdate()
    start = datetime.date(year, 1, 1)
    end = min(today, datetime.date(year, 12, 31))
    calendar = WorkCalendar.from_db()
    groups = {g.code: g for g in PublicationGroup.objects.filter(is_active=True)}
    rules = {r.group_id: r for r in PublicationRule.objects.in_force(end)}
    if None not in rules:
        return 0  # no rule of publication in force that year: nothing to publish by
    rows: list[Publication] = []
    for commune in communes:
        name = in_sentence(commune.name)
        for code, template in PERIODIC_TITLES.items():
            group = groups.get(code)
            if group is None:
                continue
            for q in range(group.per_year):
                if group.per_year == 4:
                    # A quarter's report is signed in the first weeks after it ends.
                    month = 3 * q + 4
                    if month > 12 or rng.random() < SKIPPED_QUARTER_SHARE:
                        continue
                    day = datetime.date(year, month, rng.randint(3, 20))
                else:
                    day = datetime.date(year, 1, rng.randint(5, 28))
                title = template.format(commune=name, q=q + 1, year=year)
                found = _publication(rng, calendar, rules, commune, group, title, day, end)
                if found is not None:
                    rows.append(found)
        for _ in range(rng.randint(*EVENT_PUBLICATIONS)):
            code = rng.choice(list(EVENT_TITLES))
            group = groups.get(code)
            if group is None:
                continue
            title = rng.choice(EVENT_TITLES[code]).format(
                n=rng.randint(1, 40), year=year, period=f"{year}–{year + 1}", commune=name
            )
            found = _publication(
                rng, calendar, rules, commune, group, title, _random_day(rng, start, end), end
            )
            if found is not None:
                rows.append(found)
    with transaction.atomic():
        Publication.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def household_rows(hamlet: Unit, count: int, rng, names) -> list[Household]:
    rows = []
    seen = set()
    for i in range(1, count + 1):
        head = names()
        address = f"Số {i}, ngõ {rng.randint(1, 120)} {rng.choice(STREETS)}"
        if (head, address) in seen:
            continue
        seen.add((head, address))
        rows.append(
            Household(
                hamlet=hamlet,
                head_name=head,
                members=rng.choices((1, 2, 3, 4, 5, 6, 7), (6, 14, 24, 30, 15, 7, 4))[0],
                address=address,
                search_text=search_key(f"{head} {address}"),
            )
        )
    return rows


def generate_households(
    counts: dict[Unit, int],
    *,
    seed: int = SEED,
    without_triggers: bool = False,
    progress=None,
) -> int:
    """Write the given number of households into each hamlet, in bulk. Without triggers (a
    benchmark's millions), the roll-up's triggers are set aside during the load and the
    hamlets' counts recounted once at the end."""
    rng = random.Random(seed)
    names = Names(rng)
    made = 0
    if without_triggers:
        rollups.run(rollup.HOUSEHOLDS.uninstall_sql(connection.vendor), connection)
    try:
        batch: list[Household] = []
        for hamlet, count in counts.items():
            batch.extend(household_rows(hamlet, count, rng, names))
            if len(batch) >= 20_000:
                with transaction.atomic():
                    Household.objects.bulk_create(batch, batch_size=BATCH)
                made += len(batch)
                batch = []
                if progress:
                    progress(made)
        with transaction.atomic():
            Household.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)
    finally:
        if without_triggers:
            rollups.run(rollup.HOUSEHOLDS.install_sql(connection.vendor), connection)
            rollup.rebuild()
    return made


def _hamlets(commune: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(parent=commune, kind=UnitKind.HAMLET).current().order_by("name", "id")
    )


def generate_boards(communes: list[Unit], *, seed: int = SEED) -> int:
    """Each commune's people's inspection board (5–7 members; a few short of the five the
    law asks) and its dialogue of the year with residents."""
    rng = random.Random(seed + 1)
    names = Names(rng)
    today = timezone.localdate()
    term = datetime.date(today.year - 1, rng.randint(1, 6), 15)
    rule = BoardRule.objects.in_force(term).filter(board_kind=BoardKind.INSPECTION).first()
    if rule is None:
        return 0
    boards = Board.objects.bulk_create(
        [
            Board(
                commune=c,
                kind=BoardKind.INSPECTION,
                name=f"Ban Thanh tra nhân dân {in_sentence(c.name)}",
                term_start=term,
                term_end=term.replace(year=term.year + 5),
            )
            for c in communes
        ]
    )
    members = []
    for board in boards:
        size = rng.choices((4, 5, 6, 7), (1, 5, 3, 2))[0]
        for i in range(size):
            members.append(
                BoardMember(
                    board=board,
                    full_name=names(),
                    position=Position.CHAIR if i == 0 else Position.MEMBER,
                    workplace=rng.choice(
                        ["Hưu trí", "Giáo viên", "Kinh doanh", "Tổ dân phố", "Công nhân"]
                    ),
                    joined_on=board.term_start,
                    rule=rule,
                )
            )
    BoardMember.objects.bulk_create(members, batch_size=BATCH)
    dialogues, items = [], []
    for commune in communes:
        if rng.random() < 0.15:
            continue  # has not yet held this year's dialogue
        held = _random_day(rng, datetime.date(today.year, 3, 1), today)
        dialogues.append(
            Dialogue(
                commune=commune,
                held_on=held,
                place=f"Hội trường UBND {in_sentence(commune.name)}",
                chaired_by=f"Chủ tịch UBND {in_sentence(commune.name)}",
                participants=rng.randint(80, 250),
                summary="Đối thoại định kỳ giữa người đứng đầu chính quyền với Nhân dân.",
            )
        )
    Dialogue.objects.bulk_create(dialogues)
    questions = [
        ("Bao giờ sửa xong tuyến cống ngõ {n}?", "Trong quý tới.", "Phòng Kinh tế theo dõi"),
        ("Rác thải tồn đọng tại điểm tập kết tổ {n}.", "Tăng chuyến thu gom.", ""),
        ("Thủ tục cấp giấy chứng nhận còn chậm.", "Rút ngắn còn 10 ngày làm việc.", ""),
        ("Đề nghị lắp đèn chiếu sáng ngõ {n}.", "Đưa vào kế hoạch năm sau.", "Lập dự toán"),
    ]
    for dialogue in dialogues:
        for question, answer, follow in rng.sample(questions, rng.randint(2, 4)):
            n = rng.randint(1, 60)
            items.append(
                DialogueItem(
                    dialogue=dialogue,
                    question=question.format(n=n),
                    answer=answer,
                    follow_up=follow,
                    follow_up_done=bool(follow) and rng.random() < 0.5,
                )
            )
    DialogueItem.objects.bulk_create(items, batch_size=BATCH)
    return len(boards)


def _on_or_before(day: datetime.date, today: datetime.date) -> datetime.date:
    return min(day, today)


def load_votes_and_consultations(commune: Unit, *, seed: int = SEED) -> int:
    """Ba Đình's votes, consultations, investment board and answered recommendation,
    through the services (as the clerks would record them)."""
    rng = random.Random(seed + 2)
    names = Names(rng)
    today = timezone.localdate()
    hamlets = _hamlets(commune)
    if not hamlets:
        return 0
    calendar = WorkCalendar.from_db()

    def vote_day(days_ago: int) -> datetime.date:
        return _working_day_on_or_after(calendar, today - datetime.timedelta(days=days_ago))

    def tally(matter, share_for: float, share_present: float, *, send=True, recognise=True):
        total = rollup.households_of(matter.hamlet)
        present = round(total * share_present)
        yes = min(present, round(total * share_for))
        matter = services.tally_vote(
            actor=None,
            matter=matter,
            participated=present,
            yes=yes,
            no=max(0, present - yes - 3),
            invalid=min(3, present - yes),
            minutes=f"Biên bản hội nghị {in_sentence(matter.hamlet.name)} ngày "
            f"{matter.vote_date:%d/%m/%Y}, thư ký {names()}.",
        )
        if send:
            matter = services.send_minutes(
                actor=None,
                matter=matter,
                sent_on=_on_or_before(calendar.add_working_days(matter.vote_date, 3), today),
            )
        if send and recognise:
            services.recognise_result(
                actor=None, matter=matter, number=f"{rng.randint(10, 300)}/QĐ-UBND"
            )
        return matter

    first, second = hamlets[0], hamlets[1 % len(hamlets)]
    road = services.open_matter(
        actor=None,
        hamlet=first,
        kind="contribution",
        title="Đóng góp làm đường bê tông ngõ 12, mức 500.000 đồng/hộ",
        description="Nhân dân đóng góp 40% kinh phí, ngân sách phường 60%.",
        method="meeting",
        vote_date=vote_day(120),
    )
    tally(road, 0.74, 0.86)
    convention = services.open_matter(
        actor=None,
        hamlet=second,
        kind="convention",
        title="Sửa đổi quy ước tổ dân phố về giữ gìn vệ sinh, trật tự",
        method="paper",
        vote_date=vote_day(75),
    )
    tally(convention, 0.63, 0.81)
    head = services.open_matter(
        actor=None,
        hamlet=first,
        kind="hamlet_head",
        title=f"Bầu tổ trưởng tổ dân phố: ông {names()}",
        method="meeting",
        vote_date=vote_day(40),
    )
    tally(head, 0.58, 0.79, recognise=False)
    lighting = services.open_matter(
        actor=None,
        hamlet=second,
        kind="contribution",
        title="Đóng góp lắp đèn chiếu sáng ngõ 5, mức 300.000 đồng/hộ",
        method="meeting",
        vote_date=vote_day(20),
    )
    tally(lighting, 0.61, 0.83, send=False)  # 61 % for: short of two thirds
    petition_hamlet = hamlets[-1]
    total = rollup.households_of(petition_hamlet)
    petition = services.receive_petition(
        actor=None,
        hamlet=petition_hamlet,
        kind="other",
        title="Lắp camera an ninh tại các ngõ của tổ dân phố",
        signatures=max(1, round(total * 0.14)),
        received_on=today - datetime.timedelta(days=12),
    )
    online = services.open_matter(
        actor=None,
        hamlet=petition_hamlet,
        kind="other",
        title="Lắp camera an ninh tại các ngõ (theo kiến nghị của các hộ)",
        description="Mỗi hộ đóng góp tự nguyện; biểu quyết trực tuyến bằng mã trên phiếu.",
        method="online",
        vote_date=today + datetime.timedelta(days=10),
        petition=petition,
    )
    services.issue_voting_codes(actor=None, matter=online)
    for code in list(online.codes.values_list("code", flat=True)[: round(total * 0.3)]):
        services.cast_ballot(matter=online, code=code, choice=rng.choice(["yes", "yes", "no"]))

    name = in_sentence(commune.name)
    park = services.open_consultation(
        actor=None,
        commune=commune,
        kind="plan",
        title=f"Dự thảo phương án cải tạo vườn hoa, sân chơi {name}",
        summary="Bố trí lại sân chơi trẻ em, lối đi bộ, cây xanh và 60 chỗ đỗ xe máy; "
        "kinh phí dự kiến 3,2 tỷ đồng từ ngân sách phường.",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
    )
    for text in [
        "Nên giữ lại hàng cây xà cừ lâu năm, không chặt hạ.",
        "Cần có khu tập thể dục cho người cao tuổi vào buổi sáng.",
        "Bãi đỗ xe máy nên đặt xa khu vui chơi của trẻ em.",
        "Đề nghị lắp thêm đèn chiếu sáng và camera để giữ an ninh buổi tối.",
        "Nhà vệ sinh công cộng cần được bố trí gần cổng.",
    ]:
        services.submit_comment(consultation=park, text=text)
    services.add_meeting_comment(
        actor=None,
        consultation=park,
        text="Hội nghị đề nghị lấy thêm ý kiến của các cháu thiếu nhi về sân chơi.",
        meeting=f"Hội nghị {in_sentence(first.name)}",
    )
    earlier = services.open_consultation(
        actor=None,
        commune=commune,
        kind="document",
        title=f"Dự thảo quy chế quản lý trật tự vỉa hè {name}",
        summary="Phân định phần vỉa hè dành cho người đi bộ và thời gian được sử dụng tạm.",
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today - datetime.timedelta(days=60),
    )
    answers = [
        ("Dành lối đi bộ tối thiểu 1,5 m", "taken", "Đã bổ sung vào Điều 4 của quy chế."),
        ("Cho phép bán hàng vào buổi tối", "explained", "Không tiếp thu vì trái Nghị định 100."),
    ]
    for title, response, answer in answers:
        comments = [
            Comment(consultation=earlier, channel=CommentChannel.PORTAL, text=f"{title}.")
            for _ in range(rng.randint(3, 8))
        ]
        Comment.objects.bulk_create(comments)
        group = services.group_comments(
            actor=None, consultation=earlier, comments=comments, title=title
        )
        services.answer_group(actor=None, group=group, response=response, answer=answer)
    services.publish_report(
        actor=None,
        consultation=earlier,
        report="Phường đã nhận ý kiến góp ý; tiếp thu 1 nhóm, giải trình 1 nhóm.",
    )

    board = services.set_up_board(
        actor=None,
        commune=commune,
        kind="investment",
        name="Ban Giám sát đầu tư cộng đồng: cải tạo đường ngõ 12",
        project="Cải tạo, nâng cấp đường ngõ 12",
        project_owner=f"Ban Quản lý dự án đầu tư xây dựng {name}",
        contractor="Công ty TNHH Xây dựng Thăng Long",
        term_start=road.vote_date,
    )
    for i in range(5):
        services.add_member(
            actor=None,
            board=board,
            full_name=names(),
            position=Position.CHAIR if i == 0 else Position.MEMBER,
            workplace=rng.choice(["Hưu trí", "Giáo viên", "Tổ dân phố"]),
            joined_on=road.vote_date,
        )
    inspection = Board.objects.filter(commune=commune, kind=BoardKind.INSPECTION).first()
    if inspection is not None:
        plan = services.add_plan(
            actor=None,
            board=inspection,
            year=today.year,
            title=f"Kế hoạch giám sát năm {today.year}",
            content="Giám sát việc công khai danh sách hộ nghèo và thu, chi các quỹ.",
        )
        finding = services.record_finding(
            actor=None,
            board=inspection,
            plan=plan,
            found_on=today - datetime.timedelta(days=30),
            summary="Danh sách hộ cận nghèo niêm yết muộn 4 ngày làm việc so với quy định.",
        )
        committee = Unit.objects.filter(parent=commune, kind=UnitKind.PEOPLES_COMMITTEE).first()
        if committee is not None:
            recommendation = services.send_recommendation(
                actor=None,
                board=inspection,
                finding=finding,
                title="Niêm yết danh sách hộ cận nghèo đúng hạn",
                text="Đề nghị UBND phường niêm yết các danh sách hỗ trợ trong thời hạn luật định.",
                responsible=committee,
            )
            case = voice_services.accept_case(actor=None, case=recommendation.case)
            voice_services.answer_case(
                actor=None,
                case=case,
                answer="UBND phường tiếp thu; từ tháng này các danh sách được niêm yết trong "
                "5 ngày làm việc và đăng trên cổng thông tin.",
            )
    return Matter.objects.filter(commune=commune).count()


def load(*, progress, year: int, seed: int = SEED) -> str:
    """Load each part of the demo that is not there yet."""
    communes = hanoi_communes()
    done = []
    if not Publication.objects.exists():
        made = generate_publications(communes, year=year, seed=seed)
        done.append(f"{made:,} publications")
    if not Household.objects.exists():
        counts = {}
        rng = random.Random(seed)
        for commune in communes:
            if commune.key in COMMUNES_WITH_HOUSEHOLDS:
                for hamlet in _hamlets(commune):
                    counts[hamlet] = rng.randint(*HOUSEHOLDS_PER_HAMLET)
        done.append(f"{generate_households(counts, seed=seed):,} households")
    if not Board.objects.exists():
        done.append(f"{generate_boards(communes, seed=seed):,} inspection boards")
    voting = next((c for c in communes if c.key == VOTING_COMMUNE), None)
    if voting is not None and not Matter.objects.exists():
        made = load_votes_and_consultations(voting, seed=seed)
        done.append(
            f"{made} votes, {Consultation.objects.count()} consultations, "
            f"{Recommendation.objects.count()} recommendation"
        )
    return ", ".join(done) or "there already: nothing loaded"
