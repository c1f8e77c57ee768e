"""A generations event's programme and invitee list as official documents (NĐ 30/2020; HD 36
for a Party body), printed by `lib.documents`. Their set phrases are Vietnamese
administrative text whatever the reader's language, like the registry's decisions."""

import dataclasses
import datetime
from collections.abc import Sequence

from django.utils import timezone

from danvan.cadres.events import EventSection
from danvan.cadres.models import Event, Invitee, ProgrammeItem
from danvan.lib.documents import BodyItem, OfficialDocument
from danvan.organisations.kinds import TERRITORIAL
from danvan.organisations.models import Branch, Unit, UnitKind
from danvan.organisations.queries import territory_of

KINDS = ("programme", "invitees")


@dataclasses.dataclass(kw_only=True)
class Signing:
    """What the person printing says: number, symbol, date and signer."""

    number: int = 1
    symbol: str = ""
    date: datetime.date | None = None
    signer_title: str = ""
    signer_name: str = ""


def _place(unit: Unit) -> str:
    node: Unit | None = unit
    while node is not None:
        if node.kind == UnitKind.PROVINCE:
            name = node.short_name or node.name
            return name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        node = node.parent
    return unit.name


def _issuer_parent(unit: Unit) -> str:
    parent = unit.parent
    return "" if parent is None or parent.kind in TERRITORIAL else parent.name.upper()


def _party(unit: Unit) -> bool:
    return unit.branch == Branch.PARTY


def _symbol(unit: Unit, prefix: str, given: str) -> str:
    if given:
        return given
    return (
        f"{prefix}/ĐU"
        if _party(unit)
        else f"{prefix}-{'MTTQ' if unit.branch == Branch.FRONT else 'UBND'}"
    )


def _when(event: Event) -> str:
    day = event.date.strftime("%d/%m/%Y")
    if event.time:
        return f"{event.time.hour} giờ {event.time.minute:02d}, ngày {day}"
    return f"ngày {day}"


def _base(event: Event, signing: Signing, *, kind_title: str, subject: str, prefix: str, body):
    unit = event.unit
    return OfficialDocument(
        issuer_parent=_issuer_parent(unit),
        issuer=unit.name.upper(),
        party=_party(unit),
        number=signing.number,
        symbol=_symbol(unit, prefix, signing.symbol),
        place=_place(unit),
        date=signing.date or timezone.localdate(),  # dated on printing
        kind_title=kind_title,
        subject=subject,
        body=body,
        signer_title=signing.signer_title
        or ("T/M BAN THƯỜNG VỤ" if _party(unit) else "TM. ĐƠN VỊ"),
        signer_name=signing.signer_name,
        recipients=["Các đồng chí khách mời;", "Lưu: VP."],
    )


def programme_document(
    event: Event,
    programme: list[ProgrammeItem],
    invitee_count: int,
    sections: list[EventSection],
    signing: Signing,
) -> OfficialDocument:
    """The programme of the event: when, where, who, its items, and the other apps' parts
    (the awards presented there)."""
    body: list[BodyItem] = [
        ("I. MỤC ĐÍCH, YÊU CẦU", ""),
        event.description
        or "Gặp mặt, tri ân các thế hệ cán bộ đã và đang làm công tác dân vận qua các thời kỳ; "
        "ôn lại truyền thống, trao đổi kinh nghiệm, động viên đội ngũ cán bộ dân vận hôm nay.",
        ("II. THỜI GIAN, ĐỊA ĐIỂM", ""),
        ("Thời gian:", _when(event) + "."),
        ("Địa điểm:", event.place + "."),
        ("III. THÀNH PHẦN", ""),
        f"Các đồng chí cán bộ làm công tác dân vận của {territory_of(event.unit).name} qua các "
        "thời kỳ "
        f"({invitee_count} đồng chí, có danh sách kèm theo).",
        ("IV. CHƯƠNG TRÌNH", ""),
    ]
    if programme:
        rows: list[Sequence[str]] = [["Thời gian", "Nội dung", "Người thực hiện"]]
        rows += [
            [item.time.strftime("%H:%M") if item.time else "", item.title, item.presenter]
            for item in programme
        ]
        body.append(rows)
    else:
        body.append("Chương trình chi tiết sẽ được thông báo sau.")
    for number, section in enumerate(sections, start=5):
        body.append((f"{_roman(number)}. {section.title.upper()}", ""))
        if section.rows:
            body.append([section.columns, *section.rows])
        elif section.empty_text:
            body.append(section.empty_text)
    return _base(
        event,
        signing,
        kind_title="CHƯƠNG TRÌNH",
        subject=event.name,
        prefix="CTr",
        body=body,
    )


def invitee_document(event: Event, invitees: list[Invitee], signing: Signing) -> OfficialDocument:
    """The list of the event's invitees: name, year of birth, the post they are invited as."""
    rows: list[Sequence[str]] = [
        ["STT", "Họ và tên", "Năm sinh", "Chức vụ, đơn vị công tác", "Ghi chú"]
    ]
    for number, invitee in enumerate(invitees, start=1):
        cadre = invitee.cadre
        rows.append(
            [
                str(number),
                cadre.full_name,
                str(cadre.birth_year),
                invitee.title,
                "Đã nghỉ hưu" if cadre.retired_on else "",
            ]
        )
    name = f"{event.name[:1].lower()}{event.name[1:]}"
    body: list[BodyItem] = [
        f"Khách mời dự {name}, {_when(event)}, tại {event.place}.",
        rows if invitees else "Chưa có khách mời.",
    ]
    return _base(
        event,
        signing,
        kind_title="DANH SÁCH",
        subject=f"Khách mời dự {name}",
        prefix="DS",
        body=body,
    )


_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out
