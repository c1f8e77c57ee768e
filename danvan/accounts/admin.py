"""Admin for users and role assignments; an administrator sees the roles on their units."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from danvan.accounts import services
from danvan.accounts.models import RoleAssignment, User
from danvan.organisations.admin import ScopedUnitAdminMixin
from danvan.organisations.models import Unit


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["unit"]
    fields = ["role", "unit", "valid_from", "valid_to"]
    readonly_fields = ["role", "unit", "valid_from", "valid_to"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    # Django's UserAdmin.fieldsets is a tuple; django-stubs gives it ModelAdmin's optional type.
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ["full_name", "phone"]}),)  # type: ignore[operator]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        # An administrator manages the users who hold a role within their units.
        units = Unit.objects.visible_to(request.user, ("administrator",))
        return qs.filter(role_assignments__unit__in=units.values("pk")).distinct()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_module_permission(self, request):
        return request.user.has_perm("accounts.manage_roles")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accounts.manage_roles")

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    unit_field = "unit"
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
    search_fields = ["user__username", "user__full_name", "unit__search_text"]
    list_select_related = ["user", "unit"]

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("accounts.manage_roles", obj.unit if obj else None)

    def save_model(self, request, obj, form, change):
        if not request.user.has_perm("accounts.manage_roles", obj.unit):
            raise Http404
        if change:
            old = RoleAssignment.objects.get(pk=obj.pk)
            services.revoke_role(actor=request.user, assignment=old)
            obj.pk = None
        saved = services.assign_role(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            unit=obj.unit,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.revoke_role(actor=request.user, assignment=obj)
