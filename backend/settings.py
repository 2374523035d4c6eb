"""Fairlink settings, read from the environment (django-environ).

With no variable set the project runs on a laptop: SQLite file, local file storage, console
email, tasks in-process, DEBUG on. ``DJANGO_ENV=production`` turns on the hardened profile and
refuses to start without a secret key and allowed hosts.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(f"{required} must be set when DJANGO_ENV=production")

# Only for a laptop: ``check --deploy`` fails while it is in use (backend.checks).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-0123456789abcdefghijklmnop"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("FAIRLINK_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_countries",
    "django_htmx",
    "backend",
    "activity",
    "accounts",
    "suppliers",
    "questionnaires",
    "rulesets",
    "audits",
    "scoring",
    "actions",
    "register",
    "flows",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "backend.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "accounts.middleware.ActiveOrganizationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

# Two engines split by file name (backend.templates): HTML escapes, plain text (``*.txt``: mail
# bodies and subjects) does not, so that an apostrophe in a name arrives as ' and not &#x27;.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "loaders": [
                ("django.template.loaders.cached.Loader", ["backend.templates.MarkupLoader"])
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {
            "autoescape": False,
            "loaders": [
                ("django.template.loaders.cached.Loader", ["backend.templates.PlainTextLoader"])
            ],
        },
    },
]

# An empty DATABASE_URL (as in ``DATABASE_URL= make test``) means the SQLite default too.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a background export writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
    # Writers take the lock when their transaction begins, so a second writer waits for the
    # timeout instead of failing at once with "database is locked" when a read lock would
    # have to be upgraded (two processes, or a worker next to the web process).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameters let psycopg prepare a statement the connection runs again (after
    # ``prepare_threshold`` runs): PostgreSQL then reuses its plan instead of planning the ORM's
    # joins on every request, which cost more than running them. Off behind a pooler that
    # cannot keep prepared statements: DATABASE_SERVER_SIDE_BINDING=false.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DATABASE_SERVER_SIDE_BINDING", default=True
    ):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options.setdefault("prepare_threshold", env.int("DATABASE_PREPARE_THRESHOLD", default=2))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "backend.login_throttle.ThrottledModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (backend.login_throttle): wrong passwords per client address and per account,
# counted in the cache. The client address is REMOTE_ADDR, or with n trusted proxies in front
# (each appending to X-Forwarded-For) the n-th X-Forwarded-For entry from the right.
FAIRLINK_TRUSTED_PROXIES = env.int("FAIRLINK_TRUSTED_PROXIES", default=0)
FAIRLINK_THROTTLE_LOGIN = env.str("FAIRLINK_THROTTLE_LOGIN", default="10/minute")
FAIRLINK_THROTTLE_LOGIN_ACCOUNT = env.str("FAIRLINK_THROTTLE_LOGIN_ACCOUNT", default="10/hour")
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# django-guardian: no anonymous user object; object permissions only (global perms never widen).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("FAIRLINK_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env.str("FAIRLINK_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # evidence is served only through permission-checked views

STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Fairlink <no-reply@fairlink.local>"
)

# Celery: a Redis broker when configured, otherwise tasks run in-process (eagerly).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-daily-reminders": {
        "task": "flows.tasks.send_reminders_task",
        "schedule": timedelta(days=1),
    },
    "send-daily-digests": {
        "task": "flows.tasks.send_digests_task",
        "schedule": timedelta(days=1),
    },
    "reassess": {
        "task": "flows.tasks.reassess_task",
        "schedule": timedelta(days=1),
    },
    "purge-expired-exports": {
        "task": "register.tasks.purge_expired_exports_task",
        "schedule": timedelta(hours=1),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["backend.api.permissions.ObjectPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "backend.api.filters.VisibleToUserFilter",
        "backend.api.filters.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("FAIRLINK_THROTTLE_ANON", default="60/minute"),
        "user": env.str("FAIRLINK_THROTTLE_USER", default="1200/minute"),
    },
    # The client address of the anon/user throttles: see FAIRLINK_TRUSTED_PROXIES.
    "NUM_PROXIES": FAIRLINK_TRUSTED_PROXIES,
    "DEFAULT_PARSER_CLASSES": [
        "backend.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fairlink API",
    "DESCRIPTION": "Supply-chain CSR audits: questionnaires, answers, scores, corrective actions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" field; name each choice set so the schema is stable.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "accounts.models.Language",
        "DeliveryEnum": "accounts.models.Delivery",
        "AuditStatusEnum": "audits.models.Audit.Status",
        "CorrectiveActionStatusEnum": "actions.models.CorrectiveAction.Status",
        "PublicationStatusEnum": "questionnaires.models.QuestionnaireVersion.Status",
        "CampaignStatusEnum": "audits.models.Campaign.Status",
        "ExportJobStatusEnum": "register.models.ExportJob.Status",
        "CertificateKindEnum": "suppliers.models.Certificate.Kind",
        "OrganizationKindEnum": "accounts.models.Organization.Kind",
    },
}

# An empty CACHE_URL means the local-memory default too.
SHARED_CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": env.cache_url_config(SHARED_CACHE_URL or "locmemcache://fairlink")}
# With a shared cache (Redis), sessions are read from it and written through to the database:
# a request of a signed-in user then reads no session row. A process's local memory is not
# shared, so without CACHE_URL sessions stay in the database (a sign-out in one web process
# must end the session in all of them).
if SHARED_CACHE_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Fairlink's own knobs.
FAIRLINK_EVIDENCE_MAX_BYTES = env.int("FAIRLINK_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# Suppliers issued per transaction by a campaign; the chunks of one campaign are run by every
# Celery worker at once (in order, in-process, without a broker).
FAIRLINK_CAMPAIGN_CHUNK = env.int("FAIRLINK_CAMPAIGN_CHUNK", default=500)
# Draft answer saves commit without waiting for the disk on PostgreSQL (audits.services.locks).
FAIRLINK_ASYNC_ANSWER_COMMIT = env.bool("FAIRLINK_ASYNC_ANSWER_COMMIT", default=True)
FAIRLINK_EXPORT_TTL_HOURS = env.int("FAIRLINK_EXPORT_TTL_HOURS", default=24)
FAIRLINK_REGISTER_DIRECT_LIMIT = env.int("FAIRLINK_REGISTER_DIRECT_LIMIT", default=2000)
# JSON streams a chunk of rows at a time: served directly up to this many suppliers.
FAIRLINK_REGISTER_JSON_LIMIT = env.int("FAIRLINK_REGISTER_JSON_LIMIT", default=20000)
FAIRLINK_PASSWORD_LINK_DAYS = env.int("FAIRLINK_PASSWORD_LINK_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = FAIRLINK_PASSWORD_LINK_DAYS * 24 * 3600
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FAIRLINK_JSON_MAX_BYTES = env.int("FAIRLINK_JSON_MAX_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)
FAIRLINK_JSON_MAX_DEPTH = env.int("FAIRLINK_JSON_MAX_DEPTH", default=32)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; kept default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
