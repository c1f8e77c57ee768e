"""Where a case happens: a freely typed address read as a commune or ward of Hà Nội.

Addresses are parsed offline by `vietnamadminunits` into the units in force since the 2025
reform; the ward it finds is matched to our Unit rows by its official code ("00004").
"""

from vietnamadminunits import parse_address

# The parser keeps no public way to tell whether the province was written or guessed from
# a ward name that exists once nationwide; its own province pattern tells (pinned: 1.0.4).
from vietnamadminunits.parser.parser_from_2025 import PATTERN_PROVINCE
from vietnamadminunits.parser.utils import key_normalize, unicode_normalize

from danvan.organisations.models import Unit, UnitKind

HANOI_CODE = "01"
HANOI_NAME = "Hà Nội"
MAX_ADDRESS_LENGTH = 300
# The city's extent, a little wider than its borders (Sóc Sơn to Mỹ Đức, Ba Vì to Gia Lâm):
# enough to catch a tap on the wrong province, not to tell two communes apart.
HANOI_BOUNDS = ((20.50, 105.25), (21.45, 106.05))  # (south, west), (north, east)


def in_hanoi(latitude: float, longitude: float) -> bool:
    """Whether a point lies (roughly) in Hà Nội."""
    (south, west), (north, east) = HANOI_BOUNDS
    return south <= latitude <= north and west <= longitude <= east


def _names_a_province(text: str) -> bool:
    """Whether the address itself names a province or city."""
    key = key_normalize(unicode_normalize(text), keep=[","])
    return PATTERN_PROVINCE.search(key) is not None


def ward_code_from_address(text: str | None) -> str | None:
    """Return the official code of the Hà Nội commune or ward an address lies in, or None.

    An address without a province is read as one in Hà Nội ("12 Quang Trung, Hà Đông");
    an address in another province gives None, even when a ward of that name exists here.
    """
    text = (text or "").strip()[:MAX_ADDRESS_LENGTH]
    if not text:
        return None
    parsed = parse_address(text)
    if parsed.province_code != HANOI_CODE:
        if _names_a_province(text):
            return None
        # The parser guessed a province from a ward name (or found none): read it in Hà Nội.
        parsed = parse_address(f"{text}, {HANOI_NAME}")
    if parsed.province_code != HANOI_CODE:
        return None
    return parsed.ward_code or None


def commune_from_address(text: str | None) -> Unit | None:
    """Return the current commune or ward of Hà Nội an address lies in, or None."""
    code = ward_code_from_address(text)
    if code is None:
        return None
    return Unit.objects.filter(kind=UnitKind.COMMUNE, code=code).current().order_by("pk").first()
