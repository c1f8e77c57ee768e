"""Reading Vietnamese typed in TCVN3 (ABC) and VNI fonts, and leaving Unicode alone."""

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from danvan.lib.legacy_encodings import (
    TCVN3_TO_UNICODE,
    UNICODE_TO_TCVN3,
    UNICODE_TO_VNI,
    VIETNAMESE_LETTERS,
    Encoding,
    decode,
    detect,
    encode,
    font_encoding,
    is_syllable,
    is_upper_font,
    legacy_compatible,
    to_unicode,
)

SAMPLES = [
    "Hà Nội",
    "Việt Nam",
    "Dân vận khéo",
    "Đảng",
    "Mặt trận Tổ quốc",
    "Ủy ban nhân dân",
    "Phường Hoàn Kiếm",
    "Xã Sóc Sơn",
    "nghị quyết",
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
]

# Text as it comes out of real legacy documents, written down independently of the tables.
REAL_TCVN3 = [
    ("Hµ Néi", "Hà Nội"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("Uû ban nh©n d©n", "Uỷ ban nhân dân"),
    ("C¨n cø NghÞ ®Þnh sè 15/CP", "Căn cứ Nghị định số 15/CP"),
    ("quyÕt ®Þnh cña Bé tr\xadëng Bé Tµi chÝnh", "quyết định của Bộ trưởng Bộ Tài chính"),
    ("vÒ viÖc söa ®æi møc thuÕ suÊt", "về việc sửa đổi mức thuế suất"),
    ("MÆt trËn Tæ quèc ViÖt Nam", "Mặt trận Tổ quốc Việt Nam"),
]
REAL_VNI = [
    ("Haø Noäi", "Hà Nội"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("Baéc Ninh", "Bắc Ninh"),
    ("UÛY BAN NHAÂN DAÂN", "ỦY BAN NHÂN DÂN"),
    ("Ngöôøi cao tuoåi", "Người cao tuổi"),
]

# glibc's TCVN5712-1 codec (`iconv -f TCVN5712-1`) reads bytes 0xA1-0xFE as these letters;
# "-" marks the combining tones at 0xB0-0xB4, which are deliberately not decoded.
GLIBC_TCVN3 = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ-----àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵ"
)

WORDS = (
    "hà nội việt nam dân vận khéo đảng mặt trận tổ quốc ủy ban nhân phường hoàn kiếm xã "
    "sóc sơn nghị quyết cộng hòa hội chủ nghĩa mô hình công tác cán bộ đoàn thể phụ nữ "
    "thanh niên cựu chiến binh nông người cao tuổi khu cư thôn xóm làng phố quận huyện "
    "thành tỉnh trung ương chính quyền nhà nước pháp luật kinh tế văn hóa giáo dục y môi "
    "trường an ninh trật tự giao thông xây dựng mới đô thị minh gia đình hạnh phúc độc "
    "lập do kết thi đua khen thưởng năm tháng ngày kế hoạch báo cáo tổng đánh giá hiệu "
    "quả thực hiện triển khai động tuyên truyền lắng nghe ý kiến tiếp xúc cử tri đối "
    "thoại giải khiếu nại tố đất đai bảo vệ phát bền vững đời sống hỗ trợ hộ nghèo ủng "
    "quỹ vì học tập làm theo tư tưởng đạo đức phong cách hồ chí khuya huỳnh nguyễn rượu "
    "khuỷu ngoài thuở quý gì giữ yêu yếm goòng ngoéo"
).split()


def _vowel_letters() -> list[str]:
    """All 146 letters the tables cover: the 134 marked ones and plain a e i o u y."""
    return sorted(set(VIETNAMESE_LETTERS) | set("aeiouyAEIOUY"))


def test_the_tables_cover_every_vietnamese_letter():
    assert len(VIETNAMESE_LETTERS) == 134
    assert all(unicodedata.is_normalized("NFC", letter) for letter in VIETNAMESE_LETTERS)
    for letter in _vowel_letters():
        assert letter in UNICODE_TO_TCVN3
        assert letter in UNICODE_TO_VNI


def test_legacy_spellings_only_use_windows_1252():
    for table in (UNICODE_TO_TCVN3, UNICODE_TO_VNI):
        for code in table.values():
            assert legacy_compatible(code)
            code.encode("cp1252")


def test_text_is_legacy_compatible_exactly_when_windows_1252_holds_every_character():
    # The five bytes cp1252 leaves undefined come through Excel as the same code points.
    repertoire = set(bytes(range(256)).decode("cp1252", errors="ignore") + "\x81\x8d\x8f\x90\x9d")
    assert len(repertoire) == 256
    for code in range(0x110000):
        assert legacy_compatible(chr(code)) == (chr(code) in repertoire)
    assert legacy_compatible("Hµ Néi, Haø Noäi")
    assert not legacy_compatible("Hµ Néi, Hà Nội")
    assert legacy_compatible("")


def test_tcvn3_table_agrees_with_glibc():
    for byte, expected in zip(range(0xA1, 0xFF), GLIBC_TCVN3, strict=True):
        code = chr(byte)
        if expected == "-":
            assert code not in TCVN3_TO_UNICODE
        else:
            assert TCVN3_TO_UNICODE[code] == expected, hex(byte)


def test_no_two_letters_share_a_vni_spelling():
    assert len(set(UNICODE_TO_VNI.values())) == len(UNICODE_TO_VNI)


def test_tcvn3_letters_share_a_code_only_between_cases():
    owners: dict[str, set[str]] = {}
    for letter, code in UNICODE_TO_TCVN3.items():
        owners.setdefault(code, set()).add(letter.lower())
    assert all(len(letters) == 1 for letters in owners.values())


@pytest.mark.parametrize("letter", _vowel_letters())
def test_every_letter_round_trips_through_vni(letter):
    assert decode(encode(letter, "vni"), "vni") == letter


@pytest.mark.parametrize("letter", _vowel_letters())
def test_every_letter_round_trips_through_tcvn3(letter):
    code = encode(letter, "tcvn3")
    assert decode(code, "tcvn3", upper=letter.isupper()) == letter
    if letter.isupper() and TCVN3_TO_UNICODE.get(code, code) != letter:
        # No capital code point: the ABC fonts drew it with .VnTimeH, so without the font
        # the letter reads as lower case.
        assert decode(code, "tcvn3", upper=False) == letter.lower()


def test_tcvn3_has_own_code_points_for_the_plain_capitals_and_sixteen_toned_ones():
    capitals = [c for c in _vowel_letters() if c.isupper() and not c.isascii()]
    own = [c for c in capitals if TCVN3_TO_UNICODE.get(UNICODE_TO_TCVN3[c]) == c]
    assert "".join(sorted(own)) == "".join(sorted("ĂÂÊÔƠƯĐẰẲẴẮẦẨẪẤỀỂỄẾỒỔỖỐ"))


@pytest.mark.parametrize(("legacy", "expected"), REAL_TCVN3)
def test_real_tcvn3_text_is_recognised_and_decoded(legacy, expected):
    assert detect(legacy) == "tcvn3"
    assert to_unicode(legacy) == expected


@pytest.mark.parametrize(("legacy", "expected"), REAL_VNI)
def test_real_vni_text_is_recognised_and_decoded(legacy, expected):
    assert detect(legacy) == "vni"
    assert to_unicode(legacy) == expected


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_round_trip_through_vni(text):
    legacy = encode(text, "vni")
    assert detect(legacy) == "vni"
    assert to_unicode(legacy) == text


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_round_trip_through_tcvn3(text):
    legacy = encode(text, "tcvn3")
    assert detect(legacy) == "tcvn3"
    # "Ủ" has no TCVN3 capital, so "Ủy ban" comes back as "ủy ban" (see the module notes).
    expected = "ủy ban nhân dân" if text == "Ủy ban nhân dân" else text
    assert to_unicode(legacy) == expected


def test_the_examples_from_the_brief():
    assert to_unicode("Hµ Néi") == "Hà Nội"
    assert to_unicode("Haø Noäi") == "Hà Nội"


@pytest.mark.parametrize("text", SAMPLES + ["Hello world", "UBND", "Cà Mau", "José", "25°C"])
def test_unicode_and_ascii_text_is_left_alone(text):
    assert detect(text) == "unicode"
    assert to_unicode(text) == text


def test_a_tcvn3_text_in_capitals_comes_back_in_capitals():
    assert to_unicode("ñY BAN NH¢N D¢N") == "ỦY BAN NHÂN DÂN"
    assert decode("Hµ NéI", "tcvn3") == "HÀ NỘI"
    # One capital per word is title case, not capitals.
    assert to_unicode("Hµ Hµ") == "Hà Hà"


def test_a_font_decides_what_the_text_cannot():
    # "bò" is a Unicode word and also VNI for "bị": alone it is left as it is...
    assert to_unicode("bò") == "bò"
    # ... unless the cell's font says VNI.
    assert to_unicode("bò", hint="vni") == "bị"
    assert decode("hµ néi", "tcvn3", upper=True) == "HÀ NỘI"


def test_the_lost_tcvn3_u_horn_is_restored():
    # Tools that drop the soft hyphen turn "Trường" into "Trêng" and "người" into "ngêi".
    assert to_unicode("Tr\xadêng häc") == "Trường học"
    assert to_unicode("Trêng häc") == "Trường học"
    assert to_unicode("n\xadíc s¹ch") == to_unicode("níc s¹ch") == "nước sạch"
    # "ơi" is a real rhyme ("mời"), so "ngêi" cannot be repaired safely.
    assert to_unicode("mêi häp") == "mời họp"


@pytest.mark.parametrize(
    ("name", "encoding", "upper"),
    [
        (".VnTime", "tcvn3", False),
        (".VnTimeH", "tcvn3", True),
        (".VnArialH", "tcvn3", True),
        ("VNI-Times", "vni", False),
        ("VNI-Helve", "vni", False),
        ("Times New Roman", None, False),
        (None, None, False),
    ],
)
def test_legacy_fonts_are_recognised_by_name(name, encoding, upper):
    assert font_encoding(name) == encoding
    assert is_upper_font(name) is upper


def test_every_word_of_the_word_list_is_a_syllable():
    for word in WORDS:
        assert is_syllable(word), word
        assert is_syllable(word.upper()), word
        assert is_syllable(word.capitalize()), word


@pytest.mark.parametrize(
    "word",
    ["néi", "haø", "coù", "vieät", "ChÝnh", "hOa", "bàc", "hoaà", "ng", "hµ", "laù"],
)
def test_garbled_words_are_not_syllables(word):
    assert not is_syllable(word)


# --- Properties -------------------------------------------------------------------------

CASES = {"lower": str.lower, "title": str.title, "upper": str.upper}
sentences = st.tuples(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join),
    st.sampled_from(sorted(CASES)),
).map(lambda pair: CASES[pair[1]](pair[0]))


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_unicode_vietnamese_sentences_are_left_alone(sentence):
    assert detect(sentence) == "unicode"
    assert to_unicode(sentence) == sentence


