"""The award decision (NĐ 30/2020 layout, or the Party's for a Party body), the city's
submission to an external authority, and the certificates (A4 landscape) of awards and of
training courses, all drawn by `lib.documents`."""

from collections.abc import Sequence

from danvan.awards.models import Award, Decision, Nomination
from danvan.lib.documents import Certificate, OfficialDocument
from danvan.organisations.kinds import TERRITORIAL
from danvan.organisations.models import Branch, Unit, UnitKind


def _money(amount: int | None) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng" if amount else ""


def place_of(unit: Unit | None) -> str:
    """The place line: the province's short name (Hà Nội) where it is known."""
    node = unit
    while node is not None:
        if node.kind == UnitKind.PROVINCE:
            return node.short_name or node.name
        node = node.parent
    return unit.short_name or unit.name if unit is not None else "Hà Nội"


def _issuer_parent(issuer: Unit) -> str:
    parent = issuer.parent
    return "" if parent is None or parent.kind in TERRITORIAL else parent.name.upper()


def decision_document(decision: Decision, awards: Sequence[Award]) -> OfficialDocument:
    """The decision that awards: Article 1 names the award and the list of recipients, each
    with the achievement, Article 2 the money, Article 3 who carries it out."""
    issuer = decision.issuer
    award_name = decision.award_type.name
    individuals = [a for a in awards if a.cadre_id is not None]
    count = len(awards)
    whom = (
        f"{count} cá nhân"
        if len(individuals) == count
        else f"{count} tập thể"
        if not individuals
        else f"{count} tập thể và cá nhân"
    )
    rows: list[list[str]] = [["STT", "Tập thể, cá nhân", "Thành tích"]]
    for index, award in enumerate(awards, start=1):
        rows.append([str(index), award.recipient_name, award.achievement])
    money = [a for a in awards if a.amount]
    body: list = [
        (
            "Điều 1.",
            f"Tặng {award_name} cho {whom} đã có thành tích xuất sắc trong công tác dân vận "
            f"năm {awards[0].year if awards else decision.year} (danh sách dưới đây):",
        ),
        rows,
    ]
    if money:
        salary = money[0].base_salary
        body.append(
            (
                "Điều 2.",
                f"Mỗi tập thể, cá nhân được tặng {award_name} kèm theo tiền thưởng bằng "
                f"{money[0].money_multiple} lần mức lương cơ sở"
                + (f" ({_money(salary.amount)}/tháng)" if salary else "")
                + f", tổng cộng {_money(sum(a.amount or 0 for a in money))}, "
                "từ quỹ thi đua, khen thưởng theo quy định.",
            )
        )
    body.append(
        (
            f"Điều {3 if money else 2}.",
            "Quyết định có hiệu lực kể từ ngày ký. Văn phòng, các đơn vị liên quan và các "
            "tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        )
    )
    signer_title = decision.signer_title.upper() or "CHỦ TỊCH"
    name = issuer.name.upper() if issuer else decision.issuer_name.upper()
    return OfficialDocument(
        issuer_parent=_issuer_parent(issuer) if issuer else "",
        issuer=name,
        party=issuer is not None and issuer.branch == Branch.PARTY,
        number=decision.number,
        symbol=decision.symbol,
        place=place_of(issuer),
        date=decision.date,
        kind_title="QUYẾT ĐỊNH",
        subject=f"Về việc tặng {award_name}",
        authority=f"{signer_title} {name}",
        preamble=[
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng;",
            "Xét đề nghị của Hội đồng Thi đua - Khen thưởng,",
        ],
        enacting="QUYẾT ĐỊNH:",
        body=body,
        signer_title=signer_title,
        signer_name=decision.signer_name,
        recipients=["Như Điều " + ("3;" if money else "2;"), "Lưu: VT."],
    )


def submission_document(
    nominations: Sequence[Nomination], *, number: int, date, body_name: str
) -> OfficialDocument:
    """The city's submission (tờ trình) sending files up to an external authority."""
    first = nominations[0]
    decider = first.decider
    rows: list[list[str]] = [["STT", "Họ và tên, tập thể", "Đơn vị đề nghị"]]
    for index, nomination in enumerate(nominations, start=1):
        rows.append([str(index), nomination.recipient_name, nomination.proposer.name])
    body: list = [
        f"Kính gửi: {body_name}.",
        f"{decider.name} trân trọng đề nghị {body_name} xem xét, tặng "
        f"{first.award_type.name} cho {len(nominations)} tập thể, cá nhân có tên dưới đây "
        "(hồ sơ kèm theo):",
        rows,
    ]
    return OfficialDocument(
        issuer_parent=_issuer_parent(decider),
        issuer=decider.name.upper(),
        party=decider.branch == Branch.PARTY,
        number=number,
        symbol="TTr" if decider.branch != Branch.PARTY else "TTr/BTGDV",
        place=place_of(decider),
        date=date,
        kind_title="TỜ TRÌNH",
        subject=f"Về việc đề nghị tặng {first.award_type.name}",
        body=body,
        signer_title="TRƯỞNG BAN",
        signer_name="",
        recipients=["Như trên;", "Lưu: VT."],
    )


def award_certificate(award: Award) -> Certificate:
    """The certificate of an award (Bằng khen, Giấy khen, the medal …)."""
    decision = award.decision
    issuer = decision.issuer
    heading = award.award_type.certificate_title or award.award_type.name.upper()
    detail = ""
    if award.cadre is not None:
        posting = (
            award.cadre.postings.filter(start__lte=decision.date)
            .select_related("unit")
            .order_by("-start")
            .first()
        )
        if posting is not None:
            detail = f"{posting.position}, {posting.unit.name}"
    issuer_name = issuer.name.upper() if issuer else decision.issuer_name.upper()
    title = decision.signer_title.upper() or "CHỦ TỊCH"
    return Certificate(
        issuer_parent=_issuer_parent(issuer) if issuer else "",
        issuer=issuer_name,
        party=issuer is not None and issuer.branch == Branch.PARTY,
        heading=heading,
        awarded_by=f"{title} {issuer_name}",
        recipient=(f"Ông/Bà {award.recipient_name}" if award.cadre_id else award.recipient_name),
        recipient_detail=detail,
        achievement=award.achievement
        or f"Đã có thành tích trong công tác dân vận năm {award.year}",
        decision_line=f"Quyết định số {decision.number_line} ngày {decision.date:%d/%m/%Y}",
        register_line=f"Số sổ: {award.pk}",
        place=place_of(issuer),
        date=decision.date,
        signer_title=title,
        signer_name=decision.signer_name,
    )


def training_certificate(training) -> Certificate:
    """The certificate of a training course a cadre completed."""
    course = training.course
    organiser = course.organiser_unit
    name = (organiser.name if organiser else course.organiser).upper()
    hours = f", {course.hours} tiết" if course.hours else ""
    end = course.end or course.start
    return Certificate(
        issuer_parent=_issuer_parent(organiser) if organiser else "",
        issuer=name,
        party=organiser is not None and organiser.branch == Branch.PARTY,
        heading="GIẤY CHỨNG NHẬN",
        awarded_by=name,
        verb="CHỨNG NHẬN",
        recipient=f"Ông/Bà {training.cadre.full_name}",
        recipient_detail=f"Năm sinh: {training.cadre.birth_year}",
        achievement=(
            f"Đã hoàn thành {course.get_level_display().lower()} “{course.name}” "
            f"từ ngày {course.start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}{hours}. "
            f"Kết quả: {training.get_result_display().lower()}."
        ),
        decision_line="",
        register_line=f"Số: {training.certificate_number}" if training.certificate_number else "",
        place=place_of(organiser),
        date=training.certificate_date or end,
        signer_title="THỦ TRƯỞNG ĐƠN VỊ",
        signer_name="",
    )
