"""DanVan settings, read from the environment.

Defaults run locally on SQLite with DEBUG on. With DEBUG off (production) a secret key
must be given and the security settings pass `manage.py check --deploy`.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Return a setting from the environment, or from the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Demo accounts are created only when this is on; production leaves it off.
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "danvan.lib",
    "danvan.core",
    "danvan.organisations",
    "danvan.accounts",
    "danvan.registry",
    "danvan.voice",
    "danvan.democracy",
    "danvan.contests",
    "danvan.cadres",
    "danvan.opinion",
    "danvan.plans",
    "danvan.notices",
    "danvan.awards",
    "danvan.reports",
    "danvan.dashboards",
    "danvan.portal",
    "danvan.api",
    "danvan.bench",
]

MIDDLEWARE = [
    "danvan.lib.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Visitors' copies of the public pages that can be kept (portal/middleware.py): served
    # before the session, CSRF and authentication middleware below.
    "danvan.portal.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danvan.lib.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "danvan.lib.middleware.RequestContextMiddleware",
    "danvan.lib.middleware.StorageFullMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.urls"
WSGI_APPLICATION = "danvan.wsgi.application"
ASGI_APPLICATION = "danvan.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "danvan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "danvan.notices.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer commits; IMMEDIATE avoids lock upgrades.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = "template0"
    # No JIT compilation: the pages' queries run in milliseconds, and a scope test's
    # estimated cost made PostgreSQL spend 140 ms compiling one of them (the awards list).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

# A streaming replica of the PostgreSQL primary (docs/replica.md): when DATABASE_REPLICA_URL is
# set, the reads of a GET or HEAD request go to it (danvan/lib/dbrouter.py), unless the client
# wrote less than REPLICA_PIN_SECONDS ago or the replica lags more than REPLICA_MAX_LAG_SECONDS
# (checked every REPLICA_CHECK_SECONDS by each process); writes, jobs and commands use the
# primary. Without it, nothing changes.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 2)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 0)
    )
    _replica_options = DATABASES["replica"].setdefault("OPTIONS", {})
    _replica_options.setdefault("options", "-c jit=off")
    # A replica that does not answer must not hold a page for long: the primary serves it.
    _replica_options.setdefault("connect_timeout", env_int("REPLICA_CONNECT_TIMEOUT", 2))
    # Tests read the replica through the test database of the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["danvan.lib.dbrouter.ReplicaRouter"]
    # First, so that every read below it (sessions, kept public pages) is routed.
    MIDDLEWARE.insert(1, "danvan.lib.dbrouter.ReplicaRoutingMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout: five wrong passwords lock the account from that address for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "DanVan"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["danvan.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "danvan" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    # A file the disk had no room for is removed and reported (lib.storage, lib.middleware).
    "default": {"BACKEND": "danvan.lib.storage.SafeFileSystemStorage"},
    # Hashed names from the collected manifest; plain names until one is collected.
    "staticfiles": {"BACKEND": "danvan.lib.staticstorage.StaticStorage"},
}

# Mail: the console by default; EMAIL_BACKEND=smtp with EMAIL_HOST etc. for real delivery.
_mail_backend = env_str("EMAIL_BACKEND", "console" if DEBUG else "smtp")
if _mail_backend == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": _mail_backend
            if "." in _mail_backend
            else f"django.core.mail.backends.{_mail_backend}.EmailBackend"
        }
    }
# Notices to citizens when their case moves (danvan.notices): the channels in use, and the
# class of the SMS gateway (send(phone, text)); SMS runs only when a gateway is named.
NOTICE_CHANNELS = env_list("NOTICE_CHANNELS", "email,sms,zalo")
# The gateway classes (dotted paths) of the phone channels; a channel without one is off.
NOTICE_SMS_GATEWAY = env_str("NOTICE_SMS_GATEWAY")
NOTICE_ZALO_GATEWAY = env_str("NOTICE_ZALO_GATEWAY")
# The shared secret of the mail provider's bounce reports (POST /notifications/bounces/,
# HMAC-SHA256 of the body in X-Signature); the endpoint is off without one.
NOTICE_BOUNCE_SECRET = env_str("NOTICE_BOUNCE_SECRET")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DanVan <no-reply@danvan.local>")

# Public pages (home, commune pages, scorecards, library) are kept whole for visitors for this
# many seconds: a new answer, rating or recognition shows within it. 0 keeps none of them.
PUBLIC_PAGE_SECONDS = env_int("PUBLIC_PAGE_SECONDS", 60)

# Cache (rate limits of public forms, throttles): shared between workers through Redis when
# REDIS_URL is set; a per-process memory cache otherwise (one process, tests).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    # A Redis that does not answer is a cache that keeps nothing: pages still served, a warning
    # logged (lib.cache). Short timeouts, so that an unreachable server costs little.
    "default": {
        "BACKEND": "danvan.lib.cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Background work: the database queue served by `manage.py db_worker` (make run starts one).
# TASKS_BACKEND=immediate runs jobs inside the request (tests, or a deployment without worker).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_str("TASKS_BACKEND", "database") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

# Office hours for working-hour deadlines, "HH:MM-HH:MM" ranges.
OFFICE_HOURS = env_list("OFFICE_HOURS", "08:00-12:00,13:30-17:30")

# A map tile server, "https://tiles.example.vn/{z}/{x}/{y}.png" ({s} for subdomains): where
# set, the citizen's form lets them tap the place of a case on a map, and case pages show it.
# Empty: no such map (the communes' map is drawn without tiles). TILE_ATTRIBUTION is the
# credit the tiles' licence asks for ("© OpenStreetMap contributors").
TILE_SERVER_URL = env_str("TILE_SERVER_URL")
TILE_ATTRIBUTION = env_str("TILE_ATTRIBUTION")


def tile_origin(url: str) -> str:
    """The origin a content security policy must allow images from for a tile URL template
    ("https://*.tile.example.org" for "https://{s}.tile.example.org/{z}/{x}/{y}.png"); empty
    for none or for a path on this site."""
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", *filter(None, [tile_origin(TILE_SERVER_URL)])],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies whose X-Forwarded-For names the client (deploy/nginx/danvan.conf).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "danvan.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # LOG_FORMAT=json: one JSON object per line (lib.logs), for a log collector.
        "json": {"()": "danvan.lib.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_str("LOG_FORMAT", "text") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
