"""Admin of the awards' rules (catalogue, authorities, base salary, medal and title rules):
city-wide, audited, with history; a dated row in use is succeeded, not changed."""

from django.contrib import admin

from danvan.awards.models import Authority, AwardType, BaseSalary, MedalRule, TitleRule
from danvan.organisations.admin import CityRulesAdmin


@admin.register(AwardType)
class AwardTypeAdmin(CityRulesAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "recipients",
        "money_individual",
        "money_collective",
        "vote_threshold",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["kind", "recipients", "code"]


@admin.register(Authority)
class AuthorityAdmin(CityRulesAdmin):
    list_display = [
        "award_code",
        "level",
        "issuer_kind",
        "external_body",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["level", "issuer_kind", "award_code"]


@admin.register(BaseSalary)
class BaseSalaryAdmin(CityRulesAdmin):
    list_display = ["amount", "effective_from", "effective_to", "legal_basis"]


@admin.register(MedalRule)
class MedalRuleAdmin(CityRulesAdmin):
    list_display = [
        "award_code",
        "years_full_time",
        "years_part_time",
        "hardship_multiplier",
        "effective_from",
        "effective_to",
    ]


@admin.register(TitleRule)
class TitleRuleAdmin(CityRulesAdmin):
    list_display = [
        "award_code",
        "prerequisite_code",
        "consecutive_years",
        "effective_from",
        "effective_to",
    ]
