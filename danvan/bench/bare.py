"""The bare Django page the throughput of the project's pages is compared with: a Django of
its own (no middleware, no database, no app), rendering 50 rows through a template.

Served like the project (`gunicorn -w 2 'danvan.bench.bare:application()'`) by bench_portal;
configuring Django happens when the server calls `application()`, never on import, so that
importing this module inside the project changes nothing.
"""

ROWS = [(number, f"Mô hình dân vận khéo số {number}") for number in range(1, 51)]
TEMPLATE = (
    "<!doctype html><html lang=vi><head><title>Bare</title></head><body><table>"
    "{% for number, name in rows %}<tr><td>{{ number }}</td><td>{{ name }}</td></tr>{% endfor %}"
    "</table></body></html>"
)


def application():
    """Configure a bare Django in this process and return its WSGI handler."""
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        SECRET_KEY="bare-page-of-the-benchmark-" + "x" * 40,
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [("django.template.loaders.locmem.Loader", {"bare.html": TEMPLATE})]
                },
            }
        ],
    )
    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.shortcuts import render
    from django.urls import path

    global urlpatterns
    urlpatterns = [path("", lambda request: render(request, "bare.html", {"rows": ROWS}))]
    return get_wsgi_application()


urlpatterns: list = []