NON_LATIN1 = [letter for letter in VIETNAMESE_LETTERS if not legacy_compatible(letter)]
LETTERS_AND_SPACES = VIETNAMESE_LETTERS + "bcdghklmnpqrstvxaeiouyBCDGHKLMNPQRSTVXAEIOUY  "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=LETTERS_AND_SPACES), st.sampled_from(NON_LATIN1))
def test_letter_soup_with_any_non_latin1_letter_is_left_alone(text, letter):
    # Legacy fonts could only type Windows-1252, so one ộ, ư or đ settles it. (Soup made
    # only of Latin-1 letters can spell legacy text — "coù" is VNI for "có" — and is
    # decoded when that reads as more Vietnamese.)
    soup = text + letter
    assert to_unicode(soup) == unicodedata.normalize("NFC", soup)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_ascii_text_is_left_alone(text):
    assert detect(text) == "unicode"
    assert to_unicode(text) == text


def _telling(sentence: str, encoding: Encoding) -> bool:
    """Return whether some word's legacy spelling reads as Vietnamese in that encoding only.

    "bị" in VNI is "bò", a Unicode word; "cư" in VNI is "cö", which TCVN3 reads as "cử". A
    sentence made only of such words is ambiguous, and no detector can be asked to guess it.
    """
    other: Encoding = "tcvn3" if encoding == "vni" else "vni"
    for word in sentence.split():
        legacy = encode(word, encoding)
        if legacy == word or is_syllable(legacy):
            continue
        misread = decode(legacy, other)
        if misread == legacy or not is_syllable(misread):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_vni_sentences_round_trip(sentence):
    legacy = encode(sentence, "vni")
    assume(legacy == sentence or _telling(sentence, "vni"))
    if legacy != sentence:
        assert detect(legacy) == "vni"
    assert to_unicode(legacy) == sentence


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_tcvn3_sentences_round_trip(sentence):
    legacy = encode(sentence, "tcvn3")
    assume(legacy == sentence or _telling(sentence, "tcvn3"))
    if legacy != sentence:
        assert detect(legacy) == "tcvn3"
    decoded = to_unicode(legacy)
    if sentence == sentence.lower():
        assert decoded == sentence
    else:
        # Capitals with a tone and no TCVN3 code point may come back in lower case.
        assert decoded.lower() == sentence.lower()


OFFICE_CELLS = [
    "Dân vận khéo trong xây dựng nông thôn mới",
    "Mặt trận Tổ quốc với người cao tuổi",
    "Chi hội phụ nữ giúp nhau thoát nghèo",
    "Tổ tự quản giữ gìn vệ sinh môi trường",
    "ngày 5 tháng 3 năm 2012",
]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("text", OFFICE_CELLS)
def test_a_legacy_cell_in_a_unicode_font_is_read_by_its_content(encoding, text):
    # Calibri, Arial, Times New Roman: the font says nothing, the text decides.
    assert font_encoding("Calibri") is None
    assert to_unicode(encode(text, encoding), hint=font_encoding("Calibri")) == text


@pytest.mark.parametrize("text", OFFICE_CELLS)
def test_a_wrong_legacy_font_does_not_overrule_plain_content(text):
    # A VNI cell formatted in .VnTime, a TCVN3 one in VNI-Times, Unicode in either.
    assert to_unicode(encode(text, "vni"), hint="tcvn3") == text
    assert to_unicode(encode(text, "tcvn3"), hint="vni") == text
    assert to_unicode(text, hint="tcvn3") == text
