"""Folding Vietnamese text for search: marks, đ, case and spaces do not matter."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.lib.vntext import fold, terms, words

# Base vowel (with its shape marks) -> the ASCII letter it folds to.
VOWELS = {
    "a": "a",
    "ă": "a",
    "â": "a",
    "e": "e",
    "ê": "e",
    "i": "i",
    "o": "o",
    "ô": "o",
    "ơ": "o",
    "u": "u",
    "ư": "u",
    "y": "y",
}
# No tone, huyền, sắc, hỏi, ngã, nặng.
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]


def _vietnamese_letters() -> dict[str, str]:
    """Every Vietnamese letter that carries a mark, both cases, mapped to its ASCII base."""
    letters = {}
    for vowel, base in VOWELS.items():
        for tone in TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            if letter.isascii():
                continue  # plain a, e, i, o, u, y carry no mark
            letters[letter] = base
            letters[letter.upper()] = base
    letters["đ"] = "d"
    letters["Đ"] = "d"
    return letters


VIETNAMESE_LETTERS = _vietnamese_letters()
VIETNAMESE_ALPHABET = "".join(VIETNAMESE_LETTERS) + "abcdeghiklmnopqrstuvxy ABCDĐ \t\n\u00a0"


def test_the_letter_set_is_complete():
    # 12 vowels x 6 tones - 6 plain vowels = 66 marked letters, x 2 cases, + đ and Đ.
    assert len(VIETNAMESE_LETTERS) == 134
    assert all(len(letter) == 1 for letter in VIETNAMESE_LETTERS)  # precomposed forms


@pytest.mark.parametrize(("letter", "base"), sorted(VIETNAMESE_LETTERS.items()))
def test_each_vietnamese_letter_folds_to_its_ascii_base(letter, base):
    assert fold(letter) == base


@pytest.mark.parametrize(("letter", "base"), sorted(VIETNAMESE_LETTERS.items()))
def test_decomposed_letters_fold_like_precomposed_ones(letter, base):
    assert fold(unicodedata.normalize("NFD", letter)) == base


@pytest.mark.parametrize("text", ["Hà Đông", "ha dong", "HA ĐONG", "  hà   đông ", "Hà\tĐông\n"])
def test_spellings_of_ha_dong_fold_alike(text):
    assert fold(text) == "ha dong"


def test_a_full_place_name_folds_to_plain_ascii():
    assert fold("Phường Nghĩa Đô, Quận Cầu Giấy") == "phuong nghia do, quan cau giay"
    assert fold("Xã Ứng Hoà") == fold("XÃ ỨNG HÒA") == "xa ung hoa"


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t"])
def test_empty_input_folds_to_an_empty_string(empty):
    assert fold(empty) == ""


def test_terms_are_the_folded_words():
    assert terms("  Tổ dân phố   SỐ 1 ") == ["to", "dan", "pho", "so", "1"]
    assert terms(None) == []


texts = st.one_of(st.text(), st.text(alphabet=VIETNAMESE_ALPHABET))


@given(texts)
def test_fold_is_idempotent(text):
    once = fold(text)
    assert fold(once) == once


@given(texts)
def test_folded_text_has_no_marks_capitals_or_double_spaces(text):
    folded = fold(text)
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert folded == folded.lower()
    assert "  " not in folded
    assert folded == folded.strip()


@given(st.text(alphabet=VIETNAMESE_ALPHABET))
def test_folded_vietnamese_is_ascii(text):
    assert fold(text).isascii()


@given(st.text(alphabet=VIETNAMESE_ALPHABET))
def test_case_and_normal_form_do_not_change_the_fold(text):
    expected = fold(text)
    assert fold(text.upper()) == expected
    assert fold(unicodedata.normalize("NFD", text)) == expected


def _reference_fold(text):
    """fold() as first written: each character tested for a combining mark."""
    if not text:
        return ""
    text = text.translate(str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}))
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.lower()).strip()


@settings(max_examples=500)
@given(st.one_of(texts, st.text(), st.text(alphabet=VIETNAMESE_ALPHABET)))
def test_fold_removes_exactly_the_combining_marks(text):
    assert fold(text) == _reference_fold(text)


def test_every_character_of_the_latin_blocks_folds_as_the_reference_does():
    for code in [*range(0x3000), *range(0x1E00, 0x1F00)]:
        assert fold(chr(code)) == _reference_fold(chr(code)), hex(code)


# Latin letters, combining marks, punctuation and spaces of every kind beside Greek, Turkish
# and Cyrillic letters whose lower case depends on their neighbours or is not one letter.
MIXED_ALPHABET = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x24F),
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),
    st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
    st.characters(min_codepoint=0x2000, max_codepoint=0x218F),
    st.sampled_from("ΣσςİıKǅДд\u00a0\u2003\u3000\x1c\x1f\u200b"),
)


@settings(max_examples=500)
@given(st.text(alphabet=MIXED_ALPHABET, max_size=30))
def test_fold_of_mixed_text_is_the_reference_fold(text):
    assert fold(text) == _reference_fold(text)


@settings(max_examples=300)
@given(st.one_of(texts, st.text(alphabet=MIXED_ALPHABET | st.sampled_from("-–,.;:()“”"))))
def test_words_are_the_folded_text_with_punctuation_as_spaces(text):
    expected = re.sub(r"\s+", " ", re.sub(r"[^\w\s]+", " ", _reference_fold(text))).strip()
    assert words(text) == expected
    assert words("“Dân-vận”  khéo.") == "dan van kheo"
