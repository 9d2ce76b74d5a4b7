"""JianGuan settings: one module, driven by environment variables.

HOST, PORT, DATABASE_URL and DATA_DIR are the knobs `make run` documents; everything
else has a safe default for the embedded SQLite set-up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url

from jianguan.core import private_files

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Test workers running side by side (CI: `-n 2`) must not share uploads, keys or SQLite files.
    DATA_DIR = DATA_DIR / os.environ["PYTEST_XDIST_WORKER"]
# Owner-only (0700): it holds the database, the keys and the sealed bid packages.
private_files.private_dir(DATA_DIR)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """A per-installation key kept in DATA_DIR so sessions survive restarts."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        import secrets

        private_files.write_private(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
TESTING = _env_bool("TESTING") or "pytest" in sys.modules
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "jianguan.core",
    "jianguan.rules",
    "jianguan.ledger",
    "jianguan.accounts",
    "jianguan.workbench",
    "jianguan.registry",
    "jianguan.projects",
    "jianguan.compliance",
    "jianguan.tendering",
    "jianguan.experts",
    "jianguan.contracts",
    "jianguan.smartsite",
    "jianguan.hazard",
    "jianguan.bim",
    "jianguan.collab.tasks",
    "jianguan.collab.schedule",
    "jianguan.collab.documents",
    "jianguan.collab.rfis",
    "jianguan.collab.dailylogs",
    "jianguan.collab.policies",
    "jianguan.cost.payments",
    "jianguan.cost.settlement",
    "jianguan.cost.audit",
    "jianguan.cost.control",
    "jianguan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jianguan.core.security.SecurityHeadersMiddleware",
    "jianguan.core.middleware.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jianguan.accounts.middleware.ActorMiddleware",
    "jianguan.web.middleware.BadgeRefreshMiddleware",
    "jianguan.web.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "jianguan.web.context.navigation",
                "jianguan.web.demo_flag.demo_flag",
            ],
            # {% partialdef %} everywhere without {% load partials %}, as in Django 6.
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- database -----------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'jianguan.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or _default_sqlite
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while one writes; IMMEDIATE
    # transactions avoid the upgrade deadlock SQLite otherwise hits under concurrency. The
    # connection is kept (CONN_MAX_AGE 60, as on PostgreSQL): opening one runs the PRAGMAs
    # and closing the last one checkpoints the WAL, which was most of a small request's time
    # (HTTP ingest: 15.6 → 6.2 ms of CPU a request, issue 17).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
# Per process (granian runs several): nothing that must be shared may live here. The device
# rate limits count in the database (core.ratelimit) and the menu badges in the session
# (web/context.py); only the demo banner's flag is kept, a minute at most.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["jianguan.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
CSRF_FAILURE_VIEW = "jianguan.web.views.csrf_failure"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jianguan.accounts.passwords.ComplexityValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Wrong passwords for one username from one client address: after LOGIN_MAX_FAILURES that
# address may not try that username for LOGIN_LOCKOUT_MINUTES (others still can). The account
# itself locks (LOGIN_LOCKOUT_MINUTES) only after LOGIN_ACCOUNT_LOCK_FAILURES failures since its
# last login, coming from at least LOGIN_ACCOUNT_LOCK_ADDRESSES addresses within a day.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_ACCOUNT_LOCK_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_LOCK_FAILURES", "20"))
LOGIN_ACCOUNT_LOCK_ADDRESSES = int(os.environ.get("LOGIN_ACCOUNT_LOCK_ADDRESSES", "3"))

# Idle timeout: the cookie expiry slides forward on every request.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- transport security ---------------------------------------------------------------------
# HTTPS: the site is served over TLS (directly or behind a TLS-terminating proxy). Then the
# session and CSRF cookies are Secure and HSTS is sent. On by default when DEBUG is off, except
# for the demo `make run` (PUBLIC_BASE_URL plain http on a loopback host, the default) and
# tests: Secure cookies are never sent back over http://127.0.0.1:8000, so the demo could not
# log in. An intranet served over plain http must say HTTPS=0 (see README, design notes).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def _loopback_http(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme == "http" and (parts.hostname or "") in {"127.0.0.1", "localhost", "::1"}


HTTPS = _env_bool("HTTPS", not (DEBUG or TESTING or _loopback_http(PUBLIC_BASE_URL)))
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_SECONDS = HSTS_SECONDS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The client's address for the login throttle is REMOTE_ADDR; behind a reverse proxy name the
# header that proxy overwrites with the real address (e.g. X-Real-IP). Never trust it otherwise.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")

# --- i18n and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG

# --- background work ----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- notifications ------------------------------------------------------------------------
# E-mail uses Django's EMAIL_* settings (EMAIL_BACKEND, EMAIL_HOST, ...); SMS a pluggable
# sender class (the console by default, until the district's SMS gateway is configured).
SMS_SENDER = os.environ.get(
    "SMS_SENDER", "jianguan.workbench.notifications.senders.ConsoleSmsSender"
)
# The console by default, like the SMS sender, so a demo prints what it would send; production
# sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the host.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "建管云 <noreply@jianguan.local>")
NOTIFY_DUE_SOON_DAYS = int(os.environ.get("NOTIFY_DUE_SOON_DAYS", "2"))  # warn this many days ahead
NOTIFY_DIGEST_HOUR = int(os.environ.get("NOTIFY_DIGEST_HOUR", "18"))  # daily digest, Beijing time
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "5"))

