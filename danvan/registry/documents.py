"""The recognition decision of a model, as an official document (NĐ 30/2020 layout)."""

from danvan.lib.documents import OfficialDocument
from danvan.organisations.kinds import TERRITORIAL
from danvan.organisations.models import Branch, UnitKind
from danvan.registry.models import Recognition


def _place(unit) -> str:
    """The place line: the province's short name (Hà Nội) where it is known."""
    for ancestor in [unit, *_ancestors(unit)]:
        if ancestor.kind == UnitKind.PROVINCE:
            return ancestor.short_name or ancestor.name
    return unit.short_name or unit.name


def _ancestors(unit):
    node = unit.parent
    while node is not None:
        yield node
        node = node.parent


def recognition_document(recognition: Recognition) -> OfficialDocument:
    model = recognition.model
    issuer = recognition.issuer
    parent = issuer.parent
    issuer_parent = "" if parent is None or parent.kind in TERRITORIAL else parent.name.upper()
    verb = "Công nhận"
    subject = (
        f"Về việc {verb.lower()} mô hình “Dân vận khéo” "
        f"“{model.name}” năm {recognition.decision_date.year}"
    )
    article_1 = (
        f"{verb} mô hình “{model.name}” của {model.unit.name} "
        f"(lĩnh vực {model.field.name.lower()}) là mô hình “Dân vận khéo” "
        f"{recognition.level.name.lower()} năm {recognition.decision_date.year}."
    )
    return OfficialDocument(
        issuer_parent=issuer_parent,
        issuer=issuer.name.upper(),
        party=issuer.branch == Branch.PARTY,
        number=recognition.decision_number,
        symbol=recognition.decision_symbol,
        place=_place(issuer),
        date=recognition.decision_date,
        kind_title="QUYẾT ĐỊNH",
        subject=subject,
        authority=f"{recognition.signer_title.upper()} {issuer.name.upper()}",
        preamble=[
            "Căn cứ Kế hoạch số 70-KH/BDVTW ngày 26/02/2009 của Ban Dân vận Trung ương "
            "về triển khai phong trào thi đua “Dân vận khéo”;",
            "Căn cứ kết quả xét duyệt của Hội đồng đánh giá mô hình “Dân vận khéo”;",
        ],
        enacting="QUYẾT ĐỊNH:",
        body=[
            ("Điều 1.", article_1),
            (
                "Điều 2.",
                f"{model.unit.name} có trách nhiệm duy trì, phát huy hiệu quả và "
                "phổ biến, nhân rộng mô hình.",
            ),
            (
                "Điều 3.",
                "Quyết định có hiệu lực kể từ ngày ký. Văn phòng, các đơn vị liên quan và "
                f"{model.unit.name} chịu trách nhiệm thi hành Quyết định này.",
            ),
        ],
        signer_title=recognition.signer_title.upper(),
        signer_name=recognition.signer_name,
        recipients=["Như Điều 3;", "Lưu: VT."],
    )
