"""Maps on tiles, where a tile server is configured (settings.TILE_SERVER_URL).

`{% tile_map %}` adds the vendored map library and static/js/place-map.js to a page, with
the tile server's address; without a tile server it adds nothing, and the page shows no map.
"""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("lib/_tile_map.html")
def tile_map() -> dict:
    return {"tiles": settings.TILE_SERVER_URL, "attribution": settings.TILE_ATTRIBUTION}


@register.simple_tag
def tile_server() -> str:
    """`{% tile_server as tiles %}`: the tile server's URL template, empty when none."""
    return settings.TILE_SERVER_URL
