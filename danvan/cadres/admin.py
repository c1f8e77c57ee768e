"""Admin of the cadres' rule tables (congress terms, personal data policies) and a read-only
view of profiles: profiles change through the cadres' pages and services (audited), and
sensitive data is never shown here (its reads are logged on the profile page)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from danvan.cadres.models import Cadre, PersonalDataPolicy, Term, TrainingCourse
from danvan.organisations.admin import CityAdmin, RuleAdminMixin, ScopedUnitAdminMixin


@admin.register(Term)
class TermAdmin(CityAdmin, SimpleHistoryAdmin):
    list_display = ["name", "start", "end"]


@admin.register(PersonalDataPolicy)
class PersonalDataPolicyAdmin(RuleAdminMixin, ScopedUnitAdminMixin, SimpleHistoryAdmin):
    unit_field = "unit"
    list_display = [
        "unit",
        "records_ethnicity",
        "records_religion",
        "effective_from",
        "effective_to",
    ]
    raw_id_fields = ["unit"]


@admin.register(TrainingCourse)
class TrainingCourseAdmin(CityAdmin, SimpleHistoryAdmin):
    """Courses are shared by the units that send cadres to them: city administrators."""

    list_display = ["name", "organiser", "level", "hours", "start", "end"]
    list_filter = ["level"]
    search_fields = ["name", "organiser"]
    raw_id_fields = ["organiser_unit"]


@admin.register(Cadre)
class CadreAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    """Read-only: profiles change through the cadres' pages and services."""

    unit_field = "record_unit"
    list_display = ["full_name", "sex", "birth_year", "record_unit", "retired_on", "died_on"]
    list_filter = ["sex"]
    list_select_related = ["record_unit"]
    search_fields = ["search_text"]
    raw_id_fields = ["record_unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False
