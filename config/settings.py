"""
Haltung settings: one module, driven by the environment.

With an empty environment this is the embedded default: SQLite under ``var/``, locmem cache, console
e-mail and eager Celery, so ``make run`` needs no other service. Production sets ``DJANGO_DEBUG=false``,
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL``, ``CELERY_BROKER_URL`` and ``REDIS_URL``
(see README). https://docs.djangoproject.com/en/5.2/ref/settings/
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


# GENERAL
# ------------------------------------------------------------------------------
# DEBUG is off unless asked for; `make run` asks for it.
DEBUG = env_bool("DJANGO_DEBUG", default=False)
DATA_DIR = Path(env("HALTUNG_DATA_DIR") or BASE_DIR / "var")

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (at least 50 random characters) when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The absolute base URL printed on certificates and in QR codes.
SITE_URL = env("HALTUNG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

TIME_ZONE = "Europe/Berlin"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = ["crispy_forms", "crispy_bootstrap5", "allauth", "allauth.account", "allauth.mfa"]
LOCAL_APPS = ["accounts", "organizations", "courses", "enrolments", "quizzes", "certificates"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security_headers.SecurityHeadersMiddleware",
    "config.uploads.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required (catalogue, course page,
    # verification, issuer documents, health, registration, invitations, legal pages).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
                "organizations.context_processors.backoffice",
                "accounts.context_processors.auth_links",
            ],
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# DATABASE
# ------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(env("DJANGO_CONN_MAX_AGE", "60")), conn_health_checks=True
        )
    }
else:
    # The embedded default keeps its SQLite file in the data directory; a fresh checkout has none yet.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "haltung.sqlite3"),
            # WAL and a busy timeout let the dev server and an eager task share the file. IMMEDIATE takes the
            # write lock when a transaction begins, so a transaction that read first waits for a concurrent
            # writer (the render after a response, docs/decisions/0610) instead of failing at once with
            # "database is locked" when it comes to write.
            "OPTIONS": {
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per process: the parts of base.html that depend only on the language and whether someone is signed in
# (navigation links, footer), rendered once and kept until the process ends (decision 0415).
FRAGMENT_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "haltung-fragments"}
CACHES["fragments"] = FRAGMENT_CACHE

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "certificates:dashboard"
LOGOUT_REDIRECT_URL = "courses:catalogue"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# SIGN-IN SECURITY (django-allauth; docs/decisions/0701)
# ------------------------------------------------------------------------------
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# An address is confirmed before its first sign-in; answers never tell whether an account exists.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Haltung] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Throttling: sliding windows in the cache, per client (accounts.clientip) and per account ("key").
# login_failed: the 11th wrong password for one account within 15 minutes is refused, the right one too,
# until the window passes or a password reset lifts it; 30 failures from one client (IPv6: one /64).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "30/15m/ip,10/15m/key",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Sensitive actions (EIV password, role changes, erasure, second-factor changes) need a password or code
# entered within this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = int(env("HALTUNG_REAUTHENTICATION_SECONDS", "300"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Haltung"
# A code of the previous or next 30-second period is accepted too (clocks drift); each code works once.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# Sessions are read from the cache and written through to the database: a signed-in request then loads its
# session without a query (about 0.5 ms of the web process's CPU less, measured in decision 0413).
SESSION_ENGINE = env("DJANGO_SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
# Sessions end after this long without a request, and after SESSION_COOKIE_AGE in any case.
HALTUNG_SESSION_IDLE_MINUTES = int(env("HALTUNG_SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = int(env("DJANGO_SESSION_COOKIE_AGE", str(12 * 60 * 60)))

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("HALTUNG_MEDIA_ROOT") or DATA_DIR / "media")
# Media is private (certificate PDFs); it is served through views that check access, never by URL.
MEDIA_URL = "/media/"
# Values differ in type once OPERATIONS below sets S3 options.
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# REQUEST SIZE (docs/decisions/0802)
# ------------------------------------------------------------------------------
# A request body larger than this is refused (413) before it is read: the largest upload (an enrolment file,
# 10 MiB) plus room for the form around it.
HALTUNG_MAX_REQUEST_BYTES = int(env("HALTUNG_MAX_REQUEST_BYTES", str(11 * 1024 * 1024)))
# Form fields (not files) held in memory per request; Django's default, stated.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# E-MAIL
# ------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Haltung <noreply@localhost>")

# CELERY  https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ------------------------------------------------------------------------------
# Without a broker, tasks run eagerly in-process and the in-memory transport keeps Celery from
# reaching for a default AMQP server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "haltung")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# No broker: run tasks in-process, so the embedded install needs no Redis.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True

# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every page (config/security_headers.py, docs/decisions/0702): nothing inline runs,
# nothing loads from elsewhere. Images allow data: for Bootstrap's icons and the certificate's QR code.
HALTUNG_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Powerful browser features no page uses are switched off; fullscreen stays for course videos.
HALTUNG_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# LOGGING (structured logs, docs/operations.md; the formatter and filter live in config/logs.py)
# ------------------------------------------------------------------------------
# JSON lines in production, readable lines in development; both carry the request id.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(asctime)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"level": env("DJANGO_LOG_LEVEL", "INFO"), "handlers": ["console"]},
    "loggers": {
        # WeasyPrint's font subsetting logs every table at INFO.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # One line per request and per task (INFO); DJANGO_ACCESS_LOG_LEVEL=WARNING silences them.
        "haltung.request": {"level": env("DJANGO_ACCESS_LOG_LEVEL") or env("DJANGO_LOG_LEVEL", "INFO")},
        "haltung.task": {"level": env("DJANGO_ACCESS_LOG_LEVEL") or env("DJANGO_LOG_LEVEL", "INFO")},
    },
}
# Celery keeps Django's logging instead of installing its own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# HALTUNG
# ------------------------------------------------------------------------------
# Rate limits behind a proxy (docs/decisions/0703): how many proxies of our own stand in front of gunicorn and
# append to X-Forwarded-For. 0 (the default) ignores the header; 1 behind one TLS proxy. Every limiter
# (sign-in, reset, registration, verification) counts clients through accounts.clientip with this number.
# HALTUNG_TRUST_X_FORWARDED_FOR=true, the older switch, means one proxy.
HALTUNG_TRUSTED_PROXY_COUNT = int(
    env("HALTUNG_TRUSTED_PROXY_COUNT") or (1 if env_bool("HALTUNG_TRUST_X_FORWARDED_FOR", default=False) else 0)
)
# IPv6 clients are counted per network of this prefix length: a home or a server usually holds a whole /64.
HALTUNG_RATE_LIMIT_IPV6_PREFIX = int(env("HALTUNG_RATE_LIMIT_IPV6_PREFIX", "64"))
ALLAUTH_TRUSTED_PROXY_COUNT = HALTUNG_TRUSTED_PROXY_COUNT
ALLAUTH_RATE_LIMIT_IPV6_PREFIX = HALTUNG_RATE_LIMIT_IPV6_PREFIX
# Default pass mark when a course version has no accreditation (percent).
HALTUNG_DEFAULT_PASS_MARK = 70
# How long participant lists, results and evaluations are kept (years).
HALTUNG_RETENTION_YEARS = int(env("HALTUNG_RETENTION_YEARS", "10"))

# COURSE PACKAGES (docs/decisions/0804)
# ------------------------------------------------------------------------------
# Caps checked before a package file is opened: each YAML/Markdown file, each media file, the whole package.
COURSES_PACKAGE_MAX_TEXT_BYTES = int(env("COURSES_PACKAGE_MAX_TEXT_BYTES", str(1024 * 1024)))
COURSES_PACKAGE_MAX_MEDIA_BYTES = int(env("COURSES_PACKAGE_MAX_MEDIA_BYTES", str(100 * 1024 * 1024)))
COURSES_PACKAGE_MAX_TOTAL_BYTES = int(env("COURSES_PACKAGE_MAX_TOTAL_BYTES", str(500 * 1024 * 1024)))
COURSES_PACKAGE_MAX_FILES = int(env("COURSES_PACKAGE_MAX_FILES", "2000"))

# QUIZZES
# ------------------------------------------------------------------------------
# Overdue attempts (time limit + grace passed) are submitted as saved, every minute; a learner who comes
# back earlier triggers the same on access.
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "quizzes-submit-overdue-attempts": {"task": "quizzes.tasks.submit_overdue_attempts_task", "schedule": 60.0},
}
# Item analysis runs this long after a submission; further submissions in between share the run.
QUIZZES_ANALYSIS_DELAY_SECONDS = int(env("QUIZZES_ANALYSIS_DELAY_SECONDS", "300"))

# CERTIFICATES (owned by the certificates app; see docs/decisions/0101–0107)
# ------------------------------------------------------------------------------
# Name of the issuer in Open Badges credentials and in the published controller document.
HALTUNG_ISSUER_NAME = env("HALTUNG_ISSUER_NAME", "Haltung")
# Issuer keys (docs/decisions/0110). Web processes: the public keys they publish, "key-id:z6Mk…" (Multikey),
# comma-separated, retired keys kept so old credentials still verify. The Celery worker: the private signing
# keys, "key-id:base64url-32-byte-seed"; the first signs. Neither set, with DEBUG: a development key.
HALTUNG_CREDENTIAL_PUBLIC_KEYS = env_list("HALTUNG_CREDENTIAL_PUBLIC_KEYS")
HALTUNG_CREDENTIAL_KEYS = env_list("HALTUNG_CREDENTIAL_KEYS")
# Key of the digest that keeps an erased person's certificate checkable by name.
HALTUNG_ERASURE_KEY = env("HALTUNG_ERASURE_KEY") or SECRET_KEY
# Public verification: requests per client and window (seconds), counted in the cache.
HALTUNG_VERIFY_RATE_LIMIT = int(env("HALTUNG_VERIFY_RATE_LIMIT", "60"))
HALTUNG_VERIFY_RATE_WINDOW = int(env("HALTUNG_VERIFY_RATE_WINDOW", "60"))
# Days before expiry at which learners are reminded (daily beat task).
HALTUNG_CERTIFICATE_EXPIRY_REMINDER_DAYS = int(env("HALTUNG_CERTIFICATE_EXPIRY_REMINDER_DAYS", "30"))
# Chambers expect the EIV report within this many days after completion (cpd-rules 1.6).
HALTUNG_REPORTING_DEADLINE_DAYS = int(env("HALTUNG_REPORTING_DEADLINE_DAYS", "8"))
# The EIV API's base URL; empty: no EIV pushes. VNR passwords are stored encrypted (HALTUNG_EIV_PASSWORD_KEYS).
HALTUNG_EIV_BASE_URL = env("HALTUNG_EIV_BASE_URL")
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "certificates-expiry-reminders": {
        "task": "certificates.tasks.queue_expiry_reminders_task",
        "schedule": 24 * 60 * 60,
    },
    "certificates-republish-status-lists": {
        "task": "certificates.tasks.republish_status_lists_task",
        "schedule": 24 * 60 * 60,
    },
}

# ORGANIZATIONS (organizations app and the back office of courses; see docs/decisions/0301–0306)
# ------------------------------------------------------------------------------
# Invitation links expire after this many days.
ORGANIZATIONS_INVITATION_DAYS = int(env("ORGANIZATIONS_INVITATION_DAYS", "14"))
# Generated report files are deleted this many days after they were written (the audit row stays).
ORGANIZATIONS_REPORT_RETENTION_DAYS = int(env("ORGANIZATIONS_REPORT_RETENTION_DAYS", "30"))
# Bulk enrolment: larger files are imported by a task with a progress bar; limits refuse oversize files.
ORGANIZATIONS_IMPORT_SYNC_ROWS = int(env("ORGANIZATIONS_IMPORT_SYNC_ROWS", "500"))
ORGANIZATIONS_IMPORT_MAX_ROWS = int(env("ORGANIZATIONS_IMPORT_MAX_ROWS", "20000"))
ORGANIZATIONS_IMPORT_MAX_BYTES = int(env("ORGANIZATIONS_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# Files larger than this (or workbooks unpacking to more than ORGANIZATIONS_IMPORT_SYNC_UNZIPPED_BYTES) are not
# read in the request: they are stored and the task reads them (docs/decisions/0803).
ORGANIZATIONS_IMPORT_SYNC_BYTES = int(env("ORGANIZATIONS_IMPORT_SYNC_BYTES", str(256 * 1024)))
ORGANIZATIONS_IMPORT_SYNC_UNZIPPED_BYTES = int(env("ORGANIZATIONS_IMPORT_SYNC_UNZIPPED_BYTES", str(4 * 1024 * 1024)))
# An XLSX upload whose parts unpack to more than this is refused from its zip directory, unread.
ORGANIZATIONS_IMPORT_MAX_UNZIPPED_BYTES = int(env("ORGANIZATIONS_IMPORT_MAX_UNZIPPED_BYTES", str(32 * 1024 * 1024)))
# Logos are checked by content and stored as a PNG of at most 1200 px a side (docs/decisions/0801).
ORGANIZATIONS_LOGO_MAX_BYTES = int(env("ORGANIZATIONS_LOGO_MAX_BYTES", str(2 * 1000 * 1000)))
ORGANIZATIONS_LOGO_MAX_PIXELS = int(env("ORGANIZATIONS_LOGO_MAX_PIXELS", str(25_000_000)))
# An upload can be undone this many hours after it finished, as long as none of its learners has started.
ORGANIZATIONS_IMPORT_UNDO_HOURS = int(env("ORGANIZATIONS_IMPORT_UNDO_HOURS", "72"))
# Fernet keys (urlsafe base64, 32 bytes) for the EIV passwords of accreditations, comma-separated: the first
# encrypts, all decrypt, so a new key goes first and `manage.py rotate_eiv_passwords` re-encrypts. Empty with
# DEBUG: a development key derived from SECRET_KEY; empty without DEBUG: EIV passwords cannot be stored.
HALTUNG_EIV_PASSWORD_KEYS = env_list("HALTUNG_EIV_PASSWORD_KEYS")
if not HALTUNG_EIV_PASSWORD_KEYS and DEBUG:
    HALTUNG_EIV_PASSWORD_KEYS = [
        __import__("base64")
        .urlsafe_b64encode(__import__("hashlib").sha256(f"haltung-eiv-dev:{SECRET_KEY}".encode()).digest())
        .decode()
    ]
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "organizations-expire-report-runs": {
        "task": "organizations.tasks.expire_report_runs_task",
        "schedule": 24 * 60 * 60,
    },
    "organizations-queue-scheduled-reports": {
        "task": "organizations.tasks.queue_scheduled_reports_task",
        "schedule": 60 * 60,
    },
}

# OPERATIONS (legal pages, data export, logs, metrics, errors, shared storage; docs/operations.md, 0900–0919)
# ------------------------------------------------------------------------------
INSTALLED_APPS += ["legal"]
# The request log runs first so its timing covers the whole stack; the user id joins after authentication.
MIDDLEWARE.insert(0, "config.middleware.RequestLogMiddleware")
MIDDLEWARE.insert(1, "config.middleware.AfterResponseMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "config.middleware.RequestUserMiddleware",
)

# Legal pages (docs/decisions/0900): the operator's Markdown files, <page>.<language>.md, in this directory.
HALTUNG_LEGAL_DIR = Path(env("HALTUNG_LEGAL_DIR") or DATA_DIR / "legal")

# The learner's data export (docs/decisions/0901): the ZIP is kept this many hours, then deleted.
HALTUNG_DATA_EXPORT_HOURS = int(env("HALTUNG_DATA_EXPORT_HOURS", "72"))

# Error reports by e-mail ("Name <address>, ..."): Django mails server errors to them when DEBUG is off.
from email.utils import getaddresses  # noqa: E402

ADMINS = [(name or address, address) for name, address in getaddresses([env("DJANGO_ADMINS")]) if address]
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Error reports to Sentry (or a compatible service) when a DSN is set; no personal data is sent.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from .sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# Prometheus metrics at /metrics (docs/decisions/0902), only with this bearer token; empty: no endpoint.
HALTUNG_METRICS_TOKEN = env("HALTUNG_METRICS_TOKEN")

# Beat queues a heartbeat every minute; /healthz reports beat as down when the last one is older than this.
HALTUNG_BEAT_HEARTBEAT_MAX_AGE = int(env("HALTUNG_BEAT_HEARTBEAT_MAX_AGE", "300"))
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "haltung-heartbeat": {"task": "haltung.heartbeat", "schedule": 60.0},
    "accounts-expire-data-exports": {"task": "accounts.services.expire_data_exports_task", "schedule": 60 * 60},
}

# Files (docs/decisions/0903): the file system by default; an S3-compatible bucket when several machines
# must see the same certificate PDFs, reports and uploads.
HALTUNG_STORAGE = env("HALTUNG_STORAGE", "filesystem")
if HALTUNG_STORAGE == "s3":
    if not env("HALTUNG_S3_BUCKET"):
        raise ImproperlyConfigured("HALTUNG_STORAGE=s3 needs HALTUNG_S3_BUCKET.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("HALTUNG_S3_BUCKET"),
            # Empty: boto3's usual sources (AWS_ACCESS_KEY_ID, an instance role); set for other providers.
            "endpoint_url": env("HALTUNG_S3_ENDPOINT_URL") or None,
            "region_name": env("HALTUNG_S3_REGION") or None,
            "access_key": env("HALTUNG_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("HALTUNG_S3_SECRET_ACCESS_KEY") or None,
            "location": env("HALTUNG_S3_PREFIX"),
            # Files are private and served through views that check access; names are never reused.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif HALTUNG_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"HALTUNG_STORAGE={HALTUNG_STORAGE!r}: use filesystem or s3.")
