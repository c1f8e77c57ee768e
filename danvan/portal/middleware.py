"""Visitors' copies of the public pages whose freshness can be read in one query, or that
are only as fresh as a time window.

A grassroots-democracy page of a commune (or of the city) is the same for every visitor who
is not signed in, until something it shows changes: its version (`portal.queries`, one
query) names its copy in the cache. The front door (the public home, a commune's page, the
scorecards and the library) shows figures computed once a window of a minute
(`places.freshness_window`): its version is that window, read without the database, so its
copy lasts the window.

This middleware sits right under WhiteNoise, so that a visitor's request for a kept page is
answered from the cache without the session, CSRF, authentication, lockout and history
middleware below: the whole response (status, headers
as the stack set them, content) is kept, and replayed.

The version is read from the database at most once a second by each worker (a kept page
then costs no database connection); a worker that changes a record forgets the versions it
read at once, so a change shows on the next request there and within a second elsewhere.

A request with a session cookie (an official signed in), any other query string, or any
method but GET goes down the stack as usual; so does a copy not yet kept, which is kept
when the page answers 200 without setting a cookie and is marked public.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import urlencode

from danvan.democracy.scorecards import VERSION_SECONDS, VERSIONS
from danvan.portal.places import freshness_window
from danvan.portal.queries import get_democracy_city, get_democracy_commune

KEPT_SECONDS = 3600


def _commune_version(kwargs, query) -> str | None:
    if query:
        return None  # a search or another page of publications: not kept
    commune, version = get_democracy_commune(kwargs["pk"])
    return f"commune:{commune.pk}:{version}"


def _city_version(kwargs, query) -> str | None:
    if set(query) - {"year"} or len(query.getlist("year")) > 1:
        return None
    city, version = get_democracy_city()
    return f"city:{city.pk}:{version}:{query.get('year', '')[:4]}"


MAX_VALUE = 80


def _windowed(*allowed: str):
    """The version of a page kept for the current window (places.freshness_window), read
    without the database: one copy per page, language and allowed query parameters; any
    other parameter, a repeated one or a long value is not kept. An answer other than 200
    (an unknown commune or model) is never kept, so only real pages fill the cache."""

    def version_of(kwargs, query) -> str | None:
        if set(query) - set(allowed):
            return None
        if any(len(values) > 1 for _name, values in query.lists()):
            return None
        chosen = sorted(query.items())
        values = [str(v) for v in kwargs.values()] + [v for _k, v in chosen]
        if any(len(value) > MAX_VALUE for value in values):
            return None
        # urlencode: no space or control character in the key, whatever the backend.
        return (
            f"{urlencode(sorted(kwargs.items()))}:{urlencode(chosen)}:"
            f"{timezone.localdate()}:{freshness_window()}"
        )

    return version_of


# URL name → the version of the page for the request (None: not kept).
KEPT_PAGES = {
    "public:democracy_commune": _commune_version,
    "public:democracy": _city_version,
}
# The versions read without the database: asked each time, never remembered.
WINDOWED = {
    "home": _windowed(),
    "public:commune": _windowed(),
    "public:scorecards": _windowed("period", "unit"),
    "portal:library": _windowed("page", "field", "kind", "year", "commune"),
    "portal:library_detail": _windowed(),
}
KEPT_PAGES.update(WINDOWED)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def _key(self, request) -> str | None:
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        version_of = KEPT_PAGES.get(match.view_name)
        if version_of is None:
            return None
        if match.view_name in WINDOWED:
            if not settings.PUBLIC_PAGE_SECONDS:
                return None
            version = version_of(match.kwargs, request.GET)
            if version is None:
                return None
            return self._language_key(request, f"{match.view_name}:{version}")
        # A version read less than a second ago is trusted: a kept page then costs no
        # database connection (a new one for each request is most of a page's cost).
        memo = (match.view_name, tuple(match.kwargs.items()), request.META.get("QUERY_STRING"))
        now = time.monotonic()
        found = VERSIONS.get(memo)
        if found is not None and now - found[0] < VERSION_SECONDS:
            version = found[1]
        else:
            try:
                version = version_of(match.kwargs, request.GET)
            except Http404:
                return None  # the view answers it
            VERSIONS[memo] = (now, version)
        if version is None:
            return None
        return self._language_key(request, version)

    def _language_key(self, request, version: str) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        return f"portal:page:{version}:{language}"

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        kept = cache.get(key)
        if kept is not None:
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            return response
        response = self.get_response(request)
        cacheable = (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "public" in response.headers.get("Cache-Control", "")
        )
        if cacheable:
            cache.set(
                key, (response.status_code, list(response.items()), response.content), KEPT_SECONDS
            )
        return response
