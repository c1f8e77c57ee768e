"""lib.textsim: the hybrid ranking with and without diacritics, the classifier, themes."""

import io
import zipfile

import numpy as np
import pytest

from danvan.lib import textsim

CASES = [
    (1, "Ngõ 12 phố Trần Phú bị ngập nước sâu mỗi khi mưa to"),
    (2, "Hàng xóm hát karaoke ồn ào đến nửa đêm"),
    (3, "Rác thải không được thu gom ở chợ Hà Đông"),
    (4, "Đèn đường ngõ 5 hỏng cả tháng nay chưa sửa"),
    (5, "Công trình xây dựng lấn chiếm vỉa hè phố Quang Trung"),
]


@pytest.fixture
def stored():
    """The candidates with their stored (packed) embeddings."""
    vectors = textsim.embed_passages([text for _id, text in CASES])
    assert vectors is not None and vectors.shape == (5, textsim.DIM)
    return [(i, text, textsim.pack(v)) for (i, text), v in zip(CASES, vectors, strict=True)]


def ids(matches):
    return [m.id for m in matches]


def test_paraphrase_with_diacritics_ranks_first_on_meaning(stored):
    found = textsim.rank("Mưa lớn là ngõ 12 Trần Phú lại ngập", stored)
    assert ids(found) == [1]
    assert found[0].semantic is not None and found[0].semantic > found[0].lexical


def test_paraphrase_of_noise_is_found(stored):
    assert ids(textsim.rank("Hát karaoke gây ồn ào khu dân cư ban đêm", stored)) == [2]


def test_text_typed_without_diacritics_matches_on_folded_words(stored):
    found = textsim.rank("ngo 12 tran phu ngap nuoc khi mua", stored)
    assert ids(found) == [1]
    assert found[0].lexical >= textsim.DEFAULT_THRESHOLD


def test_unrelated_text_matches_nothing(stored):
    assert textsim.rank("Xin cấp giấy phép kinh doanh quán ăn", stored) == []
    assert textsim.rank("Trẻ em không có chỗ vui chơi", stored) == []


def test_without_embeddings_the_words_still_rank(settings, stored):
    settings.TEXTSIM_EMBEDDINGS = False
    assert textsim.embed_query("ngập nước") is None
    assert textsim.embed_passages(["ngập nước"]) is None
    assert not textsim.embeddings_enabled()
    assert ids(textsim.rank("ngõ 12 Trần Phú ngập nước khi mưa", stored)) == [1]
    assert ids(textsim.rank("ngo 12 tran phu ngap nuoc", [(1, CASES[0][1])])) == [1]


def test_pack_and_unpack_keep_the_vector():
    vector = textsim.embed_query("đèn đường hỏng")
    blob = textsim.pack(vector)
    assert len(blob) == textsim.DIM * 2
    assert np.allclose(textsim.unpack(blob), vector, atol=1e-3)
    matrix, mask = textsim.unpack_many([blob, None, b"short"])
    assert mask.tolist() == [True, False, False]
    assert not matrix[1].any()


