"""Settings for ecbase.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL (SQLite file by default), ECBASE_SECRET_KEY, ECBASE_ALLOWED_HOSTS, ECBASE_DEBUG,
CELERY_BROKER_URL (background jobs run in-process when unset).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ECBASE_VAR_DIR", BASE_DIR / "var"))
# The SQLite file, uploads and collected static files live here.
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("ECBASE_DEBUG", False)
# The development key is only accepted when DEBUG is on or under tests; production must set one.
SECRET_KEY = os.environ.get("ECBASE_SECRET_KEY", "")
if not SECRET_KEY:
    # pytest imports settings before conftest.py can set ECBASE_DEV.
    if DEBUG or os.environ.get("ECBASE_DEV", "") == "1" or "pytest" in sys.modules:
        SECRET_KEY = "ecbase-development-key-not-for-production-use-0123456789"  # noqa: S105  (dev only)
    else:
        raise RuntimeError("ECBASE_SECRET_KEY must be set when ECBASE_DEBUG is off")

# The key of the hash chains over the change log and the payment ledger (core.chain). Kept out of
# the database so that database access alone cannot recompute a chain over altered rows; never
# changed once rows are sealed with it (they would all fail verification), and restored with the
# backups (docs/deploy.md). Separate from SECRET_KEY, which may be rotated.
ECBASE_CHAIN_KEY = os.environ.get("ECBASE_CHAIN_KEY", "")
if not ECBASE_CHAIN_KEY:
    if DEBUG or os.environ.get("ECBASE_DEV", "") == "1" or "pytest" in sys.modules:
        ECBASE_CHAIN_KEY = "ecbase-development-chain-key-not-for-production"
    else:
        raise RuntimeError("ECBASE_CHAIN_KEY must be set when ECBASE_DEBUG is off (docs/deploy.md)")

# Under DEBUG a crash shows the site's 500 page too (the traceback is in the console); set this to
# see Django's technical 500 page instead (docs/deploy.md). 404s never show the URL patterns.
ECBASE_DEBUG_TRACEBACKS = env_bool("ECBASE_DEBUG_TRACEBACKS", False)

ALLOWED_HOSTS = [h for h in os.environ.get("ECBASE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ECBASE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served by the app: intranets have no CDN
    "axes",
    "core",
    "accounts",
    "regions",
    "registry",
    "selection",
    "policies",
    "portal",
]

MIDDLEWARE = [
    # Outermost: the Content-Security-Policy and no-store of every answer, error pages included.
    "core.middleware.SecurityHeadersMiddleware",
    # Under DEBUG, the site's own 404/500 pages instead of Django's technical ones.
    "core.error_pages.DebugErrorPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body (the CSRF check reads request.POST, the API its parsers):
    # a body over the limit is refused unread. After authentication only so that its 413 page
    # shows the signed-in user's menu; neither reads the body.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
    "accounts.middleware.PasswordChangeMiddleware",
    "core.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ecbase.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.role",
            ],
        },
    },
]

WSGI_APPLICATION = "ecbase.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ecbase.sqlite3'}"),
        conn_max_age=int(os.environ.get("ECBASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background import thread write while pages keep reading.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # SQLite builds covering indexes (the residencies' scope index) from their key columns only:
    # the included column is PostgreSQL's help, not a defect to warn about.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Second factor (TOTP, RFC 6238) for ministry and provincial accounts while the security policy asks
# for it (the default). This switch turns it off whatever the policy says: only a local demo may
# (`make run` does, and says so).
ECBASE_REQUIRE_SECOND_FACTOR = env_bool("ECBASE_REQUIRE_SECOND_FACTOR", True)
ECBASE_SECOND_FACTOR_ROLES = ("ministry", "province")
# django-otp: TOTP devices (RFC 6238) and printed backup codes; wrong codes are throttled by the
# device and counted towards a lock like wrong passwords (accounts.secondfactor).
OTP_TOTP_ISSUER = "ecbase"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# The security policy (accounts.SecurityPolicy, set by the security administrator) decides the
# values below once it is stored; until then these settings are the policy (docs/accounts.md).
ECBASE_PASSWORD_MIN_LENGTH = 10
ECBASE_PASSWORD_CLASSES = 3  # of upper case, lower case, digits, symbols
ECBASE_PASSWORD_EXPIRY_DAYS = 0  # never
ECBASE_PASSWORD_HISTORY = 5  # the last passwords a new one may not repeat
ECBASE_LOGIN_FAILURE_LIMIT = int(os.environ.get("ECBASE_LOGIN_FAILURE_LIMIT", "5"))
ECBASE_LOCKOUT_MINUTES = 30
ECBASE_TOKEN_MAX_HOURS = int(os.environ.get("ECBASE_TOKEN_MAX_HOURS", "12"))
# Each process reads the stored policy at most this often (it is read on every request).
ECBASE_POLICY_CACHE_SECONDS = 10

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.PolicyLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator"},
    {"NAME": "accounts.passwords.HistoryValidator"},
]

# 等保 2.0 level 3: lockout after repeated failures, idle logout, no concurrent admin sessions.
# Both read the security policy at every attempt (axes calls them).
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "accounts.lockout.cooloff_time"
# Locked by the pair: wrong passwords from one address never lock the right user out from another
# (a list inside the list is a combination; flat, each criterion would lock on its own). A slower
# limit per username alone guards against guessing from many addresses (accounts.lockout).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
ECBASE_USERNAME_FAILURE_LIMIT = int(os.environ.get("ECBASE_USERNAME_FAILURE_LIMIT", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The idle timeout when no security policy is stored; the session engine reads the policy's.
SESSION_COOKIE_AGE = int(os.environ.get("ECBASE_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ENGINE = "accounts.sessions"  # database sessions that name their account
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.error_pages.csrf_failure"  # in Chinese, in the site's layout
# Production (not DEBUG, not the development machine) is HTTPS only: secure cookies, a redirect
# of plain HTTP and HSTS; `manage.py check --deploy` is clean with the settings of docs/deploy.md.
PRODUCTION = not DEBUG and "ECBASE_DEV" not in os.environ and "pytest" not in sys.modules
SESSION_COOKIE_SECURE = env_bool("ECBASE_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("ECBASE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("ECBASE_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ECBASE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("ECBASE_HSTS_PRELOAD", True)
# TLS ends at the front proxy (nginx), which must set X-Forwarded-Proto itself (docs/deploy.md);
# without this the redirect would loop.
# Likewise the client's address: X-Forwarded-For as the proxy sets it (core.middleware.client_ip),
# for the log and for the lockout of a username-and-address pair, which would otherwise see every
# client as the proxy.
ECBASE_BEHIND_PROXY = env_bool("ECBASE_BEHIND_PROXY", PRODUCTION)
if ECBASE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal-home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
# One language: with English listed, a browser or client asking for it (Accept-Language: en) got
# Django's and DRF's messages in English. locale/ holds the Chinese the upstream catalogues lack.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Request bodies are refused unread above these (core.middleware.RequestBodyLimitMiddleware):
# forms and JSON up to ECBASE_MAX_BODY_BYTES, the endpoints that receive files up to
# ECBASE_MAX_UPLOAD_BYTES (and 64 KiB of multipart envelope). The front proxy's limit
# (nginx client_max_body_size, docs/deploy.md) should be the larger of the two.
ECBASE_MAX_BODY_BYTES = int(os.environ.get("ECBASE_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
ECBASE_MAX_UPLOAD_BYTES = int(os.environ.get("ECBASE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Django's own ceilings agree: the fields of a form (not its files) held in memory at most that
# much; a file above 2.5 MiB goes to a temporary file rather than to memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = ECBASE_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# API tokens (django-rest-knox): a token per device, kept as a digest; it lapses after the same idle
# time as a web session and at the latest the policy's maximum age after it was issued
# (accounts.api.auth reads the security policy; these are knox's own defaults).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105  (a model name, not a secret)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(seconds=SESSION_COOKIE_AGE),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": datetime.timedelta(hours=ECBASE_TOKEN_MAX_HOURS),
    "MIN_REFRESH_INTERVAL": 60,
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.auth.ApiTokenAuthentication",
        "core.api.authentication.SessionAuthentication",  # DRF's, with its CSRF refusal in Chinese
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a ceiling on nesting (core.jsonlimits): 1,000 levels answered 500 with DRF's own.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ecbase API",
    "DESCRIPTION": "国家电子商务示范基地管理平台 REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ and /api/redoc/ load their scripts from the app's own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's default would send the schema's address to validator.swagger.io: off.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # The refusals every endpoint can give (400/401/403/404/…) with their bodies: core.api.schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.declare_error_responses",
    ],
    # One name for a choice set used by several fields (a base's status, a change's from/to).
    "ENUM_NAME_OVERRIDES": {
        "BaseStatusEnum": "registry.models.BaseStatus",
        "StageKindEnum": "selection.models.StageKind",
        "StageStatusEnum": "selection.models.StageStatus",
        "NoticeStatusEnum": "selection.models.NoticeStatus",
        "AwardStatusEnum": "policies.models.AwardStatus",
        "PolicyPackStatusEnum": "policies.models.PackStatus",
        "LedgerEntryKindEnum": "policies.models.EntryKind",
        "AwardEventKindEnum": "policies.models.AwardEvent.Kind",
    },
}

# One cache for every web process and worker, so that per-address limits (core.throttle) count
# across them all: the database (core.cache, its table made by `migrate`) unless a Redis is named.
ECBASE_REDIS_URL = os.environ.get("ECBASE_REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if ECBASE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ECBASE_REDIS_URL,
            "KEY_PREFIX": os.environ.get("ECBASE_CACHE_PREFIX", "ecbase"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "ecbase_cache",  # core.cache.TABLE
            "KEY_PREFIX": os.environ.get("ECBASE_CACHE_PREFIX", "ecbase"),
            # Culling drops live entries (a counter reset is a limit lifted): only far beyond use.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }

# Background jobs: in a thread of this process unless a Celery broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ECBASE_TASKS_EAGER = env_bool("ECBASE_TASKS_EAGER", False)
# A list export of more rows than this runs as a background job with progress and a download link.
ECBASE_EXPORT_JOB_ROWS = int(os.environ.get("ECBASE_EXPORT_JOB_ROWS", "5000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ECBASE_LOG_LEVEL", "WARNING")},
}

# Static files are served by the app itself (intranets have no CDN); finders let a checkout
# serve them without a collectstatic step, production runs collectstatic for compressed copies.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FORMAT_MODULE_PATH = ["ecbase.formats"]
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")  # django-filter: the "no filter" option of every select
