"""Admin for the contests' rules (scoring rules, rubrics, prizes); contests themselves are
run from their own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.contests.models import Criterion, PrizeKind, Rubric, ScoringRule
from danvan.organisations.admin import CityRulesAdmin, RuleAdminMixin, ScopedUnitAdminMixin


class IssuedRulesAdmin(RuleAdminMixin, ScopedUnitAdminMixin, SimpleHistoryAdmin):
    """Rules of an issuing unit, for its administrators; the rows of every organiser (no
    issuer) for the city's administrators."""

    unit_field = "issuer"
    raw_id_fields = ["issuer"]

    def scoped(self, request, qs):
        paths = request.user.paths_for("organisations.manage")
        if paths is None:
            return qs
        return super().scoped(request, qs)

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.issuer_id is None:
            return request.user.paths_for("organisations.manage") is None
        return super().has_view_permission(request, obj)

    has_change_permission = has_view_permission


@admin.register(ScoringRule)
class ScoringRuleAdmin(IssuedRulesAdmin):
    list_display = ["name", "issuer", "aggregation", "tie_break", "effective_from", "effective_to"]


class CriterionInline(admin.TabularInline):
    """A rubric's criteria; read-only once a round uses the rubric: changing the rubric then
    makes its successor, with copies of the criteria to change."""

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
class RubricAdmin(IssuedRulesAdmin):
    list_display = ["name", "issuer", "effective_from", "effective_to"]
    inlines = [CriterionInline]


@admin.register(PrizeKind)
class PrizeKindAdmin(CityRulesAdmin):
    list_display = ["name", "code", "order", "ranked", "is_active"]
