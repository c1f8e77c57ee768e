from django.contrib import admin

from danvan.core.models import AuditEntry, WorkdayOverride


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("organisations.manage")

    def has_view_permission(self, request, obj=None):
        # The calendar is city-wide: only administrators of a root unit edit it.
        paths = request.user.paths_for("organisations.manage")
        return paths is None or any(p.count("/") == 1 for p in paths)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_label", "action"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
