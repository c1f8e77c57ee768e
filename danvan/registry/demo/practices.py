"""Hà Nội's generated “Dân vận khéo” models from 2009 to 2025, with their history and
replications.

The totals are the seed article's (78,494 models registered, 17,114 recognised); everything
else (names, places, years, states) is generated from parts with a seeded random generator,
so the same seed always gives the same registry.
"""

import datetime
import random
import time
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import reset_queries, transaction
from django.utils import timezone

from danvan.core.audit import log_action
from danvan.lib.sampling import allocate, pick, weighted
from danvan.organisations.demo import hanoi_communes as current_communes
from danvan.organisations.demo import in_sentence
from danvan.organisations.models import REFORM_DATE, Unit, UnitKind
from danvan.registry.demo.words import (
    COMMUNE_ROLES,
    DEEDS,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FORCES,
    GOALS,
    HAMLET_ROLES,
    MALE_GIVEN,
    MALE_MIDDLE,
    METHODS,
    PRACTICES,
    PROBLEMS,
    QUALIFIERS,
    REPLICATION_RESULTS,
    RESULTS,
    SURNAMES,
)
from danvan.registry.models import (
    Field,
    ModelKind,
    PracticeModel,
    RecognitionLevel,
    Replication,
    Status,
    StatusChange,
)

# The seed article's figures for Hà Nội.
HANOI_MODELS = 78_494
HANOI_RECOGNISED = 17_114
SEED = 2009
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
PREVIOUS: dict[str, str] = {
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
    communes: dict[int, Commune] = {}
    for unit in current_communes(on):
        commune = Commune(
            phrase=in_sentence(unit.name),
            legacy_district=unit.legacy_district.name if unit.legacy_district else "",
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
        phrase = in_sentence(name) if part == "hamlet" else commune.phrase
        commune.parts.setdefault(part, []).append(Place(pk, part, phrase))
    return list(communes.values())


class ModelMaker:
    """Make the parts of one generated model with a seeded generator."""

    def __init__(self, rng: random.Random, communes: list[Commune]):
        self.rng = rng
        # Some communes register far more than others.
        self.communes = weighted((c, rng.uniform(0.4, 1.8)) for c in communes)
        self.parts = weighted(UNIT_SHARES)
        self.fields = {part: weighted(weights.items()) for part, weights in FIELD_WEIGHTS.items()}
        self.surnames = weighted(SURNAMES)
        self.male_middle = weighted(MALE_MIDDLE)
        self.female_middle = weighted(FEMALE_MIDDLE)
        self.open_recent = weighted(OPEN_STATES_RECENT)
        self.open_old = weighted(OPEN_STATES_OLD)
        self.recognised_states = weighted(RECOGNISED_STATES)
        self.levels_before = weighted(LEVEL_SHARES_BEFORE)
        self.levels_after = weighted(LEVEL_SHARES_AFTER)

    def pick(self, choices):
        return pick(self.rng, choices)

    def commune(self) -> Commune:
        return self.pick(self.communes)

    def place(self, commune: Commune) -> Place:
        part = self.pick(self.parts)
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
        assert model.recognised_on is not None  # set with the recognised states above
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
    *, count: int = HANOI_MODELS, recognised: int = HANOI_RECOGNISED, seed: int = SEED
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
