"""Coalition's settings, all read from the environment (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-do-not-use-this-key-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off. "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))' "
        "(or set DEBUG=True on a developer's machine)."
    )

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an absolute http(s) URL, not {SITE_URL!r}.")
SITE_NAME = env.str("SITE_NAME", default="Coalition")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[_site.hostname, "localhost", "127.0.0.1"] if DEBUG else [_site.hostname],
)
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"{_site.scheme}://{_site.netloc}"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_countries",
    "import_export",
    "letters",
    "signatories",
]

MIDDLEWARE = [
    # First: on a hit nothing below it runs. The page keeps the headers the stack below gave
    # it when it was rendered; HSTS and the https redirect are decided again per request.
    "coalition.pagecache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "coalition.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that it sees the exceptions of the views first and its 400s get every header.
    "coalition.errors.BadInputMiddleware",
]

ROOT_URLCONF = "coalition.urls"
WSGI_APPLICATION = "coalition.wsgi.application"

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
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "coalition.context_processors.contact",
                "coalition.context_processors.languages",
            ],
        },
    },
]

# Databases: a SQLite file by default; PostgreSQL (or anything dj-database-url knows) by URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Fail fast when PostgreSQL is unreachable: a visitor gets a 503, not a hung request.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Behind PgBouncer in transaction mode (docs/scale.md) a cursor cannot outlive its
    # transaction: the streaming exports then read in chunks without server-side cursors.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
    # Cheaper statements: parameters sent apart from the SQL (the server parses and plans a
    # statement it has seen once per connection), and prepared after this many runs. Off by
    # default: behind PgBouncer in transaction mode, prepared statements need its
    # max_prepared_statements (1.21+), or a statement prepared on one server connection is
    # missing on the next (docs/scale.md).
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=False):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    if threshold := env.str("DATABASE_PREPARE_THRESHOLD", default=""):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
            None if threshold.lower() == "off" else int(threshold)
        )
    # Or a pool in each process (psycopg_pool) instead of one persistent connection.
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django requires it with a pool
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the broker and the cache when set; otherwise tasks run eagerly and the cache is local.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "coalition.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "coalition",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, so that losing Redis signs nobody out; a malformed key in
# the cookie is no session rather than a query PostgreSQL refuses.
SESSION_ENGINE = "coalition.sessions"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "visibility_timeout": 3600,
}
# Publishing from a web request must not hang on a broken broker: one quick try, then the
# outbox row waits for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "signatories.tasks.outbox_sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=60.0),
    },
    "signatory-counts-reconcile": {
        "task": "signatories.tasks.signatory_counts_reconcile",
        "schedule": env.float("COUNT_RECONCILE_SECONDS", default=300.0),
    },
    "unverified-signups-purge": {
        "task": "signatories.tasks.unverified_signups_purge",
        "schedule": 3600.0,
    },
}

# Mail: printed to the console unless EMAIL_URL says otherwise (smtp://, smtp+tls://, ...).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# A queued mail that no worker has picked up after this long is handed to Celery again.
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=120)
# A claimed mail whose worker vanished is queued again after this long (well past EMAIL_TIMEOUT).
OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_SENDING_TIMEOUT_SECONDS", default=600)
# The worker claims up to this many due mails at once and sends them over one SMTP connection.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# Temporary SMTP errors are retried with exponential backoff and jitter: with the defaults
# (30 s doubling up to 15 min, 12 attempts) a mail keeps trying for well over an hour.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_BACKOFF_BASE_SECONDS = env.int("OUTBOX_BACKOFF_BASE_SECONDS", default=30)
OUTBOX_BACKOFF_MAX_SECONDS = env.int("OUTBOX_BACKOFF_MAX_SECONDS", default=900)

# Automatic mail a signed-out visitor can cause: the sign form's, reminders, sign-in codes and
# resets (docs/security.md, "Mail relaying"). Per window: at most SIGN_MAIL_LIMIT mails of a kind
# to one address, and SIGN_MAIL_PER_NETWORK mails of every kind caused by one network (a dozen
# NGOs signing from one office stay well inside). Past a cap a signature is saved and held, and
# its mail waits for a moderator's "release and send"; a code or reset is refused with a message.
SIGN_MAIL_LIMIT = env.int("SIGN_MAIL_LIMIT", default=3)
SIGN_MAIL_PER_NETWORK = env.int("SIGN_MAIL_PER_NETWORK", default=30)
SIGN_MAIL_WINDOW_SECONDS = env.int("SIGN_MAIL_WINDOW_SECONDS", default=3600)
# A sign form sent sooner than this after it was shown is held for review (bots are fast);
# a form's token is good for one address (a double click mails once) within
# SIGN_FORM_MAX_AGE_SECONDS.
SIGN_MIN_SECONDS = env.float("SIGN_MIN_SECONDS", default=3.0)
SIGN_FORM_MAX_AGE_SECONDS = env.int("SIGN_FORM_MAX_AGE_SECONDS", default=7200)
# Where people write to the coalition: the Reply-To of every mail, shown on the site.
COALITION_CONTACT_EMAIL = env.str("COALITION_CONTACT_EMAIL", default="")
# IP addresses are stored only as HMACs with this salt (default: derived from SECRET_KEY).
IP_HASH_SALT = env.str("IP_HASH_SALT", default=SECRET_KEY)
# Sign-ups whose email was never confirmed are deleted after this many days.
UNVERIFIED_RETENTION_DAYS = env.int("UNVERIFIED_RETENTION_DAYS", default=14)
# A sign-up still unconfirmed this many hours after signing gets one reminder (never more);
# the beat looks for them every CONFIRMATION_REMINDER_SWEEP_SECONDS.
CONFIRMATION_REMINDER_HOURS = env.float("CONFIRMATION_REMINDER_HOURS", default=24.0)
CONFIRMATION_REMINDER_SWEEP_SECONDS = env.float(
    "CONFIRMATION_REMINDER_SWEEP_SECONDS", default=900.0
)
CELERY_BEAT_SCHEDULE["confirmation-reminders"] = {
    "task": "signatories.tasks.confirmation_reminders_send",
    "schedule": CONFIRMATION_REMINDER_SWEEP_SECONDS,
}
# Updates to signatories are written to the outbox this many recipients per transaction; an
# update left half-written (a broker down when Send was clicked) is resumed by the beat.
UPDATE_BATCH_SIZE = env.int("UPDATE_BATCH_SIZE", default=500)
CELERY_BEAT_SCHEDULE["updates-resume"] = {
    "task": "signatories.tasks.updates_resume",
    "schedule": env.float("UPDATES_RESUME_SECONDS", default=300.0),
}

# Accounts: email is the login, verification is mandatory, passwords are optional.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_USER_MODEL = "signatories.User"
ACCOUNT_ADAPTER = "signatories.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
# Signup itself is closed (accounts are made by signing a letter); listing a password here is
# what makes allauth's login form offer one, for those who set one later. Everyone else signs in
# with an emailed code.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# A reset or sign-in code asked for an address with no account mails nobody: the page says the
# same either way (no enumeration), and the site cannot be made to mail strangers outside the
# sign form's per-network cap.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 7
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# allauth's login-by-code form, narrowed (signatories/account_forms.py): it asks the adapter
# about the address as allauth's other forms do, and opens only an account owning it.
# The reset form refuses, as the code form does, a network past its mail cap.
ACCOUNT_FORMS = {
    "request_login_code": "signatories.account_forms.RequestLoginCodeForm",
    "reset_password": "signatories.account_forms.ResetPasswordForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_URL = "account_login"
# Rate limits (allauth's, kept in the shared cache). Rates are "amount/period/per" with per = ip
# or key; several comma-separated rates give burst and sustained windows. NGOs often share one
# office address: a dozen organisations signing from one building in an hour stay well inside.
ACCOUNT_RATE_LIMITS = {
    # The sign form (it also creates the account): per client IP, and per email domain as key.
    "sign": env.str("RATE_LIMIT_SIGN_IP", default="20/10m/ip,60/h/ip"),
    "sign_domain": env.str("RATE_LIMIT_SIGN_DOMAIN", default="15/10m/key,100/d/key"),
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip,200/h/ip"),
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "request_login_code": env.str("RATE_LIMIT_LOGIN_CODE", default="20/m/ip,3/m/key,10/h/key"),
    "confirm_email": env.str("RATE_LIMIT_CONFIRM_EMAIL", default="1/3m/key"),
    # Per address an hour, as for codes: a reset mail is counted per request whether or not the
    # address has an account, so the refusal tells nothing.
    "reset_password": env.str("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key,10/h/key"),
}
LOGIN_REDIRECT_URL = "signatories:dashboard"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Every user-facing string is translated in each catalogue in locale/ (docs/translating.md);
# tests fail on an untranslated or fuzzy entry.
LANGUAGES = [
    ("en", _("English")),
    ("pt-br", _("Portuguese (Brazil)")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["coalition.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# After `collectstatic` (the Docker image, a deployment) files get hashed, compressed,
# cache-forever names; without it (a laptop, the test suite) they keep their plain names.
_collected = (STATIC_ROOT / "staticfiles.json").is_file()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _collected
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded images (logos, banners): written by coalition.images, served by coalition.media.
# Every web container must see the same directory (a volume in docker-compose.yml).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
COUNTRIES_FLAG_URL = "flags/{code}.gif"

# HTTPS: everything follows from SITE_URL being https, and each part can be turned off.
HTTPS = _site.scheme == "https"
# How many reverse proxies in front of the app may be believed about the client's address and
# scheme; 0 ignores X-Forwarded-For entirely, so a client cannot forge its IP.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; forms carry the token
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "coalition.errors.csrf_failure"
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "usb", "browsing-topics",
    )
}  # fmt: skip

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The PDF renderer reports every step and every font it subsets at INFO: a worker's log
    # would hold little else.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Moderation (docs/moderation.md): the digest to the Moderators group, and import-export.
MODERATION_DIGEST_SECONDS = env.float("MODERATION_DIGEST_SECONDS", default=86400.0)
CELERY_BEAT_SCHEDULE["moderation-digest"] = {
    "task": "signatories.tasks.moderation_digest_send",
    "schedule": MODERATION_DIGEST_SECONDS,
}
# Exporting and importing need their own permissions ("Can export/import endorsement").
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"

# Public pages from the cache (coalition/pagecache.py): browsers and a CDN in front keep a page
# PUBLIC_PAGE_MAX_AGE seconds (views may set less, count.json 5); here a rendered page lives
# PUBLIC_PAGE_CACHE_SECONDS, and a change the public can see shows within
# PUBLIC_PAGE_STALE_SECONDS however many changes a second there are.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=30)
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)
PUBLIC_PAGE_STALE_SECONDS = env.float("PUBLIC_PAGE_STALE_SECONDS", default=1.0)

# Faults and bad input
# After a Redis call fails (refused, or no answer within REDIS_TIMEOUT_SECONDS), the cache and
# the publishing of tasks skip that server for this long, then one call tries it again.
REDIS_CIRCUIT_BREAK_SECONDS = env.float("REDIS_CIRCUIT_BREAK_SECONDS", default=5.0)

# Offline import (docs/configuration.md, "Offline import"): an uploaded file waits in a private
# directory between its preview and its confirmation, under a random name; files over a size or
# a row cap are refused with a message, so that neither the preview nor the confirmation comes
# near gunicorn's timeout or the worker's memory.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Empty: a directory of its own in the system's temporary directory (signatories/uploads.py).
IMPORT_UPLOAD_DIR = env.str("IMPORT_UPLOAD_DIR", default="")
IMPORT_UPLOAD_MAX_AGE_SECONDS = env.int("IMPORT_UPLOAD_MAX_AGE_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["import-uploads-remove-stale"] = {
    "task": "signatories.tasks.import_uploads_remove_stale",
    "schedule": 900.0,
}

# The letter as a PDF (letters/pdf.py, docs/architecture.md "The letter as a PDF"): rendered on
# the Celery queue `pdf` by a worker of its own (`make pdf-worker`), so that no mail waits
# behind a twenty-second render; stored under MEDIA_ROOT/letter-pdfs/. A change to a letter's
# list has its PDFs rendered again PDF_CHANGE_DELAY_SECONDS later (one render per PDF for a
# burst of changes), and beat looks at every PDF every PDF_REFRESH_SECONDS (a letter's text). A
# reader who asks for one not rendered yet queues it at most once per PDF_QUEUE_SECONDS and
# is asked to come back after PDF_RETRY_AFTER seconds.
PDF_REFRESH_SECONDS = env.float("PDF_REFRESH_SECONDS", default=300.0)
PDF_CHANGE_DELAY_SECONDS = env.int("PDF_CHANGE_DELAY_SECONDS", default=30)
PDF_QUEUE_SECONDS = env.int("PDF_QUEUE_SECONDS", default=120)
PDF_RETRY_AFTER = env.int("PDF_RETRY_AFTER", default=10)
CELERY_TASK_ROUTES = {
    "letters.tasks.letter_pdf_generate": {"queue": "pdf"},
    "letters.tasks.letter_pdfs_refresh": {"queue": "pdf"},
}
CELERY_BEAT_SCHEDULE["letter-pdfs-refresh"] = {
    "task": "letters.tasks.letter_pdfs_refresh",
    "schedule": PDF_REFRESH_SECONDS,
}
