"""Which kinds of unit may act in each role: the one definition every app reads."""

from danvan.organisations.models import UnitKind

# Units whose name stands alone on a document (no parent body in the heading).
TERRITORIAL = frozenset({UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.LEGACY_DISTRICT})

# Bodies that issue decisions: committees and boards, not hamlets, cells or schools.
ISSUERS = frozenset(
    {
        UnitKind.PROVINCE,
        UnitKind.COMMUNE,
        UnitKind.PARTY_COMMITTEE,
        UnitKind.PEOPLES_COMMITTEE,
        UnitKind.FRONT_COMMITTEE,
        UnitKind.AGENCY,
    }
)

# Bodies that open campaigns and own targets.
OWNERS = ISSUERS | {UnitKind.MASS_ORGANISATION}

# Units that receive and handle citizens' cases (not hamlets, party cells or former districts).
CASE_HANDLERS = OWNERS | {UnitKind.SCHOOL}
NOT_CASE_HANDLERS = frozenset(set(UnitKind) - CASE_HANDLERS)
