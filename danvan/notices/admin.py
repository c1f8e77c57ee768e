"""The log of what citizens were told, read-only, within the administrator's units."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from danvan.notices.models import BouncedAddress, Notice, NotificationRules
from danvan.organisations.admin import CityAdmin, CityRulesAdmin, ScopedUnitAdminMixin

# Read only: the address is never shown, only what was sent and how it went.
_SHOWN = (
    "case_code",
    "event_action",
    "channel",
    "status",
    "subject",
    "attempts",
    "sent_at",
    "error",
)


@admin.register(Notice)
class NoticeAdmin(ScopedUnitAdminMixin, admin.ModelAdmin):
    unit_field = "case__responsible"
    list_display = ["case_code", "event_action", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["case__code"]
    list_select_related = ["case", "event"]
    fields = _SHOWN
    readonly_fields = _SHOWN

    @admin.display(description=_("case"), ordering="case__code")
    def case_code(self, obj) -> str:
        return obj.case.code

    @admin.display(description=_("step"))
    def event_action(self, obj) -> str:
        return obj.event.action

    def unit_of(self, obj):
        return obj.case.responsible

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationRules)
class NotificationRulesAdmin(CityRulesAdmin):
    list_display = ["effective_from", "effective_to", "deadline_near_days", "digest_hour"]


@admin.register(BouncedAddress)
class BouncedAddressAdmin(CityAdmin):
    """The addresses that bounced; deleting one lets messages go to it again."""

    list_display = ["address", "channel", "bounces", "reason", "last_at"]
    list_filter = ["channel"]
    search_fields = ["address"]
    readonly_fields = ["first_at", "last_at", "bounces"]
