"""Read Vietnamese typed in the legacy TCVN3 (ABC) and VNI-Windows encodings.

Before Unicode, Vietnamese offices typed with 8-bit fonts. TCVN3 fonts (.VnTime, .VnArial…)
give each letter one code point; VNI fonts (VNI-Times…) build a letter from an ASCII base
followed by one mark character. Excel keeps what was typed as Windows-1252 characters, so an
old sheet shows "Hµ Néi" (TCVN3) or "Haø Noäi" (VNI) where the user saw "Hà Nội".

TCVN3 upper case. TCVN3 (TCVN 5712:1993, the VN3 set used by the ABC fonts) has its own
code points for the plain capitals Ă Â Ê Ô Ơ Ư Đ and for sixteen capitals with a tone
(Ằ Ẳ Ẵ Ắ Ầ Ẩ Ẫ Ấ Ề Ể Ễ Ế Ồ Ổ Ỗ Ố); these decode to capitals. Every other capital with a tone
was typed with an "H" font (.VnTimeH), which draws the lower-case code points as capitals,
so the text itself only says "lower case". Such letters decode to lower case unless the
caller knows the font (``upper=True``) or the whole text is written in capitals (no ASCII
lower case, and some word with an ASCII capital after its first letter: "ñY BAN" → "ỦY
BAN"; "Hµ" stays "Hà").
The tone marks VN3 places at 0xB0–0xB4 are not decoded: ABC keyboards never type them and
the same characters (° ± ² ³ ´) occur in ordinary text.

VNI. A letter is its ASCII base plus at most one mark character; a letter with both a
shape mark and a tone uses one combined mark ("aá" = "ấ"). ơ ư đ and the i tones are
single characters ("ô" = "ơ", "ö" = "ư", "ñ" = "đ", "ò" = "ị"). Decoding matches the
longest sequence first. A capital takes capital marks ("AØ" = "À"); mixed pairs such as
"iÕ" are not decoded, because TCVN3 text is full of them ("kiÕn" = "kiến").

Detection. Legacy text can only contain Windows-1252 characters, so text holding any other
character (ộ, ư, đ, a combining mark…) is Unicode. Otherwise the words that contain a
non-ASCII character are checked against the shape of a Vietnamese syllable (onset, vowel
cluster, final consonant, one tone on the right vowel, stop finals only with sắc or nặng,
consistent case) as they stand and as each encoding would decode them; a common shape scores
2, a rare one ("xoong", "thuở") 1. An encoding is chosen only when decoding scores strictly
higher than the text as it stands, leaves at least half of those words valid, and beats the
other encoding; the encoding of a known font (``hint``) wins ties. Pure ASCII text and
genuine Unicode Vietnamese (already all valid syllables) are therefore left alone. A single
short word can be ambiguous ("bò" is also VNI for "bị"; VNI "cö" = "cư" is TCVN3 for "cử"),
which is why spreadsheets are detected per sheet: see ``danvan.lib.xlsx.iter_rows``.
"""

import re
import unicodedata
from typing import Literal

type Encoding = Literal["unicode", "tcvn3", "vni"]
ENCODINGS: tuple[Encoding, ...] = ("unicode", "tcvn3", "vni")

# Every table below lists a vowel's six forms in this order: no tone, huyền, sắc, hỏi,
# ngã, nặng.
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"


