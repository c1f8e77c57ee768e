"""The cadres' part of the demo: about 3,000 dân vận cadres of Hà Nội over the generations.

Each dân vận seat of the city's board, its Front and mass organisations, the 30 districts
and 526 communes closed on 30 June 2025 and the 126 communes after them is held by a chain
of cadres from 1990 on: terms of some years, a retirement at the age of the law, a move up
from a commune to its district, and, on 1 July 2025, the holders kept in the new communes'
seats or retired early under the reorganisation. Add training at the city's schools, a few
disciplines (one in effect), ethnicity under the city's data policy, and the city's meeting
of the generations on 14 October with its invitees, programme and attendance.

Rows are written with bulk_create (a few seconds), in one transaction; a second run
changes nothing.
"""

import dataclasses
import datetime
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from danvan.cadres import versions
from danvan.cadres.generations import titles_for
from danvan.cadres.models import (
    Attendance,
    Cadre,
    Discipline,
    DisciplineForm,
    Event,
    Invitee,
    PersonalDataPolicy,
    Posting,
    ProgrammeItem,
    SensitiveData,
    Sex,
    Training,
    TrainingCourse,
    TrainingLevel,
    TrainingResult,
)
from danvan.core.audit import log_action
from danvan.lib.names import FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE, SURNAMES
from danvan.lib.sampling import pick, weighted
from danvan.lib.vntext import fold, search_key
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind
from danvan.organisations.national import HANOI_CODE
from danvan.organisations.queries import territory_of

SEED = 1930  # the year of the Party's dân vận tradition (15 October 1930)
FIRST = datetime.date(1990, 1, 1)
CLOSED_ON = REFORM_DATE - datetime.timedelta(days=1)
RETIREMENT_AGE = {Sex.MALE: 60, Sex.FEMALE: 55}
WOMEN_SHARE = 0.38
HARDSHIP_DISTRICTS = {"Huyện Ba Vì", "Huyện Mỹ Đức", "Huyện Quốc Oai", "Huyện Thạch Thất"}
MIN_DISTRICTS = 2  # Ba Đình and Hà Đông, whose clerks log in, whatever the scale

# (position, leading, full-time, tenure in years (low, high), how many seats)
CITY_BOARD = [
    ("Trưởng Ban Dân vận Thành ủy", True, True, (5, 10), 1),
    ("Phó Trưởng Ban Dân vận Thành ủy", True, True, (5, 10), 3),
    ("Chuyên viên Ban Dân vận Thành ủy", False, True, (8, 20), 14),
]
CITY_FRONT = [
    ("Chủ tịch Ủy ban MTTQ Việt Nam thành phố", True, True, (5, 10), 1),
    ("Phó Chủ tịch Ủy ban MTTQ Việt Nam thành phố", True, True, (5, 10), 3),
    ("Chuyên viên Ban Dân chủ – Pháp luật", False, True, (8, 20), 4),
]
MASS_ORGANISATION = [
    ("Chủ tịch", True, True, (5, 10), 1),
    ("Phó Chủ tịch", True, True, (5, 10), 2),
    ("Chuyên viên phụ trách phong trào", False, True, (8, 20), 1),
]
DISTRICT = [
    ("Trưởng Ban Dân vận {committee}", True, True, (5, 10), 1),
    ("Phó Trưởng Ban Dân vận {committee}", True, True, (5, 10), 1),
    ("Chuyên viên Ban Dân vận {committee}", False, True, (7, 15), 2),
]
OLD_COMMUNE = [("Chủ tịch Ủy ban MTTQ {commune}", True, True, (7, 15), 1)]
# The new communes' seats from 1 July 2025: (branch key, position, leading, full-time).
NEW_COMMUNE = [
    ("party", "Phó Trưởng Ban Xây dựng Đảng phụ trách dân vận", True, True),
    ("party", "Chuyên viên Ban Xây dựng Đảng (dân vận)", False, True),
    ("front", "Chủ tịch Ủy ban MTTQ Việt Nam", True, True),
    ("front", "Phó Chủ tịch Ủy ban MTTQ Việt Nam", True, True),
    ("front", "Chủ tịch Hội Liên hiệp Phụ nữ", True, False),
    ("state", "Phó Chủ tịch UBND phụ trách dân vận chính quyền", True, False),
]
# A seat of 30 June 2025 whose holder goes on in the new commune, rather than retire.
CONTINUITY = 0.6


