"""Per-request context: the client's address behind a trusted proxy, the client address for
audit entries, and the interface language."""

from contextvars import ContextVar

from django.conf import settings
from django.utils import translation

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def client_ip() -> str | None:
    """Return the address of the client of the current request, if any."""
    return _client_ip.get()


def ip_from_request(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class TrustedProxyMiddleware:
    """Behind a reverse proxy, REMOTE_ADDR is the proxy's: take the client's address from
    X-Forwarded-For, but only when the request came from a proxy of settings.TRUSTED_PROXIES,
    and only the last address that proxy added (the ones before it are the client's word).
    Rate limits, lockouts and the audit trail then count visitors, not the proxy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = set(getattr(settings, "TRUSTED_PROXIES", []))

    def __call__(self, request):
        if self.trusted and request.META.get("REMOTE_ADDR") in self.trusted:
            chain = [
                hop.strip()
                for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()
            ]
            while chain and chain[-1] in self.trusted:
                chain.pop()  # a proxy in front of the proxy
            if chain:
                request.META["REMOTE_ADDR"] = chain[-1]
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


class StorageFullMiddleware:
    """An upload the disk had no room for (lib.storage.StorageFull): the user is told, in a
    page of its own with status 507, and the request's transaction has rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from danvan.lib.storage import StorageFull

        if not isinstance(exception, StorageFull):
            return None
        return render(request, "lib/storage_full.html", status=507)


class LanguageMiddleware:
    """Vietnamese unless the user chose another language with the switcher (a cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored: office PCs
    often carry an English browser, and the board works in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
