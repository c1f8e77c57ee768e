"""Certificates of a contest's prizes, printed through lib.documents."""

from collections.abc import Sequence

from django.utils import timezone

from danvan.contests.models import Prize
from danvan.lib.documents import Certificate, render_certificates_pdf
from danvan.organisations.demo import in_sentence
from danvan.organisations.kinds import TERRITORIAL
from danvan.organisations.models import Branch, UnitKind


def _place(unit) -> str:
    """The place line: the province's short name (Hà Nội) where it is known."""
    node = unit
    while node is not None:
        if node.kind == UnitKind.PROVINCE:
            return node.short_name or node.name
        node = node.parent
    return unit.short_name or unit.name


def certificate(prize: Prize) -> Certificate:
    """The certificate of a confirmed prize, signed as its decision was."""
    contest = prize.round.contest
    issuer = prize.organiser
    parent = issuer.parent
    prize_name = prize.quota.title or prize.kind.name
    if prize.cluster is not None:
        prize_name = f"{prize_name} {in_sentence(prize.cluster.name)}"
    number = ""
    if prize.decision_number:
        symbol = f"/{prize.decision_symbol}" if prize.decision_symbol else ""
        number = f"Theo Quyết định số {prize.decision_number:02d}{symbol}"
    return Certificate(
        issuer_parent="" if parent is None or parent.kind in TERRITORIAL else parent.name.upper(),
        issuer=issuer.name.upper(),
        party=issuer.branch == Branch.PARTY,
        heading="GIẤY CHỨNG NHẬN",
        verb="",
        lead="Chứng nhận",
        recipient=prize.team.name,
        recipient_detail=prize.unit.name,
        achievement=f"Đạt {in_sentence(prize_name)}",
        event=f"tại {in_sentence(contest.name)}",
        register_line=number,
        place=_place(issuer),
        date=prize.decision_date or timezone.localdate(prize.confirmed_at or timezone.now()),
        signer_title=prize.signer_title or "TRƯỞNG BAN TỔ CHỨC",
        signer_name=prize.signer_name,
    )


def certificates_pdf(prizes: Sequence[Prize]) -> bytes:
    return render_certificates_pdf([certificate(p) for p in prizes])
