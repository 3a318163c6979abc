"""Django settings. Everything an office changes comes from ANTRE_* environment variables (antre.config)."""

import os
from pathlib import Path
from typing import Any

import dj_database_url

from antre import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.flag("ANTRE_DEBUG")
ALLOWED_HOSTS = config.allowed_hosts()
RATELIMIT_ENABLED = config.flag("ANTRE_RATELIMIT", default=True)
# Proxies whose X-Forwarded-For names the client (antre.ratelimit.client_address): none unless set.
TRUSTED_PROXIES = frozenset(config.csv("ANTRE_TRUSTED_PROXIES"))
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
]

MIDDLEWARE = [
    # Outermost: sees every answer, also those of the middlewares below (antre.api_errors).
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
    db: dict[str, Any] = dict(dj_database_url.parse(url))
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
        db.setdefault("OPTIONS", {})
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
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
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step

# Behind a reverse proxy that ends HTTPS (docs/deployment.md): trust its X-Forwarded-Proto and
# accept form posts from the public origin.
CSRF_TRUSTED_ORIGINS = config.csv("ANTRE_CSRF_TRUSTED_ORIGINS")
if config.flag("ANTRE_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024  # an application with several 5-MB documents
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"antre": {"level": "INFO"}},
}
