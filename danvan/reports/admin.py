"""Admin for periodic report templates (the board defines them here) and, read-only, reports."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.organisations.admin import ScopedUnitAdminMixin
from danvan.reports.models import Report, ReportTemplate
from danvan.reports.services import check_template_fields


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["name", "owner", "frequency", "due_days", "fields", "is_active"]
        help_texts = {
            "fields": (
                '[{"code": "models", "label": "…", "type": "number", "metric": '
                '"models_registered"}, {"code": "notes", "label": "…", "type": "text"}, '
                '{"code": "events", "label": "…", "type": "table", "columns": ["…", "…"]}]'
            )
        }

    def clean_fields(self):
        definition = self.cleaned_data["fields"]
        check_template_fields(definition)  # raises a ValidationError naming every fault
        return definition


@admin.register(ReportTemplate)
class ReportTemplateAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    form = ReportTemplateForm
    unit_field = "owner"
    list_display = ["name", "owner", "frequency", "due_days", "is_active"]
    list_filter = ["frequency", "is_active"]
    list_select_related = ["owner"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]

    def has_delete_permission(self, request, obj=None):
        return False  # reports point at their template: retire it with "in use" instead


@admin.register(Report)
class ReportAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    """Read-only here: reports change through their pages and services."""

    unit_field = "unit"
    list_display = ["template", "unit", "period_start", "due_date", "status", "submitted_at"]
    list_filter = ["status", "template"]
    list_select_related = ["template", "unit"]
    raw_id_fields = ["unit"]
    date_hierarchy = "period_start"

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
