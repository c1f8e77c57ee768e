"""Campaigns and targets written before they moved to `plans` are still there afterwards."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from danvan.core.models import AuditEntry
from danvan.plans.models import Campaign, Target

BEFORE = [("reports", "0001_initial")]


def _migrate(targets, *, state):
    """Migrate to the targets; return the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(state).apps


@pytest.mark.django_db(transaction=True)
def test_campaigns_and_targets_keep_their_rows_when_they_move_to_plans():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([*BEFORE, ("plans", None)], state=BEFORE)
    try:
        unit_model = old.get_model("organisations", "Unit")
        city = unit_model.objects.create(name="Hà Nội", kind="province", key="vn-01", path="0001/")
        commune = unit_model.objects.create(
            name="Phường Ba Đình", kind="commune", key="vn-01-00004", path="0001/0001/", parent=city
        )
        campaign = old.get_model("reports", "Campaign").objects.create(
            name="Chương trình công tác dân vận năm 2026",
            owner=city,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
        )
        target_model = old.get_model("reports", "Target")
        parent = target_model.objects.create(
            campaign=campaign, unit=city, title="Mô hình mới", metric="models_registered", value=5
        )
        child = target_model.objects.create(
            campaign=campaign,
            unit=commune,
            parent=parent,
            title="Mô hình mới",
            metric="models_registered",
            value=5,
            reported_value=Decimal("3.50"),
        )
        content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="reports", model="campaign"
        )[0]
        # The kernel's tables are as they are today; the entry was written under reports.*.
        entry = AuditEntry.objects.create(
            action="reports.open_campaign", object_id=str(campaign.pk), scope_path=city.path
        )
    finally:
        _migrate(leaves, state=leaves)

    moved = Campaign.objects.get(pk=campaign.pk)
    assert (moved.name, moved.owner_id, moved.end) == (
        campaign.name,
        city.pk,
        datetime.date(2026, 12, 31),
    )
    targets = Target.objects.filter(campaign=moved).order_by("pk")
    assert [(t.pk, t.unit_id, t.parent_id, t.reported_value) for t in targets] == [
        (parent.pk, city.pk, None, None),
        (child.pk, commune.pk, parent.pk, Decimal("3.50")),
    ]
    assert AuditEntry.objects.get(pk=entry.pk).action == "plans.open_campaign"
    relabelled = ContentType.objects.get(pk=content_type.pk)
    assert (relabelled.app_label, relabelled.model) == ("plans", "campaign")
    assert relabelled.model_class() is Campaign
    # New rows are numbered after the moved ones.
    assert (
        Campaign.objects.create(
            name="Năm 2027", owner_id=city.pk, start=moved.start, end=moved.end
        ).pk
        > moved.pk
    )
