"""The admin edits the rule tables only: topics and the dated report rule. Collaborators,
their identities and reports are kept out of it, so that every read of an identity goes
through services.read_identity and is logged."""

from django.contrib import admin

from danvan.opinion.models import OpinionRule, Topic
from danvan.organisations.admin import CityRulesAdmin


@admin.register(Topic)
class TopicAdmin(CityRulesAdmin):
    list_display = ["name", "code", "sensitive", "position", "is_active"]
    list_filter = ["sensitive", "is_active"]


@admin.register(OpinionRule)
class OpinionRuleAdmin(CityRulesAdmin):
    list_display = [
        "legal_basis",
        "due_day",
        "closing_days",
        "urgent_ack_hours",
        "effective_from",
        "effective_to",
    ]
