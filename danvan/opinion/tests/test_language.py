"""Offline language processing of opinion items: the topic classifier and its suggestions,
which never hold up a report; the themes and their page (scope, sensitive topics)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from danvan.core.models import Job, TextModel
from danvan.lib.textsim import TopicClassifier
from danvan.opinion import language, services
from danvan.opinion.models import OpinionItem, Theme
from danvan.opinion.tests.conftest import FEB, JAN, at, item

pytestmark = pytest.mark.django_db

# A fixed labelled set: varied wordings of four topics, with and without diacritics.
SUBJECTS = {
    "dat-dai": [
        "thu hồi đất làm đường",
        "giải phóng mặt bằng dự án",
        "cấp sổ đỏ chậm",
        "đền bù đất nông nghiệp thấp",
        "tranh chấp ranh giới thửa đất",
        "lấn chiếm đất công",
    ],
    "moi-truong": [
        "rác thải ùn ứ ven đường",
        "khói bụi từ nhà máy",
        "nước thải đổ ra sông",
        "ô nhiễm tiếng ồn ban đêm",
        "đốt rơm rạ gây khói",
        "mùi hôi từ bãi rác",
    ],
    "gia-ca-thi-truong": [
        "giá xăng tăng liên tục",
        "giá điện tăng cao",
        "giá thịt lợn leo thang",
        "giá rau ngoài chợ đắt",
        "giá gạo tăng mạnh",
        "giá gas tăng từng tháng",
    ],
    "y-te-giao-duc": [
        "học phí trường công tăng",
        "bệnh viện quá tải",
        "thiếu giáo viên tiểu học",
        "thuốc bảo hiểm y tế thiếu",
        "trạm y tế xuống cấp",
        "học sinh học thêm nhiều",
    ],
}
FRAMES = [
    "Người dân phản ánh {s}.",
    "Bà con băn khoăn về việc {s} trong thời gian qua.",
    "Nhiều ý kiến cho rằng {s} ảnh hưởng đời sống.",
]
HELD_OUT = [
    ("Cử tri kiến nghị về việc thu hồi đất và đền bù chưa thỏa đáng.", "dat-dai"),
    ("Nhân dân bức xúc vì rác thải và nước thải gây ô nhiễm.", "moi-truong"),
    ("Người dân lo lắng giá xăng, giá điện tăng cao.", "gia-ca-thi-truong"),
    ("Phụ huynh phàn nàn học phí và thiếu giáo viên.", "y-te-giao-duc"),
    ("nguoi dan phan anh gia gao, gia thit tang manh", "gia-ca-thi-truong"),
    ("ba con buc xuc rac thai un u, mui hoi bai rac", "moi-truong"),
]

FLOOD = [
    "Đường Láng ngập sâu sau mỗi trận mưa lớn, xe chết máy hàng loạt.",
    "Mưa lớn làm đường Láng ngập sâu, nhiều xe máy chết máy.",
    "Sau cơn mưa lớn đường Láng lại ngập sâu, xe chết máy giữa đường.",
]
UNRELATED = "Bà con đề nghị tổ chức giải bóng chuyền hơi cho người cao tuổi."
CHURCH = [
    "Giáo dân băn khoăn về việc sửa chữa nhà thờ giáo xứ bị chậm.",
    "Việc sửa chữa nhà thờ giáo xứ chậm khiến giáo dân băn khoăn.",
]


def _labelled(topics):
    return [
        item(topics[code], content=frame.format(s=subject))
        for code, subjects in SUBJECTS.items()
        for subject in subjects
        for frame in FRAMES
    ]


def _file(actor, collaborator, month, items):
    return services.file_monthly_report(
        actor=actor,
        collaborator=collaborator,
        month=month,
        now=at(month.year, month.month + 1, 2),
        items=items,
    )


def test_classifier_accuracy_on_a_fixed_labelled_set(ctv, clerk_a, topics):
    with pytest.raises(CommandError):
        call_command("classify_opinion", stdout=io.StringIO())  # nothing trained yet
    _file(clerk_a, ctv["a1"], JAN, _labelled(topics))
    out = io.StringIO()
    call_command("train_topics", stdout=out)
    assert "Suggested a topic for 72 items" in out.getvalue()
    row = TextModel.objects.get(name="opinion-topics")
    assert row.name == "opinion-topics" and row.n_samples == 72
    assert row.accuracy is not None and row.accuracy >= 0.8
    model = TopicClassifier.from_bytes(TextModel.objects.get(pk=row.pk).blob)
    right = sum(model.predict(text)[0][0] == code for text, code in HELD_OUT)
    assert right >= 5, [(t, model.predict(t)) for t, _c in HELD_OUT]


def test_a_report_filed_without_a_model_is_saved_then_classified(
    ctv, clerk_a, topics, django_capture_on_commit_callbacks
):
    text, _code = HELD_OUT[2]
    with django_capture_on_commit_callbacks(execute=True):
        report = _file(clerk_a, ctv["a2"], JAN, [item(topics["gia-ca-thi-truong"], content=text)])
    pending = report.items.get()
    assert pending.suggested_topic is None  # saved, nothing to classify it with yet
    _file(clerk_a, ctv["a1"], JAN, _labelled(topics))
    language.train_topics()
    assert language.classify_pending() == 73
    pending.refresh_from_db()
    assert pending.suggested_topic.code == "gia-ca-thi-truong"
    # With a model, a new report's items are classified in the background after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        later = _file(clerk_a, ctv["a1"], FEB, [item(topics["moi-truong"], content=HELD_OUT[1][0])])
    assert later.items.get().suggested_topic.code == "moi-truong"


def test_the_report_page_shows_a_suggested_topic_that_differs(ctv, clerk_a, staff, topics, english):
    report = _file(
        clerk_a,
        ctv["a2"],
        JAN,
        [item(topics["dat-dai"], content=HELD_OUT[2][0]), item(topics["ton-giao"])],
    )
    first, religious = report.items.order_by("pk")
    services.set_suggested_topics(
        suggestions={first.pk: "gia-ca-thi-truong", religious.pk: "ton-giao"}
    )
    page = staff(clerk_a).get(reverse("opinion:report", args=[report.pk])).content.decode()
    assert page.count("Suggested topic:") == 1 and "Suggested topic: Giá cả, thị trường" in page


def test_a_failing_classifier_never_blocks_a_report(
    ctv, clerk_a, topics, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("model store down")

    monkeypatch.setattr(language, "classify_pending", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = _file(clerk_a, ctv["a1"], JAN, [item(topics["dat-dai"])])
    assert report.items.get().suggested_topic is None


def _themes_fixture(tree, ctv, clerk_a, clerk_b, topics):
    _file(
        clerk_a,
        ctv["a1"],
        JAN,
        [item(topics["moi-truong"], content=FLOOD[0]), item(topics["ton-giao"], content=CHURCH[0])],
    )
    _file(
        clerk_a,
        ctv["a1"],
        FEB,
        [
            item(topics["moi-truong"], content=FLOOD[1]),
            item(topics["an-sinh-xa-hoi"], content=UNRELATED),
            item(topics["ton-giao"], content=CHURCH[1]),
        ],
    )
    _file(clerk_b, ctv["b1"], FEB, [item(topics["moi-truong"], content=FLOOD[2])])
    return language.compute_themes(months=3, today=datetime.date(2026, 3, 10), embeddings=False)


def test_themes_group_paraphrases_and_keep_the_unrelated_apart(tree, ctv, clerk_a, clerk_b, topics):
    themes = _themes_fixture(tree, ctv, clerk_a, clerk_b, topics)
    by_text = {t.central_text: t for t in themes}
    flood = next(t for t in themes if t.central_text in FLOOD)
    assert flood.size == 3 and not flood.sensitive
    assert (flood.first_month, flood.last_month) == (JAN, FEB)
    assert set(OpinionItem.objects.filter(theme=flood.pk).values_list("content", flat=True)) == set(
        FLOOD
    )
    assert OpinionItem.objects.get(content=UNRELATED).theme is None
    assert UNRELATED not in by_text
    assert any(t.sensitive and t.central_text in CHURCH for t in themes)
    # Computing again replaces the themes.
    language.compute_themes(months=3, today=datetime.date(2026, 3, 10), embeddings=False)
    assert Theme.objects.count() == len(themes)


def test_themes_page_hides_sensitive_topics_and_other_units(
    tree, ctv, clerk_a, clerk_b, city_officer, staff, topics
):
    themes = _themes_fixture(tree, ctv, clerk_a, clerk_b, topics)
    flood = next(t for t in themes if t.central_text in FLOOD)
    church = next(t for t in themes if t.sensitive)
    url = reverse("opinion:themes")
    clerk = staff(clerk_a)
    page = clerk.get(f"{url}?unit={tree.a.commune.pk}")
    assert [t.pk for t in page.context["page"]] == [flood.pk]
    assert page.context["page"][0].visible == 2  # ward B's item is not counted
    body = page.content.decode()
    assert "nhà thờ" not in body and "giáo xứ" not in body
    in_a = f"?unit={tree.a.commune.pk}"
    assert clerk.get(reverse("opinion:theme", args=[church.pk]) + in_a).status_code == 404
    detail = clerk.get(reverse("opinion:theme", args=[flood.pk]) + in_a)
    assert FLOOD[2] not in detail.content.decode() and FLOOD[0] in detail.content.decode()
    # Out of scope: ward A's clerk cannot ask for ward B.
    assert clerk.get(f"{url}?unit={tree.b.commune.pk}").status_code == 404
    officer = staff(city_officer)
    listed = officer.get(f"{url}?unit={tree.city.pk}").context["page"]
    assert {t.pk for t in listed} == {flood.pk, church.pk}
    # Search by folded words, marks or not.
    found = officer.get(f"{url}?unit={tree.city.pk}&q=duong lang ngap").context["page"]
    assert [t.pk for t in found] == [flood.pk]


def test_themes_list_queries_do_not_grow(
    tree, ctv, clerk_a, clerk_b, city_officer, staff, topics, django_assert_max_num_queries
):
    _themes_fixture(tree, ctv, clerk_a, clerk_b, topics)
    client = staff(city_officer)
    url = f"{reverse('opinion:themes')}?unit={tree.city.pk}"
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    _file(clerk_b, ctv["b1"], JAN, [item(topics["dat-dai"], content=c) for c in CHURCH + FLOOD])
    language.compute_themes(months=3, today=datetime.date(2026, 3, 10), embeddings=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_language_page_for_administrators_only(tree, ctv, clerk_a, city_admin, staff, topics):
    url = reverse("opinion:language")
    assert staff(clerk_a).get(url).status_code == 403
    assert staff(clerk_a).post(url, {"action": "train"}).status_code == 403
    assert not Job.objects.exists()
    _file(clerk_a, ctv["a1"], JAN, _labelled(topics))
    admin = staff(city_admin)
    answer = admin.post(url, {"action": "train"})
    job = Job.objects.get(kind="opinion.train_topics")
    assert answer.status_code == 302 and job.status == Job.Status.DONE
    page = admin.get(url)
    assert page.status_code == 200
    themes = admin.get(f"{reverse('opinion:themes')}?unit={tree.city.pk}").content.decode()
    assert url in themes
    clerk_themes = staff(clerk_a).get(f"{reverse('opinion:themes')}?unit={tree.a.commune.pk}")
    assert url not in clerk_themes.content.decode()
    assert page.context["model"].n_samples == 72 and page.context["pending"] == 0
    assert "72" in page.content.decode()
    admin.post(url, {"action": "themes"})
    assert Job.objects.get(kind="opinion.themes").status == Job.Status.DONE
