"""Admin for the registry's rules (fields, levels, rubrics) and councils."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.organisations.admin import CityRulesAdmin, RuleAdminMixin, ScopedUnitAdminMixin
from danvan.registry.models import (
    Council,
    Criterion,
    Field,
    PracticeModel,
    RecognitionLevel,
    Rubric,
    Tag,
)


@admin.register(Field)
class FieldAdmin(CityRulesAdmin):
    list_display = ["name", "code", "order", "is_active"]


@admin.register(Tag)
class TagAdmin(CityRulesAdmin):
    search_fields = ["name"]


@admin.register(RecognitionLevel)
class RecognitionLevelAdmin(CityRulesAdmin):
    list_display = ["name", "code", "rank", "effective_from", "effective_to"]
    list_filter = ["code"]


class CriterionInline(admin.TabularInline):
    """A rubric's criteria; read-only once a council or a result uses the rubric: changing
    the rubric then makes its successor, with copies of the criteria to change."""

    model = Criterion
    extra = 1

    def _editable(self, obj) -> bool:
        return obj is None or not obj.in_use()

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Rubric)
class RubricAdmin(RuleAdminMixin, ScopedUnitAdminMixin, SimpleHistoryAdmin):
    unit_field = "issuer"
    list_display = ["name", "issuer", "kind", "good_threshold", "effective_from", "effective_to"]
    raw_id_fields = ["issuer"]
    inlines = [CriterionInline]


@admin.register(Council)
class CouncilAdmin(ScopedUnitAdminMixin, admin.ModelAdmin):
    unit_field = "unit"
    list_display = ["name", "year", "unit", "rubric"]
    list_filter = ["year"]
    raw_id_fields = ["unit"]
    filter_horizontal = ["members"]


@admin.register(PracticeModel)
class PracticeModelAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    """Read-only here: models change through the registry's pages and services."""

    unit_field = "unit"
    list_display = ["name", "unit", "field", "year", "status", "recognised_level"]
    list_filter = ["status", "field", "kind", "year"]
    list_select_related = ["unit", "field", "recognised_level"]
    search_fields = ["search_text"]
    raw_id_fields = ["unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False