@dataclasses.dataclass
class Person:
    key: int
    name: str
    sex: str
    birth_year: int
    retire_on: datetime.date
    postings: list[dict] = dataclasses.field(default_factory=list)
    free_from: datetime.date = FIRST  # after the end of the last posting
    retired_on: datetime.date | None = None
    died_on: datetime.date | None = None
    record_unit_id: int | None = None


class Generator:
    def __init__(self, *, seed: int, today: datetime.date):
        self.rng = random.Random(seed)
        self.today = today
        self.people: list[Person] = []
        self.surnames = weighted(SURNAMES)
        self.male_middle = weighted(MALE_MIDDLE)
        self.female_middle = weighted(FEMALE_MIDDLE)

    # People -----------------------------------------------------------------------------------

    def name(self, sex: str) -> str:
        surname = pick(self.rng, self.surnames)
        if sex == Sex.FEMALE:
            return f"{surname} {pick(self.rng, self.female_middle)} {self.rng.choice(FEMALE_GIVEN)}"
        return f"{surname} {pick(self.rng, self.male_middle)} {self.rng.choice(MALE_GIVEN)}"

    def person(self, start: datetime.date, *, leading: bool, open_end: bool) -> Person:
        """A new cadre taking a seat on start: aged 26–38 (leaders 35–48) then, and for an
        open seat young enough to be serving today."""
        sex = Sex.FEMALE if self.rng.random() < WOMEN_SHARE else Sex.MALE
        low, high = (35, 48) if leading else (26, 38)
        age = self.rng.randint(low, high)
        born = start.year - age
        retire_age = RETIREMENT_AGE[sex]
        if open_end:
            born = max(born, self.today.year - retire_age + 2)
        retire_on = datetime.date(born + retire_age, self.rng.randint(1, 12), 1)
        person = Person(len(self.people), self.name(sex), sex, born, retire_on)
        self.people.append(person)
        return person

    def hold(self, person: Person, unit: Unit, position: str, start, end, **flags) -> None:
        person.postings.append(
            {"unit": unit, "position": position, "start": start, "end": end, **flags}
        )
        if end is not None:
            person.free_from = end + datetime.timedelta(days=1)

    # Seats ------------------------------------------------------------------------------------

    def seat(
        self,
        unit: Unit,
        position: str,
        *,
        leading: bool,
        full_time: bool,
        tenure: tuple[int, int],
        start: datetime.date = FIRST,
        end: datetime.date | None = None,
        pool: list[Person] | None = None,
        hardship: bool = False,
    ) -> Person | None:
        """Fill a seat from start to end (None: today and on) with a chain of holders; the
        one holding it at the end is returned. A holder may come from the pool (a commune's
        cadres moving up to its district)."""
        t = start
        holder = None
        limit = end or self.today
        while t <= limit:
            years = self.rng.randint(*tenure)
            until = _add_years(t, years) - datetime.timedelta(days=1)
            holder = self._from_pool(pool, t, leading=leading)
            open_end = end is None and until >= limit
            if holder is None:
                holder = self.person(t, leading=leading, open_end=open_end)
            stop = min(until, holder.retire_on - datetime.timedelta(days=1))
            if end is not None:
                stop = min(stop, end)
            held_to: datetime.date | None = stop
            if end is None and stop >= self.today:
                held_to = None  # still in the seat
            self.hold(
                holder,
                unit,
                position,
                t,
                held_to,
                is_manager=leading,
                full_time=full_time,
                is_danvan_post=True,
                hardship_area=hardship,
            )
            if held_to is None:
                return holder
            t = stop + datetime.timedelta(days=1)
        return holder

    def _from_pool(self, pool, start: datetime.date, *, leading: bool) -> Person | None:
        if not pool or self.rng.random() > (0.5 if leading else 0.25):
            return None
        for index, person in enumerate(pool):
            fresh = person.free_from <= start <= person.free_from + datetime.timedelta(days=730)
            if fresh and person.retire_on > _add_years(start, 4):
                return pool.pop(index)
        return None

    # The end of each life ---------------------------------------------------------------------

    def settle(self, person: Person, record_unit_id: int) -> None:
        """Retirement (at the age of the law, or early in 2025 when the seat closed), death
        for some of the oldest, and the unit that keeps the file."""
        last_end = max((p["end"] or self.today for p in person.postings), default=self.today)
        serving = any(p["end"] is None for p in person.postings)
        person.record_unit_id = record_unit_id
        if serving:
            return
        if person.retire_on <= self.today:
            person.retired_on = max(person.retire_on, last_end + datetime.timedelta(days=1))
        elif last_end == CLOSED_ON:
            person.retired_on = REFORM_DATE  # early retirement in the 2025 reorganisation
        else:
            person.retired_on = min(last_end + datetime.timedelta(days=1), self.today)
        age_now = self.today.year - person.birth_year
        chance = 0.55 if age_now > 85 else 0.2 if age_now > 75 else 0.04
        if self.rng.random() < chance:
            start = max(person.retired_on, _add_years(person.retired_on, 1))
            days = (self.today - start).days
            if days > 30:
                person.died_on = start + datetime.timedelta(days=self.rng.randint(0, days))


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _units(scale: float):
    """The city's units the demo posts cadres in: the board, the Front and its mass
    organisations, the closed districts and communes (a `scale` share of the districts)
    and the new communes made of them."""
    city = Unit.objects.get(key=f"vn-{HANOI_CODE}")
    board = Unit.objects.filter(key=f"vn-{HANOI_CODE}-party-dv").first() or city
    front = Unit.objects.filter(key=f"vn-{HANOI_CODE}-front").first() or city
    masses = list(Unit.objects.filter(kind=UnitKind.MASS_ORGANISATION, parent=front))
    districts = list(
        Unit.objects.filter(parent=city, kind=UnitKind.LEGACY_DISTRICT).order_by("code", "key")
    )
    keep = max(MIN_DISTRICTS, round(len(districts) * scale))
    must = {"Quận Ba Đình", "Quận Hà Đông"}
    chosen = [d for d in districts if d.name in must]
    chosen += [d for d in districts if d.name not in must][: max(0, keep - len(chosen))]
    return city, board, front, masses, chosen


