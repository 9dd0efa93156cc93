"""Settings of the vCIO platform, read from the environment.

With no DATABASE_URL a private PostgreSQL cluster under var/ is used (the embedded default);
with no REDIS_URL Celery runs tasks eagerly in-process and the cache is local memory.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from msp.dbroles import APP_ROLE, url_user
from msp.security import DEV_SECRET_KEY, check_allowed_hosts, check_secret_key, proxy_ssl_header
from msp.storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Production (the Docker image sets VCIO_PRODUCTION=1): DEBUG off, a strong SECRET_KEY and explicit
# ALLOWED_HOSTS, or the process refuses to start (msp/security.py). `make run` and the tests use the dev key.
PRODUCTION = env_bool("VCIO_PRODUCTION", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or VCIO_PRODUCTION).")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    check_secret_key(SECRET_KEY)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    check_allowed_hosts(ALLOWED_HOSTS)
else:
    SECRET_KEY = SECRET_KEY or DEV_SECRET_KEY
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "msp",
    "clients",
    "standards",
    "alignment",
    "roadmaps",
    "budgets",
    "meetings",
    "playbook",
    "surveys",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store for signed-in users; Permissions-Policy (msp/security.py).
    "msp.security.SecurityHeadersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Sign-in attempts from an IP that has failed too often answer 429 (msp.signin).
    "msp.signin.SignInThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "msp.tenancy.TenantMiddleware",
    # A client-role user's request is confined to their one client from here on (msp.confinement).
    "portal.middleware.PortalConfinementMiddleware",
    # An owner or vCIO of an MSP that requires two-factor sign-in sets it up before any other page.
    "msp.signin.MfaRequiredMiddleware",
    # Deny by default: the route's declared permission is checked before its view runs (msp.permissions).
    "msp.permissions.RoutePermissionMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # An API write sent again with the same Idempotency-Key gets the first answer (msp.idempotency).
    "msp.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "msp.urls"
WSGI_APPLICATION = "msp.wsgi.application"
AUTH_USER_MODEL = "msp.User"

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
                "msp.context_processors.workspace",
            ],
        },
    },
]

# Database: PostgreSQL only, with two roles (docs/operations.md). DATABASE_URL is the app's connection: a
# role that owns no table and is held by row-level security. DATABASE_OWNER_URL is the owner role's,
# used instead when DATABASE_AS_OWNER=1 (migrations, seed_demo). With neither set, the embedded default
# starts a private cluster under var/ and creates both roles in it.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
if not DATABASE_URL and not DATABASE_OWNER_URL:
    from msp.embedded import database_urls

    _urls = database_urls()
    DATABASE_URL, DATABASE_OWNER_URL = _urls.app, _urls.owner
    # Child processes (the autoreloader, `make run`'s next command) reuse the running cluster.
    os.environ.update(DATABASE_URL=DATABASE_URL, DATABASE_OWNER_URL=DATABASE_OWNER_URL)
DATABASE_AS_OWNER = env_bool("DATABASE_AS_OWNER", False)
if DATABASE_AS_OWNER and not DATABASE_OWNER_URL:
    raise ImproperlyConfigured("DATABASE_AS_OWNER=1 needs DATABASE_OWNER_URL (the owner role's connection).")
if not DATABASE_AS_OWNER and not DATABASE_URL:
    raise ImproperlyConfigured("Set DATABASE_URL (the app role's connection), or DATABASE_AS_OWNER=1 with "
                               "DATABASE_OWNER_URL.")
# The role requests and tasks switch to (SET LOCAL ROLE) before touching tenant data; normally the user
# of DATABASE_URL, so a login as the owner (tests, commands) is held by the policies the same way.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "") or url_user(DATABASE_URL) or APP_ROLE
DATABASES = {"default": dj_database_url.parse(DATABASE_OWNER_URL if DATABASE_AS_OWNER else DATABASE_URL,
                                              conn_max_age=60, conn_health_checks=True)}
# A read replica for the heavy read pages (msp/replica.py), logging in as the app role like DATABASE_URL.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASE_ROUTERS = ["msp.replica.ReplicaRouter"]
# Behind PgBouncer in transaction pooling (docs/scaling.md): a server connection serves another client after
# each transaction, so no cursor may outlive one and no statement is prepared on it.
if os.environ.get("DATABASE_POOL_MODE", "") == "transaction":
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        _database.setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every statement of a tenant's request is cancelled after this long (a 503 that says so); long work belongs in
# a job. Production bounds it below gunicorn's timeout by default; 0 leaves the database's own setting.
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "20000" if PRODUCTION else "0"))

# Redis: the Celery broker and the shared cache. Unset means eager tasks and a local cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Jobs that survive a worker's death (docs/operations.md#background-jobs): a task is acknowledged when it
# ends, so the message of a worker that died is delivered again; one task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task: a soft limit (the task may clean up) and a hard one (the worker process is replaced).
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "600"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# A running job whose worker has not reported for this long is taken as lost (longer than the hard limit,
# so a job is never taken from a worker that is still on it), and tried again up to JOB_MAX_ATTEMPTS.
JOB_STALE_AFTER = int(os.environ.get("JOB_STALE_AFTER", str(CELERY_TASK_TIME_LIMIT + 60)))
JOB_MAX_ATTEMPTS = 3
# The most rows (after the header) one CSV import takes; a larger file is refused whole (docs/csv-import.md).
CSV_IMPORT_MAX_ROWS = int(os.environ.get("CSV_IMPORT_MAX_ROWS", "5000"))
# Seconds a job sleeps after each progress report: tests only, to stop a worker in the middle of a job.
JOB_STEP_DELAY = float(os.environ.get("JOB_STEP_DELAY", "0"))
# One beat; each entry fans out one task per MSP.
CELERY_BEAT_SCHEDULE = {
    "meetings-schedule-daily": {
        "task": "meetings.tasks.schedule_meetings_all",
        "schedule": crontab(hour=2, minute=30),  # UTC: before the working day in the Americas and Europe
    },
    "meetings-reminders-hourly": {
        "task": "meetings.tasks.send_reminders_all",
        "schedule": crontab(minute=15),  # each meeting is reminded once, two days ahead
    },
    "meetings-overdue-digest-daily": {
        "task": "meetings.tasks.overdue_digest_all",
        "schedule": crontab(hour=11, minute=0),  # UTC: the morning in the Americas, the afternoon in Europe
    },
    "idempotency-keys-expire-hourly": {
        "task": "msp.tasks.idempotency_keys_expire_all",
        "schedule": crontab(minute=40),  # keys older than 24 hours
    },
    "jobs-sweep-every-minute": {
        "task": "msp.tasks.jobs_sweep_all",
        "schedule": crontab(),  # jobs whose worker died are sent again (or failed) within a few minutes
    },
    "surveys-campaigns-daily": {
        "task": "surveys.tasks.survey_campaigns_run_all",
        "schedule": crontab(hour=7, minute=0),  # UTC: survey emails arrive in the European morning
    },
}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# ---------------------------------------------------------------------------------------------------
# Sign-in (django-allauth): email + password, second factors, Microsoft, slowing down guessing.
# docs/security.md explains each choice. Keep sign-in settings in this block.
# ---------------------------------------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_SIGNUP_FORM_CLASS = "msp.forms.WorkspaceSignupForm"
ACCOUNT_ADAPTER = "msp.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Adding or changing an email asks for the password again (as do MFA changes, API tokens and members).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# A completed password reset signs the person in: the emailed link always gets the real user through,
# whatever someone else is doing to their account (msp/signin.py).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
# Failed passwords are counted by msp.signin (per IP and per account), not by allauth's lock: allauth's
# "login_failed" limit only guards the second-factor step here (its key is the user, who already gave the
# right password).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,10/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
SIGNIN_IP_FAILURES = int(os.environ.get("SIGNIN_IP_FAILURES", "10"))  # per IP and window: then 429
SIGNIN_ACCOUNT_FAILURES = int(os.environ.get("SIGNIN_ACCOUNT_FAILURES", "5"))  # then a second factor or reset
SIGNIN_WINDOW_SECONDS = int(os.environ.get("SIGNIN_WINDOW_SECONDS", str(15 * 60)))
# Behind a reverse proxy every request comes from the proxy's address: count the visitor's IP from the
# X-Forwarded-For entries that many trusted proxies add (one when BEHIND_TLS_PROXY is set).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_TLS_PROXY") else "0"))
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# Second factors: authenticator apps, passkeys (WebAuthn) and recovery codes. A passkey may also sign in
# on its own (it is possession and a PIN or biometric in one).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "vCIO"
# Browsers allow WebAuthn on https or localhost only; plain http on another host works in DEBUG alone.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Sign in with Microsoft (Entra ID). Only accounts of an MSP's own Entra tenant, already linked to a member
# (by Microsoft's account id, never by email) sign in; nobody signs up this way (msp.adapters).
SOCIALACCOUNT_ADAPTER = "msp.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
MICROSOFT_CLIENT_ID = os.environ.get("MICROSOFT_CLIENT_ID", "")
MICROSOFT_CLIENT_SECRET = os.environ.get("MICROSOFT_CLIENT_SECRET", "")
SOCIALACCOUNT_PROVIDERS = {
    "microsoft": {
        # "organizations": work accounts of any tenant may reach the callback; the adapter then admits
        # only a tenant that an MSP registered (Msp.entra_tenant_id) and a linked member.
        "TENANT": "organizations",
        "SCOPE": ["openid", "profile", "email", "User.Read"],
        "APPS": [{"client_id": MICROSOFT_CLIENT_ID, "secret": MICROSOFT_CLIENT_SECRET,
                  "settings": {"tenant": "organizations"}}] if MICROSOFT_CLIENT_ID else [],
    },
}
# ---------------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
# Files: an S3-compatible object store when AWS_STORAGE_BUCKET_NAME is set (private bucket, downloads only
# through the app's views), else the local disk under MEDIA_ROOT (msp/storage.py).
STORAGES = {
    "default": default_storage_from_env(os.environ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("VCIO_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vCIO <no-reply@vcio.local>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "msp.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["msp.api_auth.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Every filter value, ordering and page size is checked: a bad one is a 400 naming it (msp/api_input.py).
    "DEFAULT_FILTER_BACKENDS": [
        "msp.api_input.StrictFilterBackend",
        "msp.api_input.StrictSearchFilter",
        "msp.api_input.StrictOrderingFilter",
    ],
    # JSON bodies are capped in size and depth before they are decoded (API_MAX_JSON_*).
    "DEFAULT_PARSER_CLASSES": [
        "msp.api_input.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "msp.api.ErrorResponsesAutoSchema",
    "EXCEPTION_HANDLER": "msp.api.exception_handler",
}
API_MAX_JSON_BYTES = 1024 * 1024
API_MAX_JSON_DEPTH = 20
SPECTACULAR_SETTINGS = {
    "TITLE": "vCIO platform API",
    "DESCRIPTION": "Clients, contacts, business objectives and assets of the MSP the token belongs to.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema describes the API's shape only, never tenant data, so it is public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "alignment.choices.ReviewStatus",
        "FrequencyEnum": "standards.choices.Frequency",
        "JobStatusEnum": "msp.choices.JobStatus",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "msp.idempotency.add_header_to_schema"],
}

# Transport security, read from the environment under Django's names (docs/operations.md "Production
# settings"); `manage.py check --deploy` passes with the documented production values.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The health checks answer plain HTTP to the orchestrator inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (BEHIND_TLS_PROXY=1
# is a shorthand for that value). Set it only when the proxy overwrites that header on every request.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(
    os.environ.get("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO,https" if env_bool("BEHIND_TLS_PROXY") else ""))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): no inline script or style anywhere the browser is served; page
# behaviour lives in static/js, looks in static/css (docs/operations.md "Production settings").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
    },
}

# Uploads: CSVs stay small and evidence photos under 10 MB. The capped handler stops any upload past
# MAX_UPLOAD_BYTES while it streams in; the form then reports the missing file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = 12 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "msp.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# A client's approval or refusal in the portal can be undone for this many minutes (docs/portal.md).
DECISION_UNDO_MINUTES = int(os.environ.get("DECISION_UNDO_MINUTES", "10"))

# Alignment scores (0-100) are green from this figure up, amber from the next, red below (msp/look.py): one
# rule for the score tables, the heatmaps, the scorecard and the client PDFs.
SCORE_BANDS = {"green": 75, "amber": 60}

# The owner's scorecard (playbook/scorecard.py, docs/scorecard.md): each figure's green and amber bands,
# (low, high) with both ends included and None for no end; outside both is red. Shares are percentages.
_SHARE_90 = {"green": (90, None), "amber": (70, None)}
SCORECARD_RATINGS = {
    "clients_managed": {"green": (35, 45), "amber": (30, 50)},  # per vCIO
    "mrr_managed": {"green": (105000, 135000), "amber": (90000, 150000)},  # per vCIO
    "clients_churned": {"green": (None, 5), "amber": (None, 10)},
    "mrr_churned": {"green": (None, 5), "amber": (None, 10)},
    "alignment_score": {"green": (SCORE_BANDS["green"], None), "amber": (SCORE_BANDS["amber"], None)},
    "alignment_trend": {"green": (0, None), "amber": (-5, None)},
    "step_pre_planning": _SHARE_90,
    "step_review": _SHARE_90,
    "step_roadmap": _SHARE_90,
    "step_budget": _SHARE_90,
    "step_strategy": _SHARE_90,
    "step_quarterly": _SHARE_90,
    "roadmap_and_budget": _SHARE_90,
    "meetings_held": {"green": (90, None), "amber": (75, None)},
    "meetings_missed": {"green": (None, 5), "amber": (None, 10)},
    "decision_makers": {"green": (80, None), "amber": (60, None)},
    "business_knowledge": {"green": (80, None), "amber": (50, None)},
    "playbook_pace": {"green": (83, None), "amber": (50, None)},  # 5 of 6 activities on pace is 83.3 %
    "survey_satisfied": {"green": (80, None), "amber": (60, None)},
    "survey_response": {"green": (30, None), "amber": (15, None)},
    "nonrecurring": {"green": (30, None), "amber": (20, None)},
    "recommendations_implemented": {"green": (50, None), "amber": (30, None)},
}