def _letter(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", vowel + _TONE_MARKS[tone])


def _all_letters() -> str:
    lower = [_letter(vowel, tone) for vowel in _VOWELS for tone in range(6)] + ["đ"]
    lower = [letter for letter in lower if not letter.isascii()]
    return "".join(lower) + "".join(letter.upper() for letter in lower)


# The 134 letters that need more than ASCII: 12 vowels x 6 tones, less the plain a e i o u y,
# and đ, in lower and upper case.
VIETNAMESE_LETTERS = _all_letters()

_TCVN3_LOWER = {
    "a": "aµ¸¶·¹",
    "ă": "¨»¾¼½Æ",
    "â": "©ÇÊÈÉË",
    "e": "eÌÐÎÏÑ",
    "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ",
    "o": "oßãáâä",
    "ô": "«åèæçé",
    "ơ": "¬êíëìî",
    "u": "uïóñòô",
    "ư": "\xadõøö÷ù",  # ư is the soft hyphen, invisible in Excel: "Ph\xadêng" = "Phường"
    "y": "yúýûüþ",
}
# Capitals with their own VN3 code point; every other capital borrows the lower-case one.
_TCVN3_UPPER = {
    "Ă": "¡",
    "Â": "¢",
    "Ê": "£",
    "Ô": "¤",
    "Ơ": "¥",
    "Ư": "¦",
    "Đ": "§",
    "Ằ": "¯",
    "Ẳ": "º",
    "Ẵ": "¿",
    "Ắ": "À",
    "Ầ": "Á",
    "Ẩ": "Â",
    "Ẫ": "Ã",
    "Ấ": "Ä",
    "Ề": "Å",
    "Ể": "Í",
    "Ễ": "Ù",
    "Ế": "Ú",
    "Ồ": "Û",
    "Ổ": "à",
    "Ỗ": "ð",
    "Ố": "ÿ",
}

_VNI_LOWER = {
    "a": ("a", "aø", "aù", "aû", "aõ", "aï"),
    "ă": ("aê", "aè", "aé", "aú", "aü", "aë"),
    "â": ("aâ", "aà", "aá", "aå", "aã", "aä"),
    "e": ("e", "eø", "eù", "eû", "eõ", "eï"),
    "ê": ("eâ", "eà", "eá", "eå", "eã", "eä"),
    "i": ("i", "ì", "í", "æ", "ó", "ò"),
    "o": ("o", "oø", "où", "oû", "oõ", "oï"),
    "ô": ("oâ", "oà", "oá", "oå", "oã", "oä"),
    "ơ": ("ô", "ôø", "ôù", "ôû", "ôõ", "ôï"),
    "u": ("u", "uø", "uù", "uû", "uõ", "uï"),
    "ư": ("ö", "öø", "öù", "öû", "öõ", "öï"),
    "y": ("y", "yø", "yù", "yû", "yõ", "î"),
}
# Spellings some converters produce for the single-character i tones and ỵ; decode only.
_VNI_ALIASES = {"iø": "ì", "iù": "í", "iû": "ỉ", "iõ": "ĩ", "iï": "ị", "yï": "ỵ"}


def _build_tcvn3() -> tuple[dict[str, str], dict[str, str]]:
    encode: dict[str, str] = {}
    for vowel, codes in _TCVN3_LOWER.items():
        for tone, code in enumerate(codes):
            letter = _letter(vowel, tone)
            encode[letter] = code
            capital = letter.upper()
            encode[capital] = _TCVN3_UPPER.get(capital, capital if code.isascii() else code)
    encode["đ"] = "®"
    encode.update(_TCVN3_UPPER)
    decode = {code: letter for letter, code in encode.items() if letter == letter.lower()}
    decode.update({code: letter for letter, code in _TCVN3_UPPER.items()})
    decode = {code: letter for code, letter in decode.items() if not code.isascii()}
    return encode, decode


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    encode: dict[str, str] = {}
    for vowel, codes in _VNI_LOWER.items():
        for tone, code in enumerate(codes):
            letter = _letter(vowel, tone)
            encode[letter] = code
            encode[letter.upper()] = code.upper()
    encode["đ"] = "ñ"
    encode["Đ"] = "Ñ"
    aliases = {**_VNI_ALIASES, **{c.upper(): v.upper() for c, v in _VNI_ALIASES.items()}}
    decode: dict[str, str] = {}
    for letter, code in [*encode.items(), *((v, c) for c, v in aliases.items())]:
        if code.isascii():
            continue
        decode.setdefault(code, letter)
    return encode, decode


UNICODE_TO_TCVN3, TCVN3_TO_UNICODE = _build_tcvn3()
UNICODE_TO_VNI, VNI_TO_UNICODE = _build_vni()

_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)
_VNI_SEQUENCE = re.compile(
    "|".join(re.escape(code) for code in sorted(VNI_TO_UNICODE, key=len, reverse=True))
)
# Text typed in a legacy font holds only Windows-1252 characters.
_WINDOWS_1252 = frozenset(
    bytes(range(256)).decode("cp1252", errors="ignore") + "\x81\x8d\x8f\x90\x9d"
)
_LEGACY_CHARS = frozenset("".join(TCVN3_TO_UNICODE) + "".join(VNI_TO_UNICODE)) - frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
# A word: letters, plus the legacy code points that are symbols in Latin-1 (µ ¸ · ¨ ©…).
_WORD = re.compile(
    "(?:[^\\W\\d_]|["
    + re.escape("".join(sorted(c for c in _LEGACY_CHARS if not c.isalpha())))
    + "])+"
)
_ASCII_UPPER = re.compile("[A-Z]")
_ASCII_LOWER = re.compile("[a-z]")
# The TCVN3 ư is a soft hyphen, which tools sometimes drop: "ngêi" for "người", "Trêng" for
# "Trường". "ơng", "ơc" and "ơu" are not Vietnamese rhymes, so the lost ư is put back there.
_LOST_U_HORN = re.compile("(?<![uưUƯ])([ơờớởỡợƠỜỚỞỠỢ])(?=(?:ng|c|u|NG|C|U)(?![^\\W\\d_]))")