def _committee(district: Unit) -> str:
    """ "Quận ủy Ba Đình" from "Quận Ba Đình", "Huyện ủy Ba Vì", "Thị ủy Sơn Tây"."""
    for kind, committee in (("Quận ", "Quận ủy "), ("Huyện ", "Huyện ủy "), ("Thị xã ", "Thị ủy ")):
        if district.name.startswith(kind):
            return committee + district.name[len(kind) :]
    return district.name


def build(gen: Generator, *, scale: float) -> dict:
    """Fill every seat; return the units the rest of the demo needs."""
    city, board, front, masses, districts = _units(scale)
    for position, leading, full_time, tenure, count in CITY_BOARD:
        for _n in range(count):
            holder = gen.seat(board, position, leading=leading, full_time=full_time, tenure=tenure)
            if holder:
                holder.record_unit_id = board.pk
    for position, leading, full_time, tenure, count in CITY_FRONT:
        for _n in range(count):
            gen.seat(front, position, leading=leading, full_time=full_time, tenure=tenure)
    for mass in masses:
        for position, leading, full_time, tenure, count in MASS_ORGANISATION:
            for _n in range(count):
                gen.seat(mass, position, leading=leading, full_time=full_time, tenure=tenure)
    city_people = list(gen.people)

    old_communes = list(
        Unit.objects.filter(parent__in=districts, kind=UnitKind.COMMUNE)
        .filter(valid_to__isnull=False)
        .order_by("path")
    )
    by_district: dict[int, list[Unit]] = {}
    for commune in old_communes:
        by_district.setdefault(commune.parent_id or 0, []).append(commune)
    successor = dict(
        Unit.predecessors.through.objects.filter(
            to_unit__in=old_communes, from_unit__valid_to__isnull=True
        ).values_list("to_unit_id", "from_unit_id")
    )
    # Who holds each old commune's seat on 30 June 2025, to go on in the new commune.
    at_reform: dict[int, list[Person]] = {}
    file_unit: dict[int, int] = {}
    for district in districts:
        pool: list[Person] = []
        hardship = district.name in HARDSHIP_DISTRICTS
        for commune in by_district.get(district.pk, []):
            new = successor.get(commune.pk)
            for position, leading, full_time, tenure, count in OLD_COMMUNE:
                for _n in range(count):
                    before = len(gen.people)
                    holder = gen.seat(
                        commune,
                        position.format(commune=commune.name[:1].lower() + commune.name[1:]),
                        leading=leading,
                        full_time=full_time,
                        tenure=tenure,
                        end=CLOSED_ON,
                        hardship=hardship and gen.rng.random() < 0.5,
                    )
                    made = gen.people[before:]
                    pool.extend(p for p in made if p is not holder)
                    for person in made:
                        file_unit[person.key] = new or city.pk
                    if holder is not None and new is not None:
                        at_reform.setdefault(new, []).append(holder)
        committee = _committee(district)
        for position, leading, full_time, tenure, count in DISTRICT:
            for _n in range(count):
                before = len(gen.people)
                pool.sort(key=lambda p: p.free_from)
                gen.seat(
                    district,
                    position.format(committee=committee),
                    leading=leading,
                    full_time=full_time,
                    tenure=tenure,
                    end=CLOSED_ON,
                    pool=pool,
                )
                fallback = (
                    successor.get(by_district[district.pk][0].pk)
                    if by_district.get(district.pk)
                    else None
                )
                for person in gen.people[before:]:
                    file_unit.setdefault(person.key, fallback or city.pk)

    new_communes = list(Unit.objects.filter(pk__in=set(successor.values())).order_by("path"))
    branches = {
        (u.parent_id, u.kind): u
        for u in Unit.objects.filter(
            parent__in=new_communes,
            kind__in=[
                UnitKind.PARTY_COMMITTEE,
                UnitKind.FRONT_COMMITTEE,
                UnitKind.PEOPLES_COMMITTEE,
            ],
        )
    }
    kinds = {
        "party": UnitKind.PARTY_COMMITTEE,
        "front": UnitKind.FRONT_COMMITTEE,
        "state": UnitKind.PEOPLES_COMMITTEE,
    }
    for commune in new_communes:
        heirs = [p for p in at_reform.get(commune.pk, []) if p.retire_on > _add_years(gen.today, 1)]
        gen.rng.shuffle(heirs)
        for branch, position, leading, full_time in NEW_COMMUNE:
            unit = branches.get((commune.pk, kinds[branch]), commune)
            holder = None
            if heirs and gen.rng.random() < CONTINUITY:
                holder = heirs.pop()
            if holder is None:
                holder = gen.person(REFORM_DATE, leading=leading, open_end=True)
            gen.hold(
                holder,
                unit,
                position,
                REFORM_DATE,
                None,
                is_manager=leading,
                full_time=full_time,
                is_danvan_post=True,
                hardship_area=False,
            )
            file_unit[holder.key] = commune.pk
    for person in gen.people:
        fallback = board.pk if person in city_people else file_unit.get(person.key, city.pk)
        gen.settle(person, person.record_unit_id or fallback)
    return {"city": city, "board": board, "districts": districts}


