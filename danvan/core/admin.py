from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from danvan.core.models import AuditEntry, ColumnMapping, ColumnSynonym, WorkdayOverride
from danvan.core.services import delete_column_synonym, save_column_synonym
from danvan.lib.imports import IGNORE, SPECS, heading_key


def _city_administrator(request) -> bool:
    """The calendar and the import headings are city-wide: only administrators of a root
    unit edit them."""
    paths = request.user.paths_for("organisations.manage")
    return paths is None or any(p.count("/") == 1 for p in paths)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("organisations.manage")

    def has_view_permission(self, request, obj=None):
        return _city_administrator(request)

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


class ColumnSynonymForm(forms.ModelForm):
    class Meta:
        model = ColumnSynonym
        fields = ["register", "column", "heading"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registers = sorted(SPECS)
        self.fields["register"].widget = forms.Select(choices=[(r, r) for r in registers])
        columns = {IGNORE: _("Not imported")}
        for spec in SPECS.values():
            columns.update({c.code: f"{c.code} — {c.label}" for c in spec.columns})
        self.fields["column"].widget = forms.Select(choices=sorted(columns.items()))

    def clean(self):
        data = super().clean()
        register, column, heading = (data.get(k) for k in ("register", "column", "heading"))
        spec = SPECS.get(register or "")
        if spec is None:
            self.add_error("register", _("No import is declared under this name."))
        elif column != IGNORE and spec.column(column or "") is None:
            self.add_error("column", _("This import has no such column."))
        key = " ".join(heading_key(heading))
        if heading and not key:
            self.add_error("heading", _("The heading has no letters to match."))
        clash = ColumnSynonym.objects.filter(register=register, key=key).exclude(
            pk=self.instance.pk
        )
        if key and clash.exists():
            self.add_error(
                "heading",
                _("This heading is already known as the column “%(column)s”.")
                % {"column": clash[0].column},
            )
        return data


@admin.register(ColumnSynonym)
class ColumnSynonymAdmin(admin.ModelAdmin):
    form = ColumnSynonymForm
    list_display = ["heading", "column", "register"]
    list_filter = ["register", "column"]
    search_fields = ["heading", "key"]

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("organisations.manage")

    def has_view_permission(self, request, obj=None):
        return _city_administrator(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission

    def save_model(self, request, obj, form, change):
        save_column_synonym(actor=request.user, synonym=obj)

    def delete_model(self, request, obj):
        delete_column_synonym(actor=request.user, synonym=obj)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            self.delete_model(request, synonym)


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["register", "headings", "created_by", "created_at"]
    list_filter = ["register"]
    readonly_fields = ["register", "signature", "headings", "mapping", "created_by", "created_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("organisations.manage")

    def has_view_permission(self, request, obj=None):
        return _city_administrator(request)

    has_delete_permission = has_view_permission

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
