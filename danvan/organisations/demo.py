"""Hà Nội's six dân vận emulation clusters for the demo.

No public membership list exists, so the demo groups the communes by the district they
belonged to before 1 July 2025: the 30 former districts, in the order of their official
codes, are split into six runs of five, and each commune joins its former district's cluster.
"""

from django.db import transaction

from danvan.organisations.models import Cluster, Unit, UnitKind
from danvan.organisations.national import HANOI_CODE
from danvan.organisations.services import set_cluster_units

CLUSTER_COUNT = 6


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