# Phrasings of five topics a citizen writes about, varied in words and marks.
TOPICS = {
    "ngap": [
        "Đường ngập nước sau mưa lớn",
        "Ngõ bị ngập úng mỗi khi mưa",
        "Nước mưa không thoát được, phố ngập sâu",
        "ngap nuoc o ngo 5 khi troi mua",
        "Cống thoát nước tắc gây ngập đường",
        "Mưa to là khu tập thể ngập đến đầu gối",
        "Đoạn đường trũng ngập nước nhiều ngày",
        "duong ngap ung sau moi tran mua",
    ],
    "rac": [
        "Rác thải tồn đọng ở đầu ngõ nhiều ngày",
        "Không ai thu gom rác ở chợ",
        "Bãi rác tự phát bốc mùi hôi thối",
        "rac thai vut bua bai canh ho",
        "Xe rác không đến thu gom đúng giờ",
        "Người dân đổ rác trộm ra vỉa hè",
        "Rác sinh hoạt chất đống gây ô nhiễm",
        "thung rac day tran ra duong",
    ],
    "on": [
        "Hàng xóm hát karaoke ồn ào đến khuya",
        "Quán nhậu gây tiếng ồn ban đêm",
        "Công trường làm việc ồn ào cả đêm",
        "karaoke on ao qua 11 gio dem",
        "Loa kẹo kéo mở to làm mất ngủ",
        "Tiếng ồn từ xưởng cơ khí rất lớn",
        "Tiệc cưới mở nhạc ầm ĩ đến nửa đêm",
        "tieng on lam tre nho khong ngu duoc",
    ],
    "den": [
        "Đèn đường hỏng cả tháng chưa sửa",
        "Ngõ tối om vì đèn chiếu sáng không bật",
        "Cột đèn bị gãy chưa được thay",
        "den duong khong sang vao ban dem",
        "Hệ thống chiếu sáng công cộng bị hỏng",
        "Bóng đèn đường nhấp nháy rồi tắt hẳn",
        "Đèn cao áp ở ngã tư không hoạt động",
        "ngo toi vi den hong lau ngay",
    ],
    "via-he": [
        "Quán ăn lấn chiếm vỉa hè làm chỗ ngồi",
        "Xe máy đỗ kín vỉa hè, người đi bộ phải xuống lòng đường",
        "Hàng rong bày bán chiếm hết lối đi",
        "lan chiem via he de xe o to",
        "Cửa hàng dựng mái che lấn ra vỉa hè",
        "Vỉa hè bị chiếm làm bãi trông giữ xe",
        "Người bán hàng bày hàng tràn ra lòng đường",
        "via he bi chiem dung de kinh doanh",
    ],
}


def samples():
    return [(text, label) for label, texts in TOPICS.items() for text in texts]


def test_classifier_reaches_its_accuracy_and_predicts():
    model = textsim.TopicClassifier.train(samples())
    assert model.n_samples == 40
    assert model.accuracy is not None and model.accuracy >= 0.8
    label, confidence = model.predict("Mưa xong là ngõ nhà tôi ngập hết")[0]
    assert label == "ngap" and 0 < confidence <= 1
    assert model.predict("quan karaoke hat on den 2 gio sang")[0][0] == "on"
    assert len(model.predict("đèn hỏng", top=3)) == 3


def test_classifier_refuses_too_little_to_learn():
    with pytest.raises(ValueError):
        textsim.TopicClassifier.train([("ngập nước", "ngap"), ("rác", "rac")])


def test_classifier_bytes_hold_no_pickle():
    model = textsim.TopicClassifier.train(samples())
    blob = model.to_bytes()
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for name in archive.namelist():
            with archive.open(name) as member:
                header = member.read(128)
            assert b"pickle" not in header.lower()
            assert np.lib.format.read_magic(archive.open(name)) is not None
    again = textsim.TopicClassifier.from_bytes(blob)
    assert again.classes == model.classes and again.accuracy == model.accuracy
    text = "Cống tắc nên đường ngập"
    assert again.predict(text)[0][0] == model.predict(text)[0][0]


def test_themes_group_the_same_complaints():
    texts = [text for _id, text in CASES] + [
        "Ngõ 12 Trần Phú ngập úng khi mưa",
        "Karaoke ồn ào ban đêm không ngủ được",
        "rac thai o cho ha dong khong ai don",
    ]
    for vectors in (None, textsim.embed_passages(texts)):
        themes = textsim.group_themes(texts, vectors)
        groups = sorted(sorted(t.members) for t in themes)
        assert [0, 5] in groups and [2, 7] in groups
        assert all(t.label for t in themes)
        assert all(t.central in t.members for t in themes)
    assert textsim.group_themes(["một"]) == []


def test_no_candidates_no_matches():
    assert textsim.rank("ngập nước ngõ 12", []) == []
    assert len(textsim.TextIndex([], [])) == 0


def test_theme_labels_keep_the_marks_the_texts_wrote():
    texts = [
        "Ngõ 12 phố Trần Phú bị ngập nước sâu mỗi khi mưa to",
        "Mưa to là ngõ 12 phố Trần Phú lại ngập nước sâu",
        "ngo 12 pho tran phu ngap nuoc sau khi mua to",  # typed without marks: still grouped
        "Karaoke ồn ào ban đêm",
    ]
    [theme] = textsim.group_themes(texts)
    assert sorted(theme.members) == [0, 1, 2]
    assert "ngõ" in theme.label or "nước" in theme.label, theme.label
    assert not {"ngo", "nuoc", "pho", "ngap"} & set(theme.label.replace(",", " ").split())
