"""Factories and helpers for the registry's tests: models are built through the services."""

import datetime
import io
import re
import struct
import zlib
from collections import deque
from decimal import Decimal
from typing import Any

import docx
import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.text.paragraph import Paragraph

from danvan.registry import services
from danvan.registry.models import (
    TRANSITIONS,
    Council,
    Criterion,
    Field,
    ModelKind,
    PracticeModel,
    RecognitionLevel,
    Rubric,
    Status,
)

DECISION_DATE = datetime.date(2026, 1, 5)
# Letters only Vietnamese uses: a message in Vietnamese has some, its English msgid none.
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)


def in_vietnamese(text: str) -> bool:
    return bool(VIETNAMESE_LETTERS.search(text))


def field(code: str = "kinh-te") -> Field:
    """Return one of the four fields seeded by the migrations."""
    return Field.objects.get(code=code)


def level(code: str = "co-so") -> RecognitionLevel:
    """Return a seeded recognition level: co-so, huyen (ends 2025-06-30) or thanh-pho."""
    return RecognitionLevel.objects.get(code=code)


class PracticeModelFactory(factory.django.DjangoModelFactory):
    """Register a model through `services.register_model`; pass `unit=` and maybe `actor=`."""

    class Meta:
        model = PracticeModel

    actor = None
    name = factory.Sequence(lambda n: f"Mô hình số {n}")
    kind = ModelKind.COLLECTIVE
    field = factory.LazyFunction(field)
    year = 2026
    # Plain words that no test searches for, so a search only finds what the names say.
    situation = "Đường ngõ xóm xuống cấp, ngập khi mưa lớn."
    goals = "Bê tông hóa 2 km đường ngõ trong năm."
    content = "Họp tổ, chia việc, góp ngày công sửa đường."

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        return services.register_model(actor=actor, **kwargs)


class RubricFactory(factory.django.DjangoModelFactory):
    """A rubric is configuration an administrator edits in the admin: no service for it."""

    class Meta:
        model = Rubric

    name = factory.Sequence(lambda n: f"Tiêu chí đánh giá {n}")
    good_threshold = Decimal("70")
    effective_from = datetime.date(2025, 1, 1)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    rubric = factory.SubFactory(RubricFactory)
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Tiêu chí {n}")
    weight = Decimal("1")
    max_score = 10


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Hội đồng đánh giá {n}")
    year = 2026
    rubric = factory.SubFactory(RubricFactory, issuer=factory.SelfAttribute("..unit"))

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


def council_for(unit, members=(), *, threshold="70", criteria=((1, 10),)) -> Council:
    """A council of `unit` whose rubric has one criterion per (weight, max score)."""
    rubric = RubricFactory(issuer=unit, good_threshold=Decimal(threshold))
    for weight, max_score in criteria:
        CriterionFactory(rubric=rubric, weight=Decimal(str(weight)), max_score=max_score)
    return CouncilFactory.create(unit=unit, rubric=rubric, members=list(members))


def path_to(status: str) -> list[str]:
    """The shortest list of allowed moves from “registered” to `status`."""
    seen: dict[str, list[str]] = {Status.REGISTERED: []}
    queue: deque[str] = deque([Status.REGISTERED])
    while queue:
        current = queue.popleft()
        if current == status:
            return seen[current]
        for target in sorted(TRANSITIONS[current]):
            if target not in seen:
                seen[target] = [*seen[current], target]
                queue.append(target)
    raise ValueError(f"{status} cannot be reached")


def move_to(model: PracticeModel, status: str, *, actor=None) -> PracticeModel:
    """Walk a model through `services.transition` until it has `status`: `actor` makes the
    moves by hand, the system (None) the ones a council result or a decision makes."""
    for step in path_to(status):
        mover = None if step in services.DECIDED_STATES else actor
        model = services.transition(actor=mover, model=model, to=step)
    return model


def put_under_review(model: PracticeModel, *, actor=None) -> PracticeModel:
    model = services.launch_model(actor=actor, model=model)
    return services.start_review(actor=actor, model=model)


def score_all(council: Council, model: PracticeModel, member, values) -> None:
    """Score every criterion of the council's rubric, in order, with the given values."""
    criteria = list(council.rubric.criteria.all())
    services.score_model(
        actor=member,
        council=council,
        model=model,
        values={c.pk: v for c, v in zip(criteria, values, strict=True)},
    )


def make_good(model: PracticeModel, council: Council, *, actor=None, decider=None) -> PracticeModel:
    """Review a registered model (moved by `actor`) and have `decider` classify it good with
    full marks from the council's first member."""
    member = council.members.first()
    if model.status != Status.UNDER_REVIEW:
        model = put_under_review(model, actor=actor)
    score_all(council, model, member, [c.max_score for c in council.rubric.criteria.all()])
    services.classify_model(actor=decider, council=council, model=model)
    model.refresh_from_db()
    assert model.status == Status.GOOD
    return model


def recognise(model: PracticeModel, *, actor=None, issuer=None, **overrides):
    decision: dict[str, Any] = {
        "level": level("co-so"),
        "issuer": issuer or services.territory_of(model.unit),
        "decision_number": 5,
        "decision_symbol": "QĐ-BDV",
        "decision_date": DECISION_DATE,
        "signer_name": "Nguyễn Văn An",
        "signer_title": "Trưởng ban",
    }
    decision.update(overrides)
    recognition = services.recognise_model(actor=actor, model=model, **decision)
    model.refresh_from_db()
    return recognition


# Files


def png_bytes() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả mô hình")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_text(content: bytes) -> str:
    """Every paragraph of a Word file, table cells included, one per line."""

    def walk(container):
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                yield block.text
            else:
                for row in block.rows:
                    for cell in row.cells:
                        yield from walk(cell)

    return "\n".join(walk(docx.Document(io.BytesIO(content))))
