"""Admin of grassroots democracy's rule tables: every threshold and period is a dated row
with its legal source, edited by the city's administrators (audited, with history; a row
in use is succeeded, never changed in place)."""

from django.contrib import admin

from danvan.democracy.models import (
    BoardRule,
    DialogueRule,
    PetitionRule,
    PublicationGroup,
    PublicationRule,
    VoteRule,
)
from danvan.organisations.admin import CityRulesAdmin


@admin.register(PublicationGroup)
class PublicationGroupAdmin(CityRulesAdmin):
    list_display = ["order", "name", "code", "per_year", "is_active"]
    list_filter = ["is_active", "per_year"]
    search_fields = ["name", "code"]


@admin.register(PublicationRule)
class PublicationRuleAdmin(CityRulesAdmin):
    list_display = [
        "group",
        "publish_within_days",
        "keep_posted_days",
        "legal_basis",
        "effective_from",
        "effective_to",
    ]
    list_select_related = ["group"]


@admin.register(VoteRule)
class VoteRuleAdmin(CityRulesAdmin):
    list_display = [
        "matter_kind",
        "share_label",
        "quorum_label",
        "online_allowed",
        "minutes_within_days",
        "legal_basis",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["matter_kind", "online_allowed"]


@admin.register(PetitionRule)
class PetitionRuleAdmin(CityRulesAdmin):
    list_display = ["__str__", "legal_basis", "effective_from", "effective_to"]


@admin.register(BoardRule)
class BoardRuleAdmin(CityRulesAdmin):
    list_display = [
        "board_kind",
        "min_members",
        "excludes_officials",
        "excludes_project_ties",
        "legal_basis",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["board_kind"]


@admin.register(DialogueRule)
class DialogueRuleAdmin(CityRulesAdmin):
    list_display = ["min_per_year", "legal_basis", "effective_from", "effective_to"]
