"""Rows for the national list of administrative units, read from the vietnamadminunits package.

Each province and commune gets its Party, State and Front branches; each commune a few
hamlets. Hà Nội also gets its 30 districts and 526 communes as they were before 1 July
2025, closed on 30 June 2025 and linked to the communes that replaced them.
"""

import datetime
import json
import sqlite3
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import vietnamadminunits

from danvan.organisations.loader import UnitRow
from danvan.organisations.models import REFORM_DATE, Branch, UnitKind

HANOI_CODE = "01"
LEGACY_CLOSED = REFORM_DATE - datetime.timedelta(days=1)

# The city's mass organisations under the Front (since the 2025 reform).
MASS_ORGANISATIONS = [
    ("women", "Hội Liên hiệp Phụ nữ"),
    ("youth", "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
    ("farmers", "Hội Nông dân"),
    ("veterans", "Hội Cựu chiến binh"),
    ("unions", "Liên đoàn Lao động"),
]


DATA_DIR = Path(vietnamadminunits.__file__).parent / "data"


def query(sql: str, params: tuple = ()) -> list[dict]:
    """Read rows from the package's own SQLite dataset (opened read-only)."""
    uri = f"{(DATA_DIR / 'dataset.db').as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


@lru_cache(maxsize=1)
def _converter() -> dict:
    return json.loads((DATA_DIR / "converter_2025.json").read_text(encoding="utf-8"))


def provinces() -> list[dict]:
    return query(
        "SELECT DISTINCT province, provinceShort, provinceCode, provinceKey, provinceLat, "
        "provinceLon FROM admin_units ORDER BY provinceCode"
    )


def communes(province_code: str | None = None) -> list[dict]:
    sql = (
        "SELECT province, provinceCode, provinceKey, ward, wardShort, wardType, wardCode, "
        "wardKey, wardLat, wardLon FROM admin_units"
    )
    if province_code:
        return query(sql + " WHERE provinceCode = ? ORDER BY wardCode", (province_code,))
    return query(sql + " ORDER BY provinceCode, wardCode")


def _province_rows(p: dict) -> list[UnitRow]:
    code = p["provinceCode"]
    key = f"vn-{code}"
    short = p["provinceShort"]
    is_city = p["province"].startswith("Thành phố")
    level = "Thành phố" if is_city else "Tỉnh"
    party = f"{key}-party"
    front = f"{key}-front"
    rows = [
        UnitRow(
            key=key,
            name=p["province"],
            short_name=short,
            kind=UnitKind.PROVINCE,
            code=code,
            latitude=p["provinceLat"],
            longitude=p["provinceLon"],
        ),
        UnitRow(
            key=party,
            parent_key=key,
            name=f"{'Thành ủy' if is_city else 'Tỉnh ủy'} {short}",
            kind=UnitKind.PARTY_COMMITTEE,
        ),
        UnitRow(
            key=f"{party}-dv",
            parent_key=party,
            name=f"Ban Tuyên giáo và Dân vận {'Thành ủy' if is_city else 'Tỉnh ủy'} {short}",
            kind=UnitKind.AGENCY,
            branch=Branch.PARTY,
        ),
        UnitRow(
            key=f"{key}-state",
            parent_key=key,
            name=f"Ủy ban nhân dân {level.lower()} {short}",
            kind=UnitKind.PEOPLES_COMMITTEE,
        ),
        UnitRow(
            key=front,
            parent_key=key,
            name=f"Ủy ban Mặt trận Tổ quốc Việt Nam {level.lower()} {short}",
            kind=UnitKind.FRONT_COMMITTEE,
        ),
    ]
    for slug, label in MASS_ORGANISATIONS:
        rows.append(
            UnitRow(
                key=f"{front}-{slug}",
                parent_key=front,
                name=f"{label} {level.lower()} {short}",
                kind=UnitKind.MASS_ORGANISATION,
            )
        )
    return rows


def _commune_rows(c: dict, hamlets: int) -> list[UnitRow]:
    key = f"vn-{c['provinceCode']}-{c['wardCode']}"
    ward_type = c["wardType"]  # "Phường", "Xã" or "Đặc khu"
    level = ward_type.lower()
    short = c["wardShort"]
    rows = [
        UnitRow(
            key=key,
            parent_key=f"vn-{c['provinceCode']}",
            name=c["ward"],
            short_name=short,
            kind=UnitKind.COMMUNE,
            code=c["wardCode"],
            valid_from=REFORM_DATE,
            latitude=c["wardLat"],
            longitude=c["wardLon"],
        ),
        UnitRow(
            key=f"{key}-party",
            parent_key=key,
            name=f"Đảng ủy {level} {short}",
            kind=UnitKind.PARTY_COMMITTEE,
            valid_from=REFORM_DATE,
        ),
        UnitRow(
            key=f"{key}-state",
            parent_key=key,
            name=f"Ủy ban nhân dân {level} {short}",
            kind=UnitKind.PEOPLES_COMMITTEE,
            valid_from=REFORM_DATE,
        ),
        UnitRow(
            key=f"{key}-front",
            parent_key=key,
            name=f"Ủy ban Mặt trận Tổ quốc Việt Nam {level} {short}",
            kind=UnitKind.FRONT_COMMITTEE,
            valid_from=REFORM_DATE,
        ),
    ]
    hamlet_label = "Tổ dân phố" if ward_type == "Phường" else "Thôn"
    for n in range(1, hamlets + 1):
        rows.append(
            UnitRow(
                key=f"{key}-h{n:02d}",
                parent_key=key,
                name=f"{hamlet_label} số {n}, {level} {short}",
                kind=UnitKind.HAMLET,
                valid_from=REFORM_DATE,
            )
        )
        if n <= 2:
            rows.append(
                UnitRow(
                    key=f"{key}-h{n:02d}-cell",
                    parent_key=f"{key}-party",
                    name=f"Chi bộ {hamlet_label.lower()} số {n}, {level} {short}",
                    kind=UnitKind.PARTY_CELL,
                    valid_from=REFORM_DATE,
                )
            )
    return rows


def legacy_rows(province_code: str) -> tuple[list[UnitRow], dict[str, list[str]], dict[str, str]]:
    """Districts and communes of a province before 1 July 2025.

    Returns the rows, the predecessor keys of each new commune key, and the legacy district
    key of each new commune key (the district most of its predecessors belonged to).
    """
    legacy = query(
        "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey, "
        "districtType, ward, wardCode, wardKey, wardLat, wardLon FROM admin_units_legacy "
        "WHERE provinceCode = ? ORDER BY districtCode, wardCode",
        (province_code,),
    )
    if not legacy:
        return [], {}, {}
    province_key = legacy[0]["provinceKey"]
    root = f"vn-{province_code}"
    rows: list[UnitRow] = []
    old_key_of: dict[str, str] = {}
    district_of: dict[str, str] = {}
    seen_districts = set()
    for rec in legacy:
        dkey = f"{root}-d{rec['districtCode']}"
        if dkey not in seen_districts:
            seen_districts.add(dkey)
            rows.append(
                UnitRow(
                    key=dkey,
                    parent_key=root,
                    name=rec["district"],
                    kind=UnitKind.LEGACY_DISTRICT,
                    code=rec["districtCode"],
                    valid_to=LEGACY_CLOSED,
                )
            )
        wkey = f"{dkey}-w{rec['wardCode']}"
        rows.append(
            UnitRow(
                key=wkey,
                parent_key=dkey,
                name=rec["ward"],
                kind=UnitKind.COMMUNE,
                code=rec["wardCode"],
                valid_to=LEGACY_CLOSED,
                latitude=rec["wardLat"],
                longitude=rec["wardLon"],
            )
        )
        full = f"{province_key}_{rec['districtKey']}_{rec['wardKey']}"
        old_key_of[full] = wkey
        district_of[wkey] = dkey

    new_by_ward_key = {
        c["wardKey"]: f"vn-{c['provinceCode']}-{c['wardCode']}" for c in communes(province_code)
    }
    predecessors: dict[str, list[str]] = defaultdict(list)
    conv = _converter()
    for new_ward_key, olds in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        new_key = new_by_ward_key.get(new_ward_key)
        for old in olds:
            if new_key and old in old_key_of:
                predecessors[new_key].append(old_key_of[old])
    for old, targets in conv["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        for target in targets:
            new_key = new_by_ward_key.get(target["newWardKey"])
            if new_key and old in old_key_of and old_key_of[old] not in predecessors[new_key]:
                predecessors[new_key].append(old_key_of[old])
    districts = {
        new_key: Counter(district_of[o] for o in olds).most_common(1)[0][0]
        for new_key, olds in predecessors.items()
        if olds
    }
    return rows, dict(predecessors), districts


def national_rows(
    *, province_codes: list[str] | None = None, hamlets: int = 3, legacy_for: tuple[str, ...] = ()
) -> list[UnitRow]:
    """Rows for the given provinces (all 34 when None), with legacy units where asked."""
    rows: list[UnitRow] = []
    wanted = set(province_codes) if province_codes else None
    for p in provinces():
        if wanted is not None and p["provinceCode"] not in wanted:
            continue
        rows.extend(_province_rows(p))
        commune_rows: list[UnitRow] = []
        for c in communes(p["provinceCode"]):
            commune_rows.extend(_commune_rows(c, hamlets))
        if p["provinceCode"] in legacy_for:
            old_rows, predecessors, districts = legacy_rows(p["provinceCode"])
            rows.extend(old_rows)
            for row in commune_rows:
                if row.kind == UnitKind.COMMUNE:
                    row.predecessor_keys = predecessors.get(row.key, [])
                    row.legacy_district_key = districts.get(row.key, "")
        rows.extend(commune_rows)
    return rows
