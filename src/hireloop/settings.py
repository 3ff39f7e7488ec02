"""Hireloop settings: read only from environment variables, with safe defaults for local use.

Production sets at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and HIRELOOP_HTTPS=true;
docs/configuration.md lists every variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hireloop.lib.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(env_str("HIRELOOP_DATA_DIR", str(PROJECT_DIR / "var")))
CONTENT_DIR = Path(env_str("HIRELOOP_CONTENT_DIR", str(PROJECT_DIR / "content")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _local_secret_key() -> str:
    """A random key kept in the data folder, so a local install never runs on a known key."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY", "") or _local_secret_key()
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "hireloop.web.apps.StaticFilesConfig",
    "django_htmx",
    "ninja",  # serves the API docs page from local static files, not a CDN
    "huey.contrib.djhuey",
    "hireloop.accounts",
    "hireloop.library",
    "hireloop.hiring",
    "hireloop.interviews",
    "hireloop.assessments",
    "hireloop.decisions",
    "hireloop.demo",
    "hireloop.web",
]

MIDDLEWARE = [
    "hireloop.lib.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hireloop.urls"
WSGI_APPLICATION = "hireloop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hireloop.web.context.workspace",
            ],
            # {% url %} that remembers what it reversed (see the module).
            "builtins": ["hireloop.web.memo_url"],
            # Each area's tag code lives in its package (hireloop/web/<area>/tags.py), beside its
            # views; Django looks for tag libraries only in a templatetags/ folder, so they are
            # registered here under the names templates {% load %}. This is Django's documented
            # option for it (one place, no shim modules); two names may share an area's library.
            "libraries": {
                "candidate_tags": "hireloop.web.hiring.tags",
                "debrief_tags": "hireloop.web.decisions.tags",
                "decision_tags": "hireloop.web.decisions.tags",
                "hiring_tags": "hireloop.web.hiring.tags",
                "interview_tags": "hireloop.web.interviews.tags",
                "memo_url": "hireloop.web.memo_url",
                "site_nav": "hireloop.web.site_nav",
            },
        },
    }
]

# Database: SQLite in WAL mode by default, PostgreSQL when DATABASE_URL is set.
# Connections are kept open (with a health check) because opening one per request costs
# far more than the request itself on PostgreSQL.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600, minimum=0)
CONN_HEALTH_CHECKS = env_bool("CONN_HEALTH_CHECKS", True)
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    try:
        _db = dj_database_url.parse(
            _database_url, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_HEALTH_CHECKS
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
    if _db["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL or SQLite")
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "hireloop.sqlite3"),
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": CONN_HEALTH_CHECKS,
    }
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "hireloop.lib.postgresql"  # its health check skips busy connections
    # Parameters bound by the server, and a statement run 5 times on a connection prepared
    # there: PostgreSQL then skips parsing and planning it (0.1-0.7 ms a query on the loop's
    # pages). Off for a pooler that cannot keep prepared statements (PgBouncer in transaction
    # mode before 1.21).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        _db.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "hireloop.lib.sqlite"  # hands the write lock to the next writer at once
    _db.setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
    # A file, not memory: concurrency tests need real WAL transactions across connections.
    # Named per process so two test runs on one checkout never share a file.
    _db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / f"test-{os.getpid()}.sqlite3")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY: dict[str, object] = {"huey_class": "huey.RedisHuey", "name": "hireloop", "url": REDIS_URL}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "hireloop",
        "filename": str(DATA_DIR / "huey.sqlite3"),
    }
HUEY["immediate"] = env_bool("HUEY_IMMEDIATE", False)
# One consumer thread: graders start services and run queries that need a core of their own.
HUEY["consumer"] = {"workers": env_int("WORKER_THREADS", 1, minimum=1), "worker_type": "thread"}

# Practical tasks: upload limits, and how grading runs survive a worker that dies.
TASK_MAX_UPLOAD_BYTES = env_int("TASK_MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024
TASK_MAX_UNPACKED_BYTES = env_int("TASK_MAX_UNPACKED_MB", 50, minimum=1) * 1024 * 1024
TASK_MAX_FILES = env_int("TASK_MAX_FILES", 2000, minimum=1)
TASK_MAX_TEXT_BYTES = 200 * 1024
GRADING_HEARTBEAT_SECONDS = env_int("GRADING_HEARTBEAT_SECONDS", 10, minimum=1)
GRADING_STALE_SECONDS = env_int("GRADING_STALE_SECONDS", 120, minimum=2)
GRADING_MAX_ATTEMPTS = env_int("GRADING_MAX_ATTEMPTS", 3, minimum=1)
# A PostgreSQL server where the SQL and schema graders may create throwaway databases;
# empty means they use scratch SQLite files.
GRADER_DATABASE_URL = env_str("GRADER_DATABASE_URL", "")
# Plug-in graders, "kind=module:function,...", replacing or adding to the built-in ones.
GRADERS: dict[str, str] = {}
for _item in env_list("HIRELOOP_GRADERS", []):
    _kind, _sep, _target = _item.partition("=")
    if not _sep or ":" not in _target:
        raise ImproperlyConfigured(f"HIRELOOP_GRADERS item {_item!r} is not kind=module:function")
    GRADERS[_kind.strip()] = _target.strip()
if GRADING_STALE_SECONDS <= 2 * GRADING_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("GRADING_STALE_SECONDS must exceed twice the heartbeat interval")

AUTH_USER_MODEL = "accounts.User"
# Django's model backend, reading the signed-in user with one fixed query per request.
AUTHENTICATION_BACKENDS = ["hireloop.accounts.backends.UserBackend"]
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed sign-ins allowed per address and per client IP within the window before refusing.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 30, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# Source maps are only fetched by browser developer tools; compressing them doubled start-up.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "3gp",
    "3gpp",
    "asf",
    "avi",
    "m4v",
    "mov",
    "mp4",
    "mpeg",
    "mpg",
    "webm",
    "wmv",
    "map",
]

# Security headers; HIRELOOP_HTTPS=true turns on everything `check --deploy` asks for.
HTTPS = env_bool("HIRELOOP_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("HIRELOOP_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
# Database sessions (signing out ends them on every server process), read with one query.
SESSION_ENGINE = "hireloop.accounts.sessions"

LOG_LEVEL = env_choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hireloop.lib.jsonlog.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our own request line replaces Django's, which would log every 4xx a second time.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "huey": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