# --- ledger -------------------------------------------------------------------------------
LEDGER_HASH_ALG = os.environ.get("LEDGER_HASH_ALG", "sm3")
LEDGER_SIG_ALG = os.environ.get("LEDGER_SIG_ALG", "ed25519")
LEDGER_SIGNING_KEY = os.environ.get("LEDGER_SIGNING_KEY", str(DATA_DIR / "keys" / "ledger.pem"))
LEDGER_KEYS_DIR = os.environ.get("LEDGER_KEYS_DIR", str(DATA_DIR / "keys"))
# The TrueType (.ttf/.ttc, glyf outlines) font every generated PDF embeds; empty: the packaged
# WenQuanYi Micro Hei (jianguan.core.pdf.font_path says the order).
PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH", "")

# --- private files --------------------------------------------------------------------------
# Every start narrows what an older install left readable to others: the data directory, the
# key folders (ledger keys, demo bidders' keys) throughout, the secret key, the SQLite files.
private_files.tighten(
    DATA_DIR,
    trees=[LEDGER_KEYS_DIR, DATA_DIR / "demo-keys"],
    files=[DATA_DIR / "secret_key", LEDGER_SIGNING_KEY],
    sqlite=(
        DATABASES["default"]["NAME"]
        if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        and not str(DATABASES["default"]["NAME"]).startswith((":memory:", "file:"))
        else None
    ),
)

# --- demo ---------------------------------------------------------------------------------
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "jianguan-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

if TESTING:
    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- map ----------------------------------------------------------------------------------
# Basemap tiles (e.g. 天地图 EPSG:3857 layers with the district's key); empty = plain background.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")

# OCDS: the ocid prefix registered with the Open Contracting Partnership (PUBLIC_BASE_URL,
# above, is the public address that document links in releases point to).
OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "ocds-jgdx00")
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# --- smart site ingest (issue 17) -----------------------------------------------------------
# HJ 212 TCP listener (`manage.py hj212_server`), MQTT broker (`manage.py mqtt_subscriber`),
# and the per-device rate of the HTTP reading endpoint.
HJ212_HOST = os.environ.get("HJ212_HOST", "0.0.0.0")
HJ212_PORT = int(os.environ.get("HJ212_PORT", "9212"))
MQTT_HOST = os.environ.get("MQTT_HOST", "127.0.0.1")
MQTT_PORT = int(os.environ.get("MQTT_PORT", "1883"))
MQTT_USERNAME = os.environ.get("MQTT_USERNAME", "")
MQTT_PASSWORD = os.environ.get("MQTT_PASSWORD", "")
SMARTSITE_HTTP_REQUESTS_PER_MINUTE = int(
    os.environ.get("SMARTSITE_HTTP_REQUESTS_PER_MINUTE", "120")
)
# How many months back the hourly wage-arrears scan looks for months with attendance and no
# payroll. Each month is caught the hour its pay day passes, so the window only has to outlast
# an outage of the scan; 12 outlasts any plausible one while keeping the attendance aggregate
# the scan reads bounded. A product setting, not a number of the law (pay days are rule data).
SMARTSITE_ARREARS_LOOKBACK_MONTHS = int(os.environ.get("SMARTSITE_ARREARS_LOOKBACK_MONTHS", "12"))

# --- hazard recognition (issue 18) ----------------------------------------------------------
# Product settings of the detector, not numbers of the law: the score from which a detection of
# each class counts (chosen from the shipped model's precision-recall on its held-out split; see
# jianguan/hazard/detector's model card), how many frames of one camera within how many minutes
# corroborate a hazard, the floor below which detections are not stored at all, and the model
# file (empty: the shipped one).
HAZARD_THRESHOLDS = {
    "helmet": float(os.environ.get("HAZARD_THRESHOLD_HELMET", "0.42")),
    "no_helmet": float(os.environ.get("HAZARD_THRESHOLD_NO_HELMET", "0.48")),
    "no_wear": float(os.environ.get("HAZARD_THRESHOLD_NO_WEAR", "0.41")),
    "wear": float(os.environ.get("HAZARD_THRESHOLD_WEAR", "0.30")),
}
HAZARD_FRAMES_NEEDED = int(os.environ.get("HAZARD_FRAMES_NEEDED", "3"))
HAZARD_WINDOW_MINUTES = int(os.environ.get("HAZARD_WINDOW_MINUTES", "10"))
HAZARD_STORE_FLOOR = float(os.environ.get("HAZARD_STORE_FLOOR", "0.20"))
HAZARD_MODEL_PATH = os.environ.get("HAZARD_MODEL_PATH", "")

# --- BIM (issue 19) -------------------------------------------------------------------------
# Product settings, not numbers of the law: the largest IFC file accepted (chunked upload), the
# size of one chunk, where revisions and the element mesh cache live, and the memory and time a
# child process triangulating one revision may use (a crash of the geometry kernel fails the
# revision, never the worker).
BIM_MAX_UPLOAD_BYTES = int(os.environ.get("BIM_MAX_UPLOAD_BYTES", str(500 * 1024 * 1024)))
BIM_CHUNK_BYTES = int(os.environ.get("BIM_CHUNK_BYTES", str(8 * 1024 * 1024)))
BIM_DIR = Path(os.environ.get("BIM_DIR", DATA_DIR / "bim")).resolve()
BIM_CHILD_MEMORY_MB = int(os.environ.get("BIM_CHILD_MEMORY_MB", "6144"))
BIM_CHILD_TIMEOUT_S = int(os.environ.get("BIM_CHILD_TIMEOUT_S", "3600"))
