"""The month's public-opinion synthesis as a Party report (HD 36-HD/VPTW layout, lib.documents).

Aggregate only: topics, breadth, tendency, units and rumours; never a collaborator, not even
a code.
"""

import datetime

from django.utils import timezone

from danvan.lib.documents import BodyItem, OfficialDocument, render_docx, render_pdf
from danvan.opinion.models import Breadth, Tendency
from danvan.opinion.queries import Synthesis
from danvan.organisations.models import Unit, UnitKind

__all__ = ["render_docx", "render_pdf", "synthesis_document"]

ISSUER = "BAN TUYÊN GIÁO VÀ DÂN VẬN"
SYMBOL = "BC/BTGDV"
SIGNER = "T/M BAN TUYÊN GIÁO VÀ DÂN VẬN"
TENDENCY_WORDS = {
    Tendency.SUPPORT: "đồng tình",
    Tendency.OPPOSE: "không đồng tình",
    Tendency.HESITANT: "băn khoăn",
}
BREADTH_WORDS = {
    Breadth.OVERWHELMING: "Đại đa số",
    Breadth.MAJORITY: "Đa số",
    Breadth.MANY: "Nhiều",
    Breadth.SOME: "Một số",
}


def _place(unit: Unit) -> str:
    name = unit.short_name or unit.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _change(now: int, before: int) -> str:
    if now == before:
        return "không đổi"
    return f"tăng {now - before}" if now > before else f"giảm {before - now}"


def synthesis_document(
    synth: Synthesis, *, signer_name: str = "", date: datetime.date | None = None
) -> OfficialDocument:
    """The month's synthesis under its scope unit, as the Party's "BÁO CÁO"."""
    scope = synth.scope
    committee = (
        Unit.objects.filter(parent=scope, kind=UnitKind.PARTY_COMMITTEE).order_by("path").first()
    )
    month_words = f"tháng {synth.month.month} năm {synth.month.year}"
    body: list[BodyItem] = [
        (
            "I. TÌNH HÌNH CHUNG",
            f"Trong {month_words}, cộng tác viên dư luận xã hội trên địa bàn {scope.name} "
            f"phản ánh {synth.total} ý kiến, dư luận (tháng trước: {synth.previous_total}; "
            f"{_change(synth.total, synth.previous_total)}). Báo cáo tổng hợp theo chủ đề, "
            "mức độ lan tỏa và xu hướng; không nêu danh tính người phản ánh.",
        ),
        ("II. DƯ LUẬN THEO CHỦ ĐỀ", "Số ý kiến theo chủ đề và so với tháng trước:"),
        [
            ["Chủ đề", "Số ý kiến", "Tháng trước", "Không đồng tình"],
            *[
                [row.topic.name, str(row.count), str(row.previous), str(row.oppose)]
                for row in synth.topics
            ],
        ],
        ("III. MỨC ĐỘ LAN TỎA VÀ XU HƯỚNG", "Số ý kiến theo mức độ lan tỏa và xu hướng:"),
        [
            ["Mức độ", *[TENDENCY_WORDS[t].capitalize() for t in Tendency]],
            *[
                [BREADTH_WORDS[breadth], *[str(n) for n in counts]]
                for breadth, counts in synth.breadth_tendency()
            ],
        ],
    ]
    if synth.hot_spots:
        body.append(
            (
                "IV. ĐIỂM NÓNG",
                "Các địa bàn có ý kiến không đồng tình tăng so với tháng trước:",
            )
        )
        body.append(
            [
                ["Địa bàn", "Chủ đề", "Tháng này", "Tháng trước"],
                *[
                    [s.unit.name, s.topic.name, str(s.oppose), str(s.previous)]
                    for s in synth.hot_spots[:20]
                ],
            ]
        )
    else:
        body.append(("IV. ĐIỂM NÓNG", "Không có địa bàn nào có ý kiến không đồng tình tăng."))
    body.append(
        (
            "V. TIN ĐỒN",
            f"Có {synth.rumour_count} tin đồn được phản ánh, đã trả lời, giải tỏa "
            f"{synth.rumours_handled}.",
        )
    )
    if synth.rumours:
        body.append(
            [
                ["Chủ đề", "Tin đồn", "Đã giải tỏa"],
                *[[r.topic.name, str(r.count), str(r.handled)] for r in synth.rumours],
            ]
        )
    date = date or timezone.localdate()
    return OfficialDocument(
        issuer_parent=(committee.name.upper() if committee else scope.name.upper()),
        issuer=ISSUER,
        party=True,
        number=1,
        symbol=SYMBOL,
        place=_place(scope),
        date=date,
        kind_title="BÁO CÁO",
        subject=f"Tình hình dư luận xã hội {month_words}",
        body=body,
        signer_title=SIGNER,
        signer_name=signer_name,
        recipients=["Thường trực Thành ủy (để báo cáo)", "Lưu Văn phòng"],
    )
