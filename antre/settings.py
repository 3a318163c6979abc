"""Django settings. Everything an office changes comes from ANTRE_* environment variables (antre.config)."""

import datetime as dt
import os
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF

from antre import config
from antre.db import url as database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
# The keys that seal NIK, KK numbers, phones and addresses at rest (antre.crypto); not in backups.
FIELD_KEYS_FILE = config.field_keys_file(DATA_DIR)
DEBUG = config.flag("ANTRE_DEBUG")
ALLOWED_HOSTS = config.allowed_hosts()
RATELIMIT_ENABLED = config.flag("ANTRE_RATELIMIT", default=True)
# Proxies whose X-Forwarded-For names the client (antre.ratelimit.client_address): none unless set.
TRUSTED_PROXIES = frozenset(config.csv("ANTRE_TRUSTED_PROXIES"))
if not TRUSTED_PROXIES and config.flag("ANTRE_BEHIND_HTTPS_PROXY"):
    TRUSTED_PROXIES = frozenset({"127.0.0.1", "::1"})  # the reverse proxy on this machine
# Citizens' API bookings skip the middleware stack (antre.transport.fastlane); off only to compare.
BOOKING_FAST_LANE = config.flag("ANTRE_BOOKING_FAST_LANE", default=True)
WHATSAPP = config.whatsapp()
# Where citizens reach Antre (antre.links.public_url): links sent by WhatsApp, QR codes on paper.
PUBLIC_URL = config.public_url()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "antre.people",
    "antre.offices",
    "antre.queueing",
    "antre.live",
    "antre.audit",
    "antre.gate",
    "antre.applications",
    "antre.whatsapp",
    "antre.survey",
    "antre.outreach",
    "antre.reports",
    "axes",
    "django_otp",
    "antre.people.apps.TwoStepConfig",  # django_otp.plugins.otp_totp, named in Indonesian
]

MIDDLEWARE = [
    # Outermost: every answer, also an error page or an API refusal made below, leaves with the
    # Content-Security-Policy and, unless it says how to be cached, Cache-Control: no-store.
    "antre.headers.ContentSecurityPolicy",
    "antre.headers.NoStore",
    # Sees every answer of the middlewares below (antre.api_errors).
    "antre.api_errors.ApiErrorShape",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "antre.i18n.LanguageMiddleware",
    "antre.inputs.RefuseNul",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "antre.i18n.OfficeTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A signed-in officer's session ends with the working day (antre.people.signin).
    "antre.people.signin.WorkingDaySession",
    # Last, as django-axes asks: turns a locked-out login into its page (antre.people.signin.locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "antre.urls"
ASGI_APPLICATION = "antre.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    # A plain dict, as Django types DATABASES; dj_database_url's TypedDict names only the keys it sets.
    db: dict[str, Any] = database_url.parse(url)  # several hosts allowed (antre.db.url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["ENGINE"] = "antre.db.sqlite"
        # Embedded default: WAL lets readers go on while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN, so two bookings queue on the busy timeout instead of failing on upgrade.
        # synchronous=FULL: a booking answered 201 survives a power cut (the office PC has no UPS).
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        }
        db["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    else:
        database_url.with_timeouts(db)
        # A name per test run, so two runs against one shared server do not drop each other's database.
        db["TEST"] = {"NAME": os.environ.get("ANTRE_TEST_DB_NAME", "test_antre")}
    return db


DATABASES = {"default": _database(config.database_url(DATA_DIR))}
# Server threads are a fixed pool (antre.asgi): each keeps its connection instead of opening one
# per request; a broken connection is noticed before use.
DATABASES["default"]["CONN_MAX_AGE"] = 300
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

# Every password a person sets (admin forms, /staf/sandi/, `antre manage changepassword`): long, not
# about its owner, not on a list of breached passwords (antre.people.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "antre.people.passwords.NotAboutItsOwner"},
    {"NAME": "antre.people.passwords.NotBreached"},
]
# django-axes checks the lock-out before any other backend asks for the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after repeated failed logins on /masuk/ and /admin/login/: per account and, separately,
# per address (the socket's; a proxy's X-Forwarded-For only when Antre is told it sits behind one).
AXES_FAILURE_LIMIT = config.count("ANTRE_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=config.count("ANTRE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]  # the account; the address by the handler, at its own count
AXES_HANDLER = "antre.people.signin.AccountAndAddressHandler"
LOGIN_FAILURES_PER_ADDRESS = config.count("ANTRE_LOGIN_FAILURES_PER_ADDRESS", 30)
# django-axes warns that the address is not among the lock-out parameters: the handler counts it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_CLIENT_IP_CALLABLE = "antre.people.signin.client_address"
AXES_LOCKOUT_CALLABLE = "antre.people.signin.locked_out"
AXES_RESET_ON_SUCCESS = True  # a good login clears that account's failures (from every address)
AXES_VERBOSE = False  # its log lines name the account and the address: the lock-out itself is enough
OTP_TOTP_ISSUER = "Antre"  # the name an authenticator app shows beside the account
# Staff API tokens (`antre token`) last this many days, and end when their owner's password changes.
API_TOKEN_DAYS = config.count("ANTRE_TOKEN_DAYS", 90)
# A signed-in officer's session ends after a working day, and when the browser closes (shared PCs).
STAFF_SESSION_HOURS = config.count("ANTRE_SESSION_HOURS", 10)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:staff_home"  # the login view sends each role to its own page

# Indonesian first; English is the second language, chosen explicitly (never from Accept-Language).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage; every screen uses the office's own timezone

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root; files come from the finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# Citizens' documents, and files between two requests (antre.applications.storage): in the database
# every machine uses on PostgreSQL; on SQLite in the data dir's owner-only folders.
def _files(name: str) -> dict[str, Any]:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return {"BACKEND": "antre.applications.storage.DatabaseStorage", "OPTIONS": {"prefix": f"{name}/"}}
    return {"BACKEND": "antre.applications.storage.FolderStorage", "OPTIONS": {"folder": name}}


STORAGES["documents"] = _files("documents")
STORAGES["transit"] = _files("wa-media")
STORAGES["held"] = _files("held")
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step

# Behind a reverse proxy that ends HTTPS (docs/deployment.md): trust its X-Forwarded-Proto and
# accept form posts from the public origin.
CSRF_TRUSTED_ORIGINS = config.csv("ANTRE_CSRF_TRUSTED_ORIGINS")
BEHIND_HTTPS_PROXY = config.flag("ANTRE_BEHIND_HTTPS_PROXY")
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    # Served over HTTPS: a plain-HTTP request is sent to HTTPS, and browsers are told to keep to
    # HTTPS (HSTS). Without the flag an office PC on the LAN keeps working over plain HTTP.
    SECURE_SSL_REDIRECT = config.flag("ANTRE_HTTPS_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = config.hsts_seconds()

DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024  # an application with several 5-MB documents
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this site, no
# inline script or style attribute; the pages' scripts are static files. Data URIs for images:
# the QR codes and the admin's icons. A same-origin Web Worker (a blob: one too, as bundled widgets
# make them) for the booking's proof of work; fetch and SSE to this site only. Nothing may frame
# a page, and forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Ticket ids, application codes and API tokens never reach a log line (antre.logmask): the filter
# sits on every handler, here and in the log config `antre serve` gives uvicorn.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secrets": {"()": "antre.logmask.MaskSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"antre": {"level": "INFO"}},
}