# Training ------------------------------------------------------------------------------------

# (name, organiser, level, hours, start month, length in days, share of cadres, leaders' share)
LE_HONG_PHONG = "Trường Đào tạo cán bộ Lê Hồng Phong thành phố Hà Nội"
COURSES = [
    (
        "Bồi dưỡng nghiệp vụ công tác dân vận",
        "Ban Dân vận Thành ủy Hà Nội",
        TrainingLevel.REFRESHER,
        40, 4, 5, 0.6, 0.7,
    ),
    (
        "Trung cấp lý luận chính trị – hành chính",
        LE_HONG_PHONG,
        TrainingLevel.INTERMEDIATE,
        1080, 3, 270, 0.5, 0.6,
    ),
    (
        "Cao cấp lý luận chính trị",
        "Học viện Chính trị quốc gia Hồ Chí Minh",
        TrainingLevel.ADVANCED,
        1500, 9, 300, 0.05, 0.6,
    ),
    (
        "Sơ cấp lý luận chính trị",
        "Trung tâm Bồi dưỡng chính trị {district}",
        TrainingLevel.ELEMENTARY,
        150, 6, 30, 0.3, 0.1,
    ),
    (
        "Tập huấn kỹ năng dân vận khéo",
        "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội",
        TrainingLevel.WORKSHOP,
        16, 10, 2, 0.25, 0.25,
    ),
]  # fmt: skip
RESULTS = weighted(
    [
        (TrainingResult.EXCELLENT, 1),
        (TrainingResult.GOOD, 4),
        (TrainingResult.FAIR, 4),
        (TrainingResult.PASSED, 1),
    ]
)


