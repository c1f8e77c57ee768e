"""The citizen's front door: the public home, the commune finder and a page per commune."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.organisations import views as organisation_views
from danvan.portal.places import (
    city_map,
    commune_near,
    commune_page,
    commune_slug,
    find_communes,
    get_commune_by_slug,
    headline_figures,
    year_to_date,
)
from danvan.portal.queries import get_city, get_shared_case
from danvan.portal.views import public_page


class FinderForm(forms.Form):
    """A commune's name (current or before the 2025 reform), or a position the browser gave."""

    q = forms.CharField(
        label=_("Commune or ward, or an old district's name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _("e.g. ba dinh")}
        ),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if (
            "lat" in self.errors
            or "lon" in self.errors
            or ((data.get("lat") is None) != (data.get("lon") is None))
        ):
            raise forms.ValidationError(_("The position was incomplete."), code="position")
        if "q" not in self.errors and not data.get("q", "").strip() and data.get("lat") is None:
            raise forms.ValidationError(
                _("Type the name of a commune, a ward or an old district."), code="empty"
            )
        return data

    def position(self) -> tuple[float, float] | None:
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return None if lat is None or lon is None else (lat, lon)


def home(request):
    """The site's address: the staff's home once signed in, the public home for anyone else."""
    if request.user.is_authenticated:
        return organisation_views.home(request)
    return public_home(request)


@public_page
def public_home(request, context):
    city = get_city()
    start, end = year_to_date()
    context.update(
        {
            "city": city,
            "headline": headline_figures(city),
            "finder": FinderForm(),
            "map": city_map(city, start, end),
            "start": start,
            "end": end,
            "section": "home",
        }
    )
    return render(request, "portal/home.html", context)


def _finder_response(request, context, form, *, results=None, status=200, **extra):
    context.update({"finder": form, "results": results, "section": "home", **extra})
    return render(request, "portal/finder.html", context, status=status)


@public_page
def finder(request, context):
    """Find a commune by a current or old name, or the one nearest a position (GET form)."""
    form = FinderForm(request.GET or None)
    if not form.is_valid():
        return _finder_response(request, context, form)
    city = get_city()
    position = form.position()
    if position is not None:
        commune = commune_near(city, *position)
        if commune is not None:
            return redirect("public:commune", slug=commune_slug(commune.name))
        return _finder_response(request, context, form, results=[], far=True)
    results = find_communes(city, form.cleaned_data["q"])
    return _finder_response(request, context, form, results=results)


@public_page
def commune(request, context, slug):
    try:
        unit = get_commune_by_slug(slug)
    except Http404:
        return _finder_response(request, context, FinderForm(), status=404, not_found=True)
    context.update(commune_page(unit))
    context.update({"commune": unit, "city": get_city(), "today": timezone.localdate()})
    context["section"] = "home"
    return render(request, "portal/commune.html", context)


@public_page
def shared_case(request, context, pk):
    """A case someone else sent, as a citizen who would have sent the same follows it."""
    case, merged = get_shared_case(pk)
    if case.merged_into_id:
        return redirect("public:shared_case", pk=case.merged_into_id)
    context.update({"case": case, "merged": merged, "section": "track"})
    return render(request, "portal/shared_case.html", context)
