"""Admin for the citizen's voice: the city's rule tables, Open311 clients, cases (read-only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.organisations.admin import CityAdmin, CityRulesAdmin, ScopedUnitAdminMixin
from danvan.voice import services
from danvan.voice.forms import ApiKeyForm
from danvan.voice.models import (
    ApiKey,
    Case,
    Category,
    DeadlineRule,
    LimitationRule,
    ReceptionSchedule,
    RejectionReason,
    RoutingRule,
    VoiceSettings,
)


@admin.register(Category)
class CategoryAdmin(CityRulesAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(CityRulesAdmin):
    list_display = [
        "kind",
        "urgency",
        "step",
        "amount",
        "unit",
        "starts_from",
        "next_working_day",
        "max_extensions",
        "legal_basis",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["kind", "step", "urgency", "starts_from"]


@admin.register(LimitationRule)
class LimitationRuleAdmin(CityRulesAdmin):
    list_display = [
        "kind",
        "category",
        "days",
        "obstacles_not_counted",
        "next_working_day",
        "legal_basis",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["kind"]
    list_select_related = ["category"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(CityRulesAdmin):
    list_display = [
        "category",
        "place",
        "responsible",
        "priority",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["category"]
    list_select_related = ["category", "place", "responsible"]
    raw_id_fields = ["place", "responsible"]


@admin.register(RejectionReason)
class RejectionReasonAdmin(CityRulesAdmin):
    list_display = ["code", "text", "time_barred", "is_active"]


@admin.register(VoiceSettings)
class VoiceSettingsAdmin(CityRulesAdmin):
    list_display = [
        "effective_from",
        "escalation_grace_hours",
        "reminder_hours",
        "reopen_window_days",
    ]


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(CityRulesAdmin):
    list_display = ["unit", "weekday", "place", "host", "is_active"]
    list_filter = ["weekday", "is_active"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]


@admin.register(ApiKey)
class ApiKeyAdmin(CityAdmin):
    """Open311 clients: a new key is shown once, then only its prefix; keys are revoked."""

    form = ApiKeyForm
    list_display = ["name", "prefix", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["prefix", "is_active", "created_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", "prefix", "is_active", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A key is issued or revoked, never edited.
        return self.readonly_fields if obj is None else ["name", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, raw = services.issue_api_key(actor=request.user, name=obj.name)
        # The admin goes on with the object it built (its log entry, the redirect).
        obj.pk, obj.key_hash, obj.prefix, obj.created_at = (
            key.pk,
            key.key_hash,
            key.prefix,
            key.created_at,
        )
        messages.warning(
            request,
            _("The key of %(name)s is %(key)s — copy it now: it will not be shown again.")
            % {"name": key.name, "key": raw},
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.filter(is_active=True):
            services.revoke_api_key(actor=request.user, key=key)
        messages.success(request, _("The keys were revoked."))


@admin.register(Case)
class CaseAdmin(ScopedUnitAdminMixin, admin.ModelAdmin):
    """Read-only, and without the reporter's personal data: cases change through services,
    and a denunciation's reporter is shown only on the case page, to its handler."""

    unit_field = "responsible"
    list_display = ["code", "title", "kind", "status", "responsible", "received_at", "overdue"]
    list_filter = ["status", "kind", "channel", "overdue"]
    list_select_related = ["responsible"]
    search_fields = ["search_text"]
    date_hierarchy = "received_at"
    fields = (
        "code",
        "kind",
        "urgency",
        "channel",
        "category",
        "title",
        "description",
        "commune",
        "address",
        "status",
        "responsible",
        "handler",
        "received_at",
        "deadline",
        "overdue",
        "answered_at",
        "answered_late",
        "answer",
        "satisfied",
    )
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False
