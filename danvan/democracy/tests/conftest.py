"""Households and helpers for the democracy tests, built through the services."""

import datetime

import pytest
from django.utils import timezone, translation

from danvan.democracy import services
from danvan.democracy.models import Household, PublicationGroup
from danvan.democracy.scorecards import forget_versions


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Argon2 costs 0.2 s a user; these tests log in with force_login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_households(hamlet, n: int, *, start: int = 1) -> list[Household]:
    """n households on a hamlet's register (bulk, as an import writes them)."""
    households = [
        Household(
            hamlet=hamlet,
            head_name=f"Nguyễn Văn Hộ {i}",
            members=3,
            address=f"Số {i}, ngõ 12",
            search_text=f" nguyen van ho {i} so {i} ngo 12 ",
        )
        for i in range(start, start + n)
    ]
    return Household.objects.bulk_create(households)


@pytest.fixture(autouse=True)
def _no_versions_of_earlier_tests():
    """The versions a worker read are kept a second: not across tests."""
    forget_versions()
    yield
    forget_versions()


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked by their English text (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def households():
    return add_households


PAST = datetime.date(2026, 3, 2)  # a Monday


def open_vote(actor, hamlet, *, kind="other", method="meeting", vote_date=PAST, **extra):
    return services.open_matter(
        actor=actor,
        hamlet=hamlet,
        kind=kind,
        title=extra.pop("title", "Làm đường bê tông ngõ 12"),
        method=method,
        vote_date=vote_date,
        **extra,
    )


TODAY = timezone.localdate()
LAST_MONTH = TODAY - datetime.timedelta(days=30)


def publish(actor, commune, n=1, *, title="Danh sách hộ nghèo"):
    group = PublicationGroup.objects.get(code="ho-tro")
    return [
        services.register_publication(
            actor=actor,
            commune=commune,
            group=group,
            title=f"{title} {i}",
            document_date=LAST_MONTH,
            published_on=LAST_MONTH,
            channels=["notice_board"],
        )
        for i in range(n)
    ]


@pytest.fixture
def world(tree, clerk_a):
    """One of everything in ward A."""
    households = add_households(tree.a.hamlet, 20)
    publication = publish(clerk_a, tree.a.commune)[0]
    matter = services.open_matter(
        actor=clerk_a,
        hamlet=tree.a.hamlet,
        kind="other",
        title="Lắp camera",
        method="meeting",
        vote_date=LAST_MONTH,
    )
    matter = services.tally_vote(
        actor=clerk_a, matter=matter, participated=15, yes=12, no=3, minutes="Biên bản số 3"
    )
    online = services.open_matter(
        actor=clerk_a,
        hamlet=tree.a.hamlet,
        kind="other",
        title="Trồng cây",
        method="online",
        vote_date=TODAY + datetime.timedelta(days=5),
    )
    services.issue_voting_codes(actor=clerk_a, matter=online)
    consultation = services.open_consultation(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="plan",
        title="Dự thảo quy hoạch vườn hoa",
        summary="Sân chơi và cây xanh.",
        opens_on=TODAY - datetime.timedelta(days=3),
        closes_on=TODAY + datetime.timedelta(days=10),
    )
    services.submit_comment(
        consultation=consultation, text="Giữ cây xà cừ", contact="lienhe.rieng@example.vn"
    )
    board = services.set_up_board(
        actor=clerk_a,
        commune=tree.a.commune,
        kind="inspection",
        name="Ban Thanh tra nhân dân",
        term_start=LAST_MONTH,
    )
    services.add_member(actor=clerk_a, board=board, full_name="Ngô Thị Ban", joined_on=LAST_MONTH)
    dialogue = services.record_dialogue(
        actor=clerk_a,
        commune=tree.a.commune,
        held_on=LAST_MONTH,
        place="Hội trường",
        chaired_by="Chủ tịch UBND",
        participants=90,
        items=[("Câu hỏi", "Trả lời", "Theo dõi")],
    )
    return {
        "commune": tree.a.commune.pk,
        "hamlet": tree.a.hamlet.pk,
        "household": households[0].pk,
        "publication": publication.pk,
        "matter": matter.pk,
        "online": online.pk,
        "consultation": consultation.pk,
        "board": board.pk,
        "dialogue": dialogue.pk,
    }
