"""The category suggested from a case's words: trained on the cases, shown as a hint while
the citizen types and on the clerk's case page where it differs from the chosen one."""

import pytest
from django.urls import reverse

from danvan.voice import categories
from danvan.voice.models import Category
from danvan.voice.tests.conftest import send

pytestmark = pytest.mark.django_db

WORDS = {
    "moi-truong": [
        "rác thải tồn đọng",
        "khói bụi nhà máy",
        "nước thải đổ ra mương",
        "mùi hôi bãi rác",
    ],
    "giao-thong": [
        "đường thủng ổ gà",
        "cầu vượt xuống cấp",
        "đèn tín hiệu giao thông hỏng",
        "ùn tắc giờ cao điểm",
    ],
    "dien-nuoc": [
        "mất điện cả ngày",
        "nước sinh hoạt đục",
        "đèn đường không sáng",
        "mất nước kéo dài",
    ],
}
FRAMES = [
    "Khu dân cư có {s} nhiều ngày.",
    "Đề nghị xử lý {s} ở đầu ngõ.",
    "Người dân phản ánh {s}.",
]


def _cases(tree):
    for code, subjects in WORDS.items():
        category = Category.objects.get(code=code)
        for subject in subjects:
            for frame in FRAMES:
                text = frame.format(s=subject)
                send(tree, category=category, title=text, description=text)


def test_no_model_no_hint(tree, client):
    assert categories.suggest_category("Đường thủng nhiều ổ gà") is None
    html = client.get(
        reverse("public:similar"), {"commune": tree.a.commune.pk, "title": "Đường thủng nhiều ổ gà"}
    ).content.decode()
    assert "category-hint" not in html


def test_trained_hint_while_typing_and_on_the_case_page(tree, client, staff, clerk_a):
    _cases(tree)
    row = categories.train_categories()
    assert row.name == "voice-categories" and row.n_samples == 36
    assert row.accuracy is not None and row.accuracy >= 0.7
    assert categories.suggest_category("Mất điện liên tục vào buổi tối").code == "dien-nuoc"
    html = client.get(
        reverse("public:similar"),
        {"commune": tree.a.commune.pk, "title": "Đường thủng ổ gà rất nguy hiểm"},
    ).content.decode()
    assert 'id="category-hint"' in html and "Giao thông, hạ tầng đường sá" in html
    # The clerk's page: the suggestion where it differs from the citizen's choice.
    text = "Mất nước sinh hoạt kéo dài cả tuần"
    wrong = send(
        tree, category=Category.objects.get(code="moi-truong"), title=text, description=text
    )
    page = staff(clerk_a).get(reverse("voice:detail", args=[wrong.pk])).content.decode()
    assert "suggested:" in page and "Điện, nước, chiếu sáng" in page