def _trainings(gen: Generator, people_ids: dict[int, int], district_names: dict[int, str]):
    courses: dict[tuple, TrainingCourse] = {}
    records: list[tuple[int, tuple, str, str]] = []
    numbers: dict[str, int] = {}
    for person in gen.people:
        if not person.postings:
            continue
        first = min(p["start"] for p in person.postings)
        last = max((p["end"] or gen.today) for p in person.postings)
        leading = any(p["is_manager"] for p in person.postings)
        district = next(
            (
                district_names[p["unit"].parent_id]
                for p in person.postings
                if p["unit"].parent_id in district_names
            ),
            "",
        )
        for name, organiser, level, hours, month, length, share, leaders in COURSES:
            if gen.rng.random() >= (leaders if leading else share):
                continue
            if "{district}" in organiser:
                if not district:
                    continue
                organiser = organiser.format(district=district)
            if level == TrainingLevel.WORKSHOP:
                year = gen.rng.choice([2025, 2026]) if last.year >= 2025 else None
            else:
                year = gen.rng.randint(first.year, max(first.year, min(last.year, gen.today.year)))
            if year is None:
                continue
            start = datetime.date(year, month, 1 + gen.rng.randint(0, 20))
            if start > gen.today:
                continue
            key = (name, organiser, start)
            if key not in courses:
                courses[key] = TrainingCourse(
                    name=name,
                    organiser=organiser,
                    level=level,
                    hours=hours,
                    start=start,
                    end=start + datetime.timedelta(days=length),
                    search_text=search_key(f"{name} {organiser}"),
                )
            numbers[organiser] = numbers.get(organiser, 0) + 1
            prefix = "".join(word[0] for word in fold(organiser).split()[:4]).upper()
            certificate = f"{prefix}-{year}-{numbers[organiser]:05d}"
            records.append((people_ids[person.key], key, pick(gen.rng, RESULTS), certificate))
    return courses, records


# Loading -------------------------------------------------------------------------------------


def load(*, progress, seed: int = SEED, scale: float = 1.0, year: int | None = None) -> str:
    """Load the cadres of the generations once; with `scale`, a share of the districts."""
    if Cadre.objects.exists():
        return f"{Cadre.objects.count():,} cadres there already: none generated"
    if not Unit.objects.filter(key=f"vn-{HANOI_CODE}").exists():
        return "no Hà Nội units: no cadres generated"
    today = timezone.localdate()
    with transaction.atomic():
        made = generate(seed=seed, scale=scale, today=today, progress=progress)
    return (
        f"{made['cadres']:,} cadres, {made['postings']:,} postings, "
        f"{made['trainings']:,} trainings, {made['disciplines']} disciplines, "
        f"1 generations event with {made['invitees']} invitees"
    )


def generate(*, seed: int, scale: float, today: datetime.date, progress) -> dict:
    gen = Generator(seed=seed, today=today)
    units = build(gen, scale=scale)
    city, board = units["city"], units["board"]
    progress(f"{len(gen.people):,} cadres in their seats since 1990")
    now = timezone.now()
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                full_name=p.name,
                sex=p.sex,
                birth_year=p.birth_year,
                phone=f"09{gen.rng.randint(10_000_000, 99_999_999)}" if p.died_on is None else "",
                record_unit_id=p.record_unit_id or city.pk,
                retired_on=p.retired_on,
                died_on=p.died_on,
                external_id=f"HN-DV-{p.key + 1:05d}",
                search_text=search_key(f"{p.name} HN-DV-{p.key + 1:05d}"),
                created_at=now,
            )
            for p in gen.people
        ],
        batch_size=1000,
    )
    ids = {p.key: c.pk for p, c in zip(gen.people, cadres, strict=True)}
    postings = [
        Posting(
            cadre_id=ids[p.key],
            unit=row["unit"],
            position=row["position"],
            position_key=fold(row["position"]),
            start=row["start"],
            end=row["end"],
            is_danvan_post=row["is_danvan_post"],
            is_manager=row["is_manager"],
            full_time=row["full_time"],
            hardship_area=row["hardship_area"],
            created_at=now,
        )
        for p in gen.people
        for row in p.postings
    ]
    Posting.objects.bulk_create(postings, batch_size=2000)
    district_names = {d.pk: d.name for d in units["districts"]}
    courses, records = _trainings(gen, ids, district_names)
    saved = TrainingCourse.objects.bulk_create(list(courses.values()), batch_size=1000)
    course_ids = {key: course.pk for key, course in zip(courses, saved, strict=True)}
    Training.objects.bulk_create(
        [
            Training(
                cadre_id=cadre_id,
                course_id=course_ids[key],
                result=result,
                certificate_number=certificate,
                certificate_date=courses[key].end,
                created_at=now,
            )
            for cadre_id, key, result, certificate in records
        ],
        batch_size=2000,
    )
    disciplines = _disciplines(gen, ids, today)
    _sensitive(gen, ids, city)
    invitees = _event(gen, city, board, today)
    versions.bump()  # bulk writes send no signals
    log_action(
        actor=None,
        action="cadres.generate",
        unit=city,
        after={"cadres": len(cadres), "postings": len(postings), "trainings": len(records)},
    )
    return {
        "cadres": len(cadres),
        "postings": len(postings),
        "trainings": len(records),
        "disciplines": disciplines,
        "invitees": invitees,
    }


