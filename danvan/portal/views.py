"""Public pages: the “Dân vận khéo” model library. No login, no cookies, nothing personal."""

from functools import wraps

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_cookie
from django.views.i18n import set_language

from danvan.portal.forms import LibraryFilterForm
from danvan.portal.queries import (
    communes_of,
    filter_library,
    for_library_list,
    get_public_model,
    public_replications,
)

PAGE_SIZE = 30
PUBLIC_MAX_AGE = 300

_shared = cache_control(public=True, max_age=PUBLIC_MAX_AGE)
# A signed-in official sees their own name in the top bar: never let a shared cache keep it.
_personal = cache_control(private=True, no_cache=True)


def public_page(view):
    """Serve a GET (or HEAD) page that shared caches may keep for a visitor who is not signed in.

    base.html's language form carries a CSRF token, and rendering one sets the CSRF cookie;
    a cacheable page must set no cookie, so for visitors the token is left out and the
    portal's own language switch (csrf-exempt, below) is shown instead.
    """

    @require_safe
    @vary_on_cookie
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        signed_in = request.user.is_authenticated
        context = {"public_visitor": not signed_in}
        if not signed_in:
            # An empty token renders nothing. (Django's "NOTPROVIDED" marker would be the
            # tidier choice, but its tag calls format_html("") which Django 6 rejects.)
            context["csrf_token"] = ""
        decorated = _personal(view) if signed_in else _shared(view)
        return decorated(request, context, *args, **kwargs)

    return wrapper


@public_page
def library(request, context):
    form = LibraryFilterForm(request.GET or None)
    qs = for_library_list(filter_library(form.params()))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    communes = communes_of(m.unit for m in page)
    rows = [(m, communes.get(m.unit_id)) for m in page]
    query = request.GET.copy()
    query.pop("page", None)
    context.update({"form": form, "page": page, "rows": rows, "query": query.urlencode()})
    return render(request, "portal/library.html", context)


@public_page
def library_detail(request, context, pk):
    model = get_public_model(pk)
    commune = communes_of([model.unit]).get(model.unit_id)
    context.update(
        {
            "model": model,
            "commune": commune if commune and commune.pk != model.unit_id else None,
            "replications": public_replications(model),
        }
    )
    return render(request, "portal/library_detail.html", context)


# Django's set_language, without the CSRF check that needs a cookie the public pages never
# set. Switching a visitor's language is harmless, and the view itself refuses foreign `next`.
language = csrf_exempt(require_POST(set_language))
