"""The organisations' part of the demo: Hà Nội's units and its six dân vận emulation
clusters; and the communes every other app's generator places its rows in.

No public membership list of the clusters exists, so the demo groups the communes by the
district they belonged to before 1 July 2025: the 30 former districts, in the order of their
official codes, are split into six runs of five, and each commune joins its former district's
cluster.
"""

import datetime

from django.db import transaction

from danvan.organisations.loader import load_units
from danvan.organisations.models import Cluster, Unit, UnitKind
from danvan.organisations.national import HANOI_CODE, national_rows
from danvan.organisations.services import set_cluster_units

CLUSTER_COUNT = 6
HAMLETS = 3  # per commune


def load(*, progress, year: int, hamlets: int = HAMLETS) -> str:
    """Load Hà Nội's units (with `hamlets` hamlets a commune) and this year's clusters."""
    rows = national_rows(province_codes=[HANOI_CODE], hamlets=hamlets, legacy_for=(HANOI_CODE,))
    result = load_units(rows, source="vietnamadminunits")
    clusters = load_hanoi_clusters(year=year)
    return (
        f"{len(rows):,} units ({result.created:,} created, {result.updated:,} updated), "
        f"{len(clusters)} clusters"
    )


def in_sentence(name: str) -> str:
    """A unit's name as written inside a sentence: "Phường Hà Đông" → "phường Hà Đông"."""
    return name[:1].lower() + name[1:]


def hanoi_communes(on: datetime.date | None = None) -> list[Unit]:
    """Hà Nội's communes current on a date (today by default), in order of code, with their
    former district."""
    city = Unit.objects.filter(key=f"vn-{HANOI_CODE}").first()
    if city is None:
        raise ValueError("Load Hà Nội's units first (manage.py load_units).")
    communes = list(
        Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE)
        .current(on)
        .select_related("legacy_district")
        .order_by("code", "id")
    )
    if not communes:
        raise ValueError("Hà Nội has no current communes: load its units first.")
    return communes


@transaction.atomic
def load_hanoi_clusters(*, year: int, actor=None) -> list[Cluster]:
    city = Unit.objects.get(key=f"vn-{HANOI_CODE}")
    owner = Unit.objects.filter(key=f"vn-{HANOI_CODE}-party-dv").first() or city
    communes = list(
        Unit.objects.filter(parent=city, kind=UnitKind.COMMUNE)
        .current()
        .select_related("legacy_district")
        .order_by("code")
    )
    districts = sorted({c.legacy_district.code for c in communes if c.legacy_district_id})
    per_cluster = max(1, -(-len(districts) // CLUSTER_COUNT))
    cluster_of_district = {code: i // per_cluster for i, code in enumerate(districts)}
    members: list[list[Unit]] = [[] for _ in range(CLUSTER_COUNT)]
    for n, commune in enumerate(communes):
        district = commune.legacy_district.code if commune.legacy_district_id else None
        index = cluster_of_district.get(district, n % CLUSTER_COUNT)
        members[min(index, CLUSTER_COUNT - 1)].append(commune)
    clusters = []
    for index, units in enumerate(members, start=1):
        cluster, _created = Cluster.objects.get_or_create(
            owner=owner, year=year, name=f"Cụm thi đua số {index}"
        )
        current = set(cluster.units.values_list("pk", flat=True))
        if current != {u.pk for u in units}:
            set_cluster_units(actor=actor, cluster=cluster, units=units)
        clusters.append(cluster)
    return clusters