def _disciplines(gen: Generator, ids: dict[int, int], today: datetime.date) -> int:
    """A reprimand or a warning for one cadre in seventy, over the years; two in effect now
    (one of them a review under way), which freeze those cadres' award proposals."""
    rows = []
    serving = [p for p in gen.people if any(x["end"] is None for x in p.postings)]
    for person in gen.rng.sample(gen.people, k=max(1, len(gen.people) // 70)):
        posting = gen.rng.choice(person.postings)
        end = posting["end"] or today
        span = (end - posting["start"]).days
        date = posting["start"] + datetime.timedelta(days=gen.rng.randint(0, max(0, span)))
        if date > today - datetime.timedelta(days=400):
            date = today - datetime.timedelta(days=400)
        form = gen.rng.choice([DisciplineForm.REPRIMAND, DisciplineForm.WARNING])
        rows.append(
            Discipline(
                cadre_id=ids[person.key],
                form=form,
                date=date,
                until=_add_years(date, 1) - datetime.timedelta(days=1),
                decided_by=f"Ban Thường vụ {posting['unit'].name}",
                decision_number=f"{gen.rng.randint(10, 300)}-QĐKL",
                reason="Vi phạm quy chế làm việc, thiếu trách nhiệm trong thực hiện nhiệm vụ.",
                unit=posting["unit"],
            )
        )
    for form, months in ((DisciplineForm.REPRIMAND, 3), (DisciplineForm.UNDER_REVIEW, 1)):
        person = gen.rng.choice(serving)
        posting = next(x for x in person.postings if x["end"] is None)
        date = today - datetime.timedelta(days=30 * months)
        rows.append(
            Discipline(
                cadre_id=ids[person.key],
                form=form,
                date=date,
                until=None if form == DisciplineForm.UNDER_REVIEW else _add_years(date, 1),
                decided_by=f"Ủy ban Kiểm tra {posting['unit'].name}",
                decision_number="" if form == DisciplineForm.UNDER_REVIEW else "15-QĐKL",
                reason="Chậm giải quyết kiến nghị của người dân, để phát sinh khiếu nại kéo dài.",
                unit=posting["unit"],
            )
        )
    Discipline.objects.bulk_create(rows)
    return len(rows)


def _sensitive(gen: Generator, ids: dict[int, int], city: Unit) -> None:
    """The city records its cadres' ethnicity (not their religion) for its policy on cadres
    of ethnic minorities; the minority cadres of the western districts have it recorded."""
    policy = PersonalDataPolicy.objects.create(
        unit=city,
        records_ethnicity=True,
        records_religion=False,
        purpose=(
            "Thực hiện chính sách đối với cán bộ là người dân tộc thiểu số; chỉ dùng cho thống "
            "kê, quy hoạch cán bộ, không công khai."
        ),
        legal_basis="Nghị định 13/2023/NĐ-CP; Luật Bảo vệ dữ liệu cá nhân 2025",
        effective_from=datetime.date(2024, 1, 1),
    )
    rows = []
    for person in gen.people:
        western = any(p["hardship_area"] for p in person.postings)
        if gen.rng.random() < (0.5 if western else 0.02):
            ethnicities = ["Mường", "Dao", "Mường"] if western else ["Tày", "Nùng", "Mường", "Thái"]
            rows.append(
                SensitiveData(
                    cadre_id=ids[person.key], ethnicity=gen.rng.choice(ethnicities), policy=policy
                )
            )
    SensitiveData.objects.bulk_create(rows)


BOARD_HEAD = "Trưởng Ban Tuyên giáo và Dân vận Thành ủy"
PROGRAMME = [
    ("07:45", "Đón tiếp đại biểu, khách mời", "Văn phòng Ban"),
    ("08:15", "Chương trình văn nghệ chào mừng", "Nhà hát Chèo Hà Nội"),
    ("08:30", "Tuyên bố lý do, giới thiệu đại biểu", "Lãnh đạo Ban Tuyên giáo và Dân vận"),
    ("08:45", "Diễn văn ôn lại truyền thống công tác dân vận của Đảng bộ Thành phố", BOARD_HEAD),
    (
        "09:15",
        "Phát biểu của đại diện các thế hệ cán bộ làm công tác dân vận",
        "Các đồng chí nguyên lãnh đạo Ban Dân vận",
    ),
    ("09:45", "Trao Kỷ niệm chương “Vì sự nghiệp Dân vận”", "Lãnh đạo Ban Dân vận Trung ương"),
    ("10:15", "Phát biểu chỉ đạo của lãnh đạo Thành ủy", "Đồng chí Bí thư Thành ủy"),
    ("10:45", "Bế mạc, chụp ảnh lưu niệm", ""),
]


def _event(gen: Generator, city: Unit, board: Unit, today: datetime.date) -> int:
    """The city's meeting of the generations on the eve of 15 October, the day of dân vận
    work: the living leaders of every seat since 1990 are invited."""
    day = datetime.date(today.year, 10, 14)
    if day > today:
        day = datetime.date(today.year - 1, 10, 14)
    anniversary = day.year - 1930
    event = Event.objects.create(
        name=(
            "Gặp mặt các thế hệ cán bộ làm công tác dân vận Thành phố Hà Nội nhân kỷ niệm "
            f"{anniversary} năm Ngày truyền thống công tác dân vận của Đảng"
        ),
        unit=board,
        date=day,
        time=datetime.time(8, 0),
        place="Hội trường Thành ủy Hà Nội, số 1 Đinh Tiên Hoàng",
        description=(
            "Tri ân các thế hệ cán bộ làm công tác dân vận của Thành phố qua các thời kỳ; ôn "
            "lại truyền thống, trao đổi kinh nghiệm, động viên đội ngũ cán bộ dân vận hôm nay."
        ),
    )
    ProgrammeItem.objects.bulk_create(
        ProgrammeItem(
            event=event,
            order=n,
            time=datetime.time.fromisoformat(time),
            title=title,
            presenter=presenter,
        )
        for n, (time, title, presenter) in enumerate(PROGRAMME, start=1)
    )
    leaders = Cadre.objects.filter(
        died_on__isnull=True,
        postings__is_manager=True,
        postings__unit__kind__in=[
            UnitKind.LEGACY_DISTRICT,
            UnitKind.AGENCY,
            UnitKind.FRONT_COMMITTEE,
        ],
    ).filter(
        Q(postings__unit=board)
        | Q(postings__unit__kind=UnitKind.LEGACY_DISTRICT)
        | Q(postings__unit__parent=city)
    )
    chosen = sorted(set(leaders.values_list("pk", flat=True)))
    chosen = gen.rng.sample(chosen, k=min(90, len(chosen)))
    titles = titles_for(territory_of(board), chosen)
    marks = weighted(
        [(Attendance.ATTENDED, 17), (Attendance.ABSENT, 1), (Attendance.DECLINED, 2)]
        if day <= today
        else [(Attendance.CONFIRMED, 6), (Attendance.INVITED, 3), (Attendance.DECLINED, 1)]
    )
    Invitee.objects.bulk_create(
        Invitee(
            event=event,
            cadre_id=pk,
            title=titles.get(pk, "")[:255],
            attendance=pick(gen.rng, marks),
        )
        for pk in chosen
        if pk in titles
    )
    return Invitee.objects.filter(event=event).count()
