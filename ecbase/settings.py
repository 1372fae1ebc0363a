"""Settings for ecbase.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL (SQLite file by default), ECBASE_SECRET_KEY, ECBASE_ALLOWED_HOSTS, ECBASE_DEBUG,
CELERY_BROKER_URL (background jobs run in-process when unset).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
    "rest_framework.authtoken",
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
    # Outermost: under DEBUG, the site's own 404/500 pages instead of Django's technical ones.
    "core.error_pages.DebugErrorPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
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

# Second factor (TOTP, RFC 6238) for ministry and provincial accounts. Only a local demo may
# switch it off (`make run` does, and says so).
ECBASE_REQUIRE_SECOND_FACTOR = env_bool("ECBASE_REQUIRE_SECOND_FACTOR", True)
ECBASE_SECOND_FACTOR_ROLES = ("ministry", "province")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator"},
]

# 等保 2.0 level 3: lockout after repeated failures, idle logout, no concurrent admin sessions.
AXES_FAILURE_LIMIT = int(os.environ.get("ECBASE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = int(os.environ.get("ECBASE_IDLE_TIMEOUT", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.error_pages.csrf_failure"  # in Chinese, in the site's layout
SESSION_COOKIE_SECURE = env_bool("ECBASE_SECURE_COOKIES", not DEBUG and "ECBASE_DEV" not in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal-home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Hostile uploads: refuse large bodies before they are parsed.
ECBASE_MAX_UPLOAD_BYTES = int(os.environ.get("ECBASE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
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