# Any character outside Windows-1252, found by the regular expression engine: testing each
# character in Python took a tenth of reading a large sheet.
_NOT_WINDOWS_1252 = re.compile(
    "[^" + "".join(f"\\U{ord(ch):08x}" for ch in sorted(_WINDOWS_1252)) + "]"
)


def legacy_compatible(text: str) -> bool:
    """Return whether text could have been typed in a legacy font (Windows-1252 only)."""
    return _NOT_WINDOWS_1252.search(text) is None


def encode(text: str, encoding: Encoding) -> str:
    """Return Unicode text spelled in a legacy encoding (TCVN3 capitals may lose case)."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "unicode":
        return text
    table = UNICODE_TO_TCVN3 if encoding == "tcvn3" else UNICODE_TO_VNI
    return "".join(table.get(ch, ch) for ch in text)


def decode(text: str, encoding: Encoding, *, upper: bool | None = None) -> str:
    """Return text read from a legacy encoding as NFC Unicode.

    ``upper`` only matters for TCVN3: True when the text was set in an "H" font, False to
    keep the lower-case reading, None to guess from the ASCII capitals.
    """
    if encoding == "tcvn3":
        decoded = _LOST_U_HORN.sub(_restore_u_horn, text.translate(_TCVN3_TABLE))
        if upper or (upper is None and _written_in_capitals(text)):
            decoded = decoded.upper()
        text = decoded
    elif encoding == "vni":
        text = _VNI_SEQUENCE.sub(lambda match: VNI_TO_UNICODE[match.group()], text)
    return unicodedata.normalize("NFC", text)


def detect(text: str, *, hint: Encoding | None = None) -> Encoding:
    """Return the encoding text was most likely typed in; ``hint`` (a font) wins ties."""
    return weigh(text, hint=hint)[0]


def weigh(text: str, *, hint: Encoding | None = None) -> tuple[Encoding, bool]:
    """Return the likeliest encoding of text and whether the text alone settles it.

    When readings tie ("bò" is a Unicode word and VNI for "bị"), the hint wins if it is
    among them, else Unicode; either way the answer is not settled.
    """
    if not text or text.isascii() or not legacy_compatible(text):
        return "unicode", True
    original = _WORD.findall(text)
    telling = [i for i, word in enumerate(original) if not word.isascii()]
    if not telling:
        return "unicode", True
    weight, _, _ = _score(original, telling)
    readings: list[tuple[int, int, Encoding]] = []
    for encoding in ("tcvn3", "vni"):
        decoded_text = decode(text, encoding)
        if decoded_text == unicodedata.normalize("NFC", text):
            continue
        decoded = _WORD.findall(decoded_text)
        if len(decoded) != len(original):  # decoding never splits or joins words
            continue
        d_weight, d_valid, d_foreign = _score(decoded, telling)
        if 2 * d_valid >= len(telling) and d_weight >= weight:
            readings.append((d_weight, -d_foreign, encoding))
    if not readings:
        return "unicode", True
    readings.sort(reverse=True)
    top = readings[0]
    tied: set[Encoding] = {encoding for *score, encoding in readings if score == list(top[:2])}
    if top[0] == weight:
        tied.add("unicode")
    if len(tied) == 1:
        return top[2], True
    return (hint if hint in tied else "unicode"), False


def to_unicode(text: str, *, hint: Encoding | None = None) -> str:
    """Return text as NFC Unicode, decoding it first if it looks TCVN3 or VNI."""
    if not text:
        return text
    return decode(text, detect(text, hint=hint))


def font_encoding(font_name: str | None) -> Encoding | None:
    """Return the encoding a legacy font name implies (".VnTime" → TCVN3, "VNI-Times" → VNI)."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def is_upper_font(font_name: str | None) -> bool:
    """Return whether a TCVN3 font draws every letter as a capital (.VnTimeH, .VnArialH)."""
    name = (font_name or "").strip()
    return font_encoding(name) == "tcvn3" and name.endswith("H")


