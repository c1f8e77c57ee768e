"""Admin for units and clusters, limited to the units an administrator's roles reach, and
the base of the city's rule tables' admin pages."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from danvan.organisations import services
from danvan.organisations.models import Cluster, Unit
from danvan.organisations.ruletables import CLOSING_FIELDS


class ScopedUnitAdminMixin:
    """Show and change only objects whose unit the administrator reaches; others are 404."""

    unit_field = "pk"

    def scoped(self, request, qs):
        units = Unit.objects.visible_to(request.user, perm="organisations.manage")
        if self.unit_field == "pk":
            return qs.filter(pk__in=units.values("pk"))
        return qs.filter(**{f"{self.unit_field}__in": units.values("pk")})

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _require_in_scope(self, request, object_id) -> None:
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Unit choices (and raw-id values) are limited to the administrator's units."""
        if db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.visible_to(request.user, perm="organisations.manage")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.has_perm("organisations.manage")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(
            "organisations.manage", obj if obj is None else self.unit_of(obj)
        )

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return False  # units and clusters close, they are not deleted

    def unit_of(self, obj):
        return obj if self.unit_field == "pk" else getattr(obj, self.unit_field)


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "kind",
            "branch",
            "code",
            "parent",
            "valid_from",
            "valid_to",
            "legacy_district",
            "predecessors",
            "latitude",
            "longitude",
        ]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            services.check_parent(self.instance, parent)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return parent


class CityAdmin(admin.ModelAdmin):
    """City-wide tables: editable by administrators of a root unit only."""

    def _city_admin(self, request) -> bool:
        paths = request.user.paths_for("organisations.manage")
        return paths is None or any(p.count("/") == 1 for p in paths)

    def has_module_permission(self, request):
        return self._city_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._city_admin(request)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False  # rules are closed with a date or set out of use, never deleted


class RuleAdminForm(forms.ModelForm):
    """Check a change to a dated rule in use as the successor it will become."""

    def clean(self):
        data = super().clean()
        model = type(self.instance)
        changed = set(self.changed_data) - CLOSING_FIELDS
        if self.instance.pk is None or not model.is_dated() or not changed:
            return data
        stored = model._base_manager.get(pk=self.instance.pk)
        if stored.in_use():
            start = data.get("effective_from") if "effective_from" in changed else None
            try:
                services.check_revision(stored, start or timezone.localdate())
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return data


class RuleAdminMixin:
    """Rule rows are added, changed, closed and revised through the rule services: audited,
    kept in history, and a dated row in use is succeeded instead of changed."""

    form: type[forms.ModelForm] = RuleAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            services.add_rule(obj, actor=request.user)
            return
        model = type(obj)
        names = {field.name for field in model._meta.concrete_fields}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in names}
        stored = model._base_manager.get(pk=obj.pk)
        saved = services.change_rule(stored, changes, actor=request.user)
        if saved.pk != stored.pk:
            messages.info(
                request,
                _(
                    "This rule is in use, so it was kept as it was, in force until %(closed)s; "
                    "the changes take effect as a new rule from %(start)s."
                )
                % {
                    "closed": (saved.effective_from - datetime.timedelta(days=1)).strftime(
                        "%d/%m/%Y"
                    ),
                    "start": saved.effective_from.strftime("%d/%m/%Y"),
                },
            )
        # The admin goes on (inlines, its message, the redirect) with the row that now
        # carries the changes.
        for field in model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))


class CityRulesAdmin(RuleAdminMixin, CityAdmin, SimpleHistoryAdmin):
    """City-wide rule tables: for administrators of a root unit; audited, with history."""


@admin.register(Unit)
class UnitAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    form = UnitAdminForm
    list_display = ["name", "kind", "branch", "code", "valid_from", "valid_to", "parent"]
    list_filter = ["kind", "branch"]
    search_fields = ["search_text", "code", "key"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent", "legacy_district"]
    filter_horizontal = ["predecessors"]
    fields = [
        "name",
        "short_name",
        "kind",
        "branch",
        "code",
        "key",
        "parent",
        "valid_from",
        "valid_to",
        "legacy_district",
        "latitude",
        "longitude",
    ]
    readonly_fields = ["key"]

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.changed_data if f in services.EDITABLE_FIELDS}
        parent = form.cleaned_data.get("parent")
        if parent is not None and not request.user.has_perm("organisations.manage", parent):
            raise Http404
        if not change:
            fields = {f: form.cleaned_data.get(f) for f in services.EDITABLE_FIELDS}
            fields.pop("name"), fields.pop("kind")
            created = services.create_unit(
                actor=request.user,
                parent=parent,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                **{k: v for k, v in fields.items() if v not in (None, "")},
            )
            obj.pk = created.pk
            return
        original = Unit.objects.get(pk=obj.pk)
        if data:
            services.update_unit(actor=request.user, unit=original, **data)
        if "parent" in form.changed_data:
            services.move_unit(actor=request.user, unit=original, new_parent=parent)

    def save_related(self, request, form, formsets, change):
        form.instance = Unit.objects.get(pk=form.instance.pk)
        super().save_related(request, form, formsets, change)


@admin.register(Cluster)
class ClusterAdmin(ScopedUnitAdminMixin, SimpleHistoryAdmin):
    unit_field = "owner"
    list_display = ["name", "year", "owner"]
    list_filter = ["year"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["units"]
