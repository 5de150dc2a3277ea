"""RTCM settings: one file, every value from the environment.

With no environment at all RTCM runs in the *embedded* mode: SQLite under
``var/``, Celery tasks run in-process, e-mail written to ``var/mail/``, files in
``var/media/``. Setting ``DATABASE_URL``, ``CELERY_BROKER_URL`` and friends
switches to the *stack* mode (PostgreSQL, Redis, worker processes).

Debug pages are off unless ``DJANGO_DEBUG=true`` (``make run`` sets it). A site
with debug off is *deployed* once ``DJANGO_DEBUG=false`` or
``DJANGO_ALLOWED_HOSTS`` is given: it then needs ``DJANGO_SECRET_KEY`` and
``DJANGO_ALLOWED_HOSTS`` and turns on every ``check --deploy`` protection.
With neither, it serves this machine only (loopback host names, plain HTTP, a
key of its own under ``var/``), so the no-environment default still works.

The README lists every variable with its default; keep the two in step.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VAR_DIR = Path(env.str("RTCM_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Debug off and either variable given: a deployment, held to check --deploy. Neither
# given (no environment, tests): a site for this machine only, without debug pages.
DEPLOYED = not DEBUG and bool({"DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"} & set(os.environ))
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def _secret_key() -> str:
    """The key from the environment; off a deployment only, one made for this checkout.

    A deployment never falls back to a key of ours: without ``DJANGO_SECRET_KEY``
    it refuses to start.
    """
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if DEPLOYED:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false or "
            "DJANGO_ALLOWED_HOSTS is given (a deployment)."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        # Written aside, then linked into place: processes starting together on a fresh
        # checkout (the parallel test workers) all read the one key that won, never half of it.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = key_file.with_name(f".secret_key.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if DEPLOYED else LOOPBACK_HOSTS)
if DEPLOYED and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The absolute address of the site, used in e-mails and QR codes (no request there).
SITE_URL = env.str("RTCM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The center's name (rtcm.core.center.center_name): RTCM_CENTER_NAME for every language,
# RTCM_CENTER_NAME_RU / _AZ / _AR … for one (RTCM_CENTER_NAMES, below LANGUAGES); unset,
# the catalogues' translation. CENTER_NAME stays the English name.
RTCM_CENTER_NAME = env.str("RTCM_CENTER_NAME", default="")
CENTER_NAME = RTCM_CENTER_NAME or "Regional Training Center on Migration"
# The visual identity (rtcm.core.identity): colours as #rrggbb; the admin's Identity row
# wins over these, these over the default identity (deep navy, muted gold). Checked below.
RTCM_BRAND_PRIMARY = env.str("RTCM_BRAND_PRIMARY", default="")
RTCM_BRAND_ACCENT = env.str("RTCM_BRAND_ACCENT", default="")
for _brand_setting in ("RTCM_BRAND_PRIMARY", "RTCM_BRAND_ACCENT"):
    if globals()[_brand_setting] and not re.fullmatch(
        r"#[0-9a-fA-F]{6}", globals()[_brand_setting]
    ):
        raise ImproperlyConfigured(f"{_brand_setting} must be a colour such as #12355b")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which it extends
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    # The staff's second factor: authenticator apps (TOTP), recovery codes (static).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "rtcm.core",
    "courses",
    "participants",
    "library",
    "experts",
    "volunteers",
    "website",
    "django.contrib.sitemaps",
    "rtcm.demo",
    "rtcm.reports",
    "axes",  # the sign-in lockout (its own tables); see "Staff accounts" below
    "auditlog",  # the audit log's record of row changes; see "Audit log" below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session passed its two-factor code (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Who changed a tracked row and from where (the audit log; rtcm.core.audit).
    "rtcm.core.audit.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "rtcm.core.security.PermissionsPolicyMiddleware",
    # NUL and control characters, over-deep JSON: 404/400 before any view reads them
    # (the middleware above only wrap the request lazily, and so add their headers).
    "rtcm.core.middleware.BadInputMiddleware",
    # A staff member's own language (their account page) once they sign in.
    "rtcm.core.staff_language.StaffLanguageMiddleware",
    # A staff session without its second factor reaches only the enrolment / confirm page.
    "rtcm.core.two_factor.StaffTwoFactorMiddleware",
    # Last, as django-axes asks: turns its lockout into the "locked" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rtcm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rtcm" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rtcm.core.context_processors.site",
                # The staff menu per role (rtcm.staff.navigation: the top layer decides it).
                "rtcm.staff.navigation.navigation",
                # The published pages staff put in the header and footer menus (cached).
                "website.context_processors.site_pages",
                # The partners' logos in the header (cached; courses.context_processors).
                "courses.context_processors.header_partners",
            ],
        },
    },
]

WSGI_APPLICATION = "rtcm.wsgi.application"

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{(VAR_DIR / 'rtcm.sqlite3').as_posix()}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Queue writers instead of failing with "database is locked": every transaction
    # takes the write lock when it begins (IMMEDIATE, so a reader that later writes
    # cannot deadlock), a waiting writer waits up to 20 s, and WAL lets readers go on
    # while one writes. The embedded mode's server answers requests in threads.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("RTCM_SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# The embedded mode caches in process memory; the stack shares Redis between processes.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("RTCM_PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Staff accounts: sign-in lockout, session length -------------------------
# django-axes counts failed sign-ins per user name *and* client address (the address
# rtcm.core.ratelimit.client_address gives, so a forged X-Forwarded-For changes nothing):
# after RTCM_LOGIN_FAILURE_LIMIT failures that pair is refused, even with the right
# password, for RTCM_LOGIN_COOLOFF_MINUTES (``manage.py axes_reset`` lifts it sooner).
AUTHENTICATION_BACKENDS = [
    "rtcm.core.security.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("RTCM_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("RTCM_LOGIN_COOLOFF_MINUTES", default=60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "rtcm.core.ratelimit.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
# A sign-in lasts this many hours (Django's default is two weeks); the same holds for
# the session of a participant who signed in by link.
SESSION_COOKIE_AGE = env.int("RTCM_SESSION_HOURS", default=8) * 3600
# The staff's second factor (rtcm.core.two_factor): "required" (staff must set up an
# authenticator app before anything else), "optional" (offered; asked at sign-in of
# those who set it up) or "off". Required with debug off, optional with debug on.
RTCM_STAFF_2FA = env.str("RTCM_STAFF_2FA", default="optional" if DEBUG else "required")
if RTCM_STAFF_2FA not in ("required", "optional", "off"):
    raise ImproperlyConfigured("RTCM_STAFF_2FA must be 'required', 'optional' or 'off'.")
# The name authenticator apps show for RTCM's entry.
OTP_TOTP_ISSUER = env.str("RTCM_TOTP_ISSUER", default="RTCM")
# Sensitive actions (exports of personal data, API token creation, role changes) ask for
# the password (and code) again when the last sign-in is older than this (rtcm.core.reauth).
RTCM_REAUTH_MINUTES = env.int("RTCM_REAUTH_MINUTES", default=15)

# --- Audit log ---------------------------------------------------------------
# Who did what, when, from where (rtcm.core.audit): django-auditlog records every create,
# change and delete of these models (with the changed fields), and AuditEvent the rest
# (sign-ins, failed sign-ins, sign-outs, exports and downloads, tokens). The address is
# rtcm.core.ratelimit.client_address's. Secrets never enter a diff: passwords and
# last_login are left out, and no token model is tracked.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "courses.training",
        "exclude_fields": ["updated_at"],
        "m2m_fields": ["coordinators", "modules", "target_regions"],
    },
    {"model": "courses.session", "m2m_fields": ["trainers"]},
    {"model": "participants.participant", "exclude_fields": ["updated_at"]},
    {"model": "participants.registration"},
    {"model": "participants.certificate"},
    {"model": "participants.trainingmessage"},  # a message sent to a training's people
    {"model": "experts.expert", "exclude_fields": ["updated_at"], "m2m_fields": ["expertise"]},
    {
        "model": "library.document",
        "exclude_fields": ["extracted_text", "download_count", "updated_at"],
        "m2m_fields": ["topics", "trainings"],
    },
    {
        "model": "auth.user",
        "exclude_fields": ["password", "last_login"],
        "m2m_fields": ["groups", "user_permissions"],
    },
    {"model": "auth.group", "m2m_fields": ["permissions"]},
)
AUDITLOG_DISABLE_ON_RAW_SAVE = True  # loading fixtures is no staff action
AUDITLOG_CID_HEADER = None  # no correlation id taken from what a client sends
# Audit log rows (changes and events) older than this many days are deleted each night.
RTCM_AUDIT_RETENTION_DAYS = env.int("RTCM_AUDIT_RETENTION_DAYS", default=730)
if RTCM_AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("RTCM_AUDIT_RETENTION_DAYS must be 1 or more.")

# --- Languages -------------------------------------------------------------
# The interface's languages: English (the source) and each language whose catalogue
# is complete (``tests/core/test_catalogues.py`` fails otherwise). Adding one (Uzbek,
# Kazakh, Georgian, Armenian, Turkish): its catalogue module, ``make messages``, this
# list, and ``makemigrations`` for the content columns (README, "Languages").
# Arabic is right-to-left: templates take ``dir`` from the active language.
LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("az", _("Azerbaijani")),
    ("ar", _("Arabic")),
]
RTCM_CENTER_NAMES = {
    code: env.str(f"RTCM_CENTER_NAME_{code.upper().replace('-', '_')}", default="")
    for code, _name in LANGUAGES
}
# The languages content may be in (a library document's, a training's working
# languages): the region's, whether or not the interface speaks them.
RTCM_CONTENT_LANGUAGES = [
    *LANGUAGES,
    ("hy", _("Armenian")),
    ("ka", _("Georgian")),
    ("uz", _("Uzbek")),
    ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")),
    ("tg", _("Tajik")),
    ("tk", _("Turkmen")),
    ("tr", _("Turkish")),
    ("fa", _("Persian")),
    ("ro", _("Romanian")),
    ("uk", _("Ukrainian")),
    ("fr", _("French")),
]
# The catalogues live inside the rtcm package so that the wheel and the image ship them.
LOCALE_PATHS = [BASE_DIR / "rtcm" / "locale"]
# Dates in each language's own form ("14 февраля 2027", "14 fevral 2027"): rtcm/formats/.
FORMAT_MODULE_PATH = ["rtcm.formats"]
# The center's time zone (Baku); each training's sessions carry the venue's own.
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Baku")
# Content in several languages (django-modeltranslation: a column per language, see
# each app's translation.py). A text missing in the reader's language falls back to
# the training's working language, then English, then any language it has.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": tuple(code for code, _name in LANGUAGES)}
MODELTRANSLATION_AUTO_POPULATE = False
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------
import xstatic.pkg.bootstrap  # noqa: E402 — a data package, imported for its path

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "rtcm" / "static",
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_ROOT = VAR_DIR / "media"
if not DEPLOYED:
    # The embedded mode works from an empty var/; a deployment runs collectstatic.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Off a deployment WhiteNoise serves static files straight from the apps' folders,
# so the site has its styles with debug off and no collectstatic (tests turn it
# off: they fetch no static file, and the scan would cost 50 ms a test client).
WHITENOISE_USE_FINDERS = not DEPLOYED
MEDIA_URL = "media/"
# Uploaded and generated files (CVs, library files, certificates, exports): on the
# file system under MEDIA_ROOT, or in an S3-compatible bucket (MinIO, Ceph, AWS…)
# through django-storages. Files are private: RTCM serves them through its own
# checked views, and any bucket address it makes is signed and short-lived.
RTCM_STORAGE_BACKEND = env.str("RTCM_STORAGE_BACKEND", default="filesystem")
if RTCM_STORAGE_BACKEND == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif RTCM_STORAGE_BACKEND == "s3":
    # The keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3
    # itself, as are its other sources: a profile, an instance role).
    _bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not _bucket:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME must be set when RTCM_STORAGE_BACKEND is s3."
        )
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "signature_version": "s3v4",  # what MinIO and every AWS region accept
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(
        f"RTCM_STORAGE_BACKEND is {RTCM_STORAGE_BACKEND!r}: use 'filesystem' or 's3'."
    )
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if DEPLOYED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="RTCM <noreply@rtcm.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    # Embedded mode: every message becomes a readable file under var/mail/.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# --- Celery ----------------------------------------------------------------
_broker_url = env.str("CELERY_BROKER_URL", default="")
# No broker: run tasks in-process, so the embedded mode needs no Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not _broker_url)
CELERY_BROKER_URL = _broker_url or "memory://localhost/"
# Where a task goes when nothing routes it elsewhere, including the tasks a task
# sends (a job's render chunks, e-mails): the workers' ``--queues`` must include it.
# The integration tests give each of their workers a queue of its own this way.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# In-process tasks do not raise into the request that queued them: a failed job
# shows as failed on its page (tests turn propagation back on to see errors).
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000
)  # KiB
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took but never acknowledged (the worker died) goes back to
# the queue after this many seconds. Longer than the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "participants.tasks.registrations_send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "release-quotas": {
        "task": "participants.tasks.trainings_release_quotas",
        "schedule": crontab(minute="*/10"),
    },
    "requeue-notifications": {
        "task": "participants.tasks.notifications_requeue_stale",
        "schedule": crontab(minute="*/5"),
    },
    "requeue-message-emails": {
        "task": "participants.tasks.message_emails_requeue_stale",
        "schedule": crontab(minute="*/5"),
    },
    "requeue-expert-messages": {
        "task": "experts.tasks.expert_messages_requeue_stale",
        "schedule": crontab(minute="*/5"),
    },
    "requeue-contact-messages": {
        "task": "website.tasks.contact_messages_requeue_stale",
        "schedule": crontab(minute="*/5"),
    },
    "requeue-volunteer-messages": {
        "task": "volunteers.tasks.volunteer_messages_requeue_stale",
        "schedule": crontab(minute="*/5"),
    },
    "monthly-activity-report": {
        "task": "rtcm.reports.tasks.monthly_activity_report",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "audit-log-prune": {
        "task": "rtcm.core.tasks.audit_log_prune",
        "schedule": crontab(hour=3, minute=15),
    },
    # The retention rules (RTCM_RETAIN_*), nightly.
    "retention-participants": {
        "task": "participants.tasks.participants_apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "retention-experts": {
        "task": "experts.tasks.experts_apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
}
# Who receives the monthly activity report; empty: the active users of the manager group.
RTCM_REPORT_RECIPIENTS = env.list("RTCM_REPORT_RECIPIENTS", default=[])

# --- Rate limits -----------------------------------------------------------
# How many proxies in front of the site append to X-Forwarded-For: every limit counts
# by the address the outermost of them saw (rtcm.core.ratelimit.client_address).
# 0 (nothing in front): REMOTE_ADDR only, X-Forwarded-For is ignored.
RTCM_TRUSTED_PROXIES = env.int("RTCM_TRUSTED_PROXIES", default=0)
if RTCM_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("RTCM_TRUSTED_PROXIES must be 0 or more.")
# Certificate verifications one client may look up per minute (pages and API).
RTCM_VERIFY_RATE_PER_MINUTE = env.int("RTCM_VERIFY_RATE_PER_MINUTE", default=30)
# Registrations one client may send per hour through the public form.
RTCM_REGISTER_RATE_PER_HOUR = env.int("RTCM_REGISTER_RATE_PER_HOUR", default=30)
# Sign-in links ("my trainings") one client may ask for per hour, whatever the addresses.
RTCM_SIGN_IN_RATE_PER_HOUR = env.int("RTCM_SIGN_IN_RATE_PER_HOUR", default=10)

# --- REST API --------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rtcm.core.permissions.IsStaff"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "rtcm.core.api.exception_handler",
    # JSON with bounded nesting and no NUL (rtcm.core.inputs); forms and uploads as DRF's.
    "DEFAULT_PARSER_CLASSES": [
        "rtcm.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The browsable (HTML) API: staff only on a deployment (JSON for everyone else).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "rtcm.core.security.StaffBrowsableContentNegotiation",
    "DEFAULT_THROTTLE_CLASSES": ["rtcm.core.ratelimit.AnonRateThrottle"],
    # The throttles count by rtcm.core.ratelimit.client_address; this says the same to DRF.
    "NUM_PROXIES": RTCM_TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("RTCM_API_ANON_RATE", default="600/hour"),
        # Certificate look-ups (GET /api/v1/certificates/verify/<code>/), per client.
        "verify": f"{RTCM_VERIFY_RATE_PER_MINUTE}/min",
        # Registrations (POST /api/v1/trainings/<slug>/register/), as on the public form.
        "register": f"{RTCM_REGISTER_RATE_PER_HOUR}/hour",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RTCM API",
    "DESCRIPTION": "Regional Training Center on Migration — trainings, registrations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its Swagger UI: for staff only on a deployment, open in the embedded mode.
    "SERVE_PERMISSIONS": [
        "rtcm.core.permissions.IsStaff" if DEPLOYED else "rest_framework.permissions.AllowAny"
    ],
    # No badge from validator.swagger.io: the CSP allows no image from elsewhere.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Swagger UI served from our own static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "rtcm.core.api.country_choices",
        "TrainingStatusEnum": "courses.models.Training.Status",
        "RegistrationStatusEnum": "participants.models.Registration.Status",
        "TrainingFormatEnum": "courses.models.Training.Format",
        "ReportFileFormatEnum": "rtcm.reports.render.FORMATS",
    },
}

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
# Every cookie RTCM sets (session, CSRF, language; messages follow the session's flags)
# is SameSite=Lax, and Secure on a deployment.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = DEPLOYED
# The browsable API for everyone off a deployment; staff only on one.
RTCM_API_BROWSABLE_FOR_ALL = not DEPLOYED
# Content-Security-Policy (django-csp): our own scripts, styles and images only, no
# inline script or style, no plugins, no framing, forms post to this site only.
# Images may also be data: URIs (Bootstrap's and Swagger UI's icons are).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Permissions-Policy (rtcm.core.security): browser features no page uses, for no one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if DEPLOYED:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every render at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- RTCM ------------------------------------------------------------------
# How long the home page's figures (trainings held, people trained) are cached.
RTCM_TOTALS_CACHE_SECONDS = env.int("RTCM_TOTALS_CACHE_SECONDS", default=600)
# Reminders go to confirmed people this many days before their training starts.
RTCM_REMINDER_DAYS = env.int("RTCM_REMINDER_DAYS", default=3)
# A notification still queued after this many seconds is queued again by the sweep.
RTCM_NOTIFICATION_RETRY_SECONDS = env.int("RTCM_NOTIFICATION_RETRY_SECONDS", default=300)
# Largest participants file (XLSX or CSV) a coordinator may import, in bytes.
RTCM_IMPORT_MAX_BYTES = env.int("RTCM_IMPORT_MAX_BYTES", default=2_000_000)
# Largest file a librarian may upload to the library, in bytes.
RTCM_LIBRARY_MAX_UPLOAD_BYTES = env.int("RTCM_LIBRARY_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# Largest CV (PDF, DOCX or ODT) and photo (JPEG, PNG or WebP) an expert may upload, in bytes.
RTCM_EXPERT_CV_MAX_BYTES = env.int("RTCM_EXPERT_CV_MAX_BYTES", default=10 * 1024 * 1024)
RTCM_EXPERT_PHOTO_MAX_BYTES = env.int("RTCM_EXPERT_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# Largest signature image (PNG or JPEG) of a certificate's signatory, in bytes.
RTCM_SIGNATURE_MAX_BYTES = env.int("RTCM_SIGNATURE_MAX_BYTES", default=2 * 1024 * 1024)
# Archives (DOCX, XLSX, PPTX, ODT, EPUB are ZIPs), judged before anything is unpacked:
# the most they may unpack to, the most members, the best compression ratio (to 1).
RTCM_UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env.int(
    "RTCM_UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
RTCM_UPLOAD_ARCHIVE_MAX_MEMBERS = env.int("RTCM_UPLOAD_ARCHIVE_MAX_MEMBERS", default=10_000)
RTCM_UPLOAD_ARCHIVE_MAX_RATIO = env.int("RTCM_UPLOAD_ARCHIVE_MAX_RATIO", default=100)
# The library reads a PDF's or DOCX's text in a child process bounded to this much
# memory (address space, bytes) and this many seconds (CPU and wall clock).
RTCM_LIBRARY_EXTRACTION_MEMORY_BYTES = env.int(
    "RTCM_LIBRARY_EXTRACTION_MEMORY_BYTES", default=512 * 1024 * 1024
)
RTCM_LIBRARY_EXTRACTION_SECONDS = env.int("RTCM_LIBRARY_EXTRACTION_SECONDS", default=60)
# Applications to the expert network one client (IP address) may send per hour.
RTCM_EXPERT_APPLY_RATE_PER_HOUR = env.int("RTCM_EXPERT_APPLY_RATE_PER_HOUR", default=20)
# Applications to the Migration Volunteers one client (IP address) may send per hour.
RTCM_VOLUNTEER_APPLY_RATE_PER_HOUR = env.int("RTCM_VOLUNTEER_APPLY_RATE_PER_HOUR", default=20)

# --- The website's contact form ---------------------------------------------
# Where the contact form's messages go (each also copied to its sender), and how many
# messages one client (IP address, or IPv6 /64) may send per hour.
RTCM_CONTACT_EMAIL = env.str("RTCM_CONTACT_EMAIL", default="contact@rtcm.local")
RTCM_CONTACT_RATE_PER_HOUR = env.int("RTCM_CONTACT_RATE_PER_HOUR", default=5)

# --- Privacy ----------------------------------------------------------------
# Who the privacy notice (/privacy/) names as responsible for personal data, and the
# address that answers data-protection requests (access, correction, erasure). Empty:
# the center's name, in the reader's language (``rtcm.core.center``).
RTCM_PRIVACY_CONTROLLER = env.str("RTCM_PRIVACY_CONTROLLER", default="")
RTCM_PRIVACY_CONTACT_EMAIL = env.str("RTCM_PRIVACY_CONTACT_EMAIL", default="privacy@rtcm.local")
# Retention, applied nightly by beat (0 turns a rule off):
# declined expert applications are erased (CV and photo deleted) this many days after
# the decision;
RTCM_RETAIN_DECLINED_EXPERTS_DAYS = env.int("RTCM_RETAIN_DECLINED_EXPERTS_DAYS", default=365)
# the answers of registrations not attended (cancelled, not accepted, or confirmed but
# never present) are deleted this many days after their training ended (the rows stay
# for the counts);
RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS = env.int(
    "RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS", default=730
)
# participants with no registration to a training that ended within this many years
# are anonymised (their registrations stay as anonymous counts).
RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS = env.int(
    "RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS", default=5
)