# --- Syllable shape -------------------------------------------------------------------

_ONSETS = "ngh ng gh gi kh nh ph th tr ch qu b c d đ g h k l m n p r s t v x".split() + [""]
_CODAS = ["ch", "ng", "nh", "c", "m", "n", "p", "t", ""]
_STOPS = frozenset({"c", "ch", "p", "t"})
# Vowel cluster -> positions that may carry the tone, in an open syllable (no final).
_OPEN = {
    **dict.fromkeys(["a", "e", "ê", "i", "y", "o", "ô", "ơ", "u", "ư"], {0}),
    **dict.fromkeys(
        ["ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi"], {0}
    ),
    **dict.fromkeys(["ua", "ui", "ưa", "ưi", "ưu"], {0}),
    **dict.fromkeys(["oa", "oe", "uy"], {0, 1}),  # old and new tone placement
    **dict.fromkeys(["uê", "uơ"], {1}),
    **dict.fromkeys(
        ["iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu"], {1}
    ),
}
# ... and in a closed one (followed by a final consonant).
_CLOSED = {
    **dict.fromkeys(["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư"], {0}),
    **dict.fromkeys(["iê", "yê", "uô", "ươ", "oa", "oă", "oe", "uâ", "uê", "uy"], {1}),
    "oo": {0, 1},
    "uyê": {2},
}
# Clusters of a handful of words; a legacy misreading often lands on them ("coõng").
_RARE = frozenset({"oo", "uơ", "uyu", "oeo", "uya", "ưi", "ươu", "oay", "uây"})
_TONE_OF = {mark: tone for tone, mark in enumerate(_TONE_MARKS) if mark}
_SAC, _NANG = 2, 5


def is_syllable(word: str) -> bool:
    """Return whether word has the shape of one Vietnamese syllable (tone placement too)."""
    return syllable_weight(word) > 0


def syllable_weight(word: str) -> int:
    """Return 2 for a common syllable shape, 1 for a rare one ("xoong", "thuở"), else 0."""
    if not word or not _consistent_case(word):
        return 0
    plain: list[str] = []
    tone, tone_at = 0, -1
    for ch in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", ch)
        marks = [_TONE_OF[m] for m in parts if m in _TONE_OF]
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONE_OF))
        if len(marks) > 1 or (marks and tone):
            return 0
        if marks:
            tone, tone_at = marks[0], len(plain)
        plain.append(base)
    text = "".join(plain)
    weight = 0
    for onset in _ONSETS:
        if not text.startswith(onset):
            continue
        for coda in _CODAS:
            if not text.endswith(coda) or len(onset) + len(coda) >= len(text):
                continue
            cluster = text[len(onset) : len(text) - len(coda)]
            allowed = (_CLOSED if coda else _OPEN).get(cluster)
            if allowed is None:
                continue
            if coda in _STOPS and tone not in (_SAC, _NANG):
                continue
            if tone and tone_at - len(onset) not in allowed:
                continue
            weight = max(weight, 1 if cluster in _RARE else 2)
    return weight


def _consistent_case(word: str) -> bool:
    return word == word.lower() or word == word.upper() or word == word.capitalize()


def _score(words: list[str], telling: list[int]) -> tuple[int, int, int]:
    """Return (syllable weight, syllables, characters that are not Vietnamese letters)."""
    weights = [syllable_weight(words[i]) for i in telling]
    foreign = sum(
        ch in _LEGACY_CHARS and ch not in VIETNAMESE_LETTERS for i in telling for ch in words[i]
    )
    return sum(weights), sum(1 for w in weights if w), foreign


def _written_in_capitals(text: str) -> bool:
    # No ASCII lower case, and some word with an ASCII capital after its first letter:
    # "§éC" is "ĐỘC", but "Hµ" may be "Hà" as well as "HÀ".
    if _ASCII_LOWER.search(text):
        return False
    return any(_ASCII_UPPER.search(word, 1) for word in _WORD.findall(text))


def _restore_u_horn(match: re.Match[str]) -> str:
    vowel = match.group(1)
    return ("ư" if vowel.islower() else "Ư") + vowel
