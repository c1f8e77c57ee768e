"""The map of the city's communes, for any public page that shows the city's figures."""

from django import template

from danvan.portal.places import city_map as _city_map
from danvan.portal.places import commune_slug as _slug

register = template.Library()


@register.simple_tag
def city_map(city, start, end):
    """`{% city_map city start end as map %}`: the communes' dots and their table (kept for a
    few minutes, see places.city_map)."""
    return _city_map(city, start, end)


@register.filter
def commune_slug(name: str) -> str:
    """The slug of a commune's page: `{% url 'public:commune' commune.name|commune_slug %}`."""
    return _slug(name)
