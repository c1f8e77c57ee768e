"""A cadre's status as a badge: serving, retired (with the date) or died (with the date)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def cadre_status(cadre) -> str:
    status = cadre.status_now
    if status == "deceased":
        label = _("Died %(date)s") % {"date": cadre.died_on.strftime("%d/%m/%Y")}
        return format_html('<span class="badge closed">{}</span>', label)
    if status == "retired":
        label = _("Retired %(date)s") % {"date": cadre.retired_on.strftime("%d/%m/%Y")}
        return format_html('<span class="badge">{}</span>', label)
    return format_html('<span class="badge state">{}</span>', _("Serving"))
