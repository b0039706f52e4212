"""Hearth settings, read from the environment.

Every value a deployment changes comes from an environment variable (see README, "Configuration").
Without any, the forum runs in development mode on an SQLite file under var/.
"""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random string "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    # the same bar as Django's deployment check (security.W009), enforced: a guessable key forges sessions
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: it needs at least 50 characters, at least 5 of them different, "
        "and must not be a 'django-insecure-' development key. Make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_FAILURE_VIEW = "forum.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "forum",
    "wordfilter",
    "members",
    "notices",
    "boards",
    "notifications",
    "search",
    "moderation",
    "standing",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "forum.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "forum.middleware.DatabaseOutageMiddleware",    # the database cannot be reached: 503, not 500
    "forum.middleware.ReplicaReadsMiddleware",      # GETs read from the replica, when there is one
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.MemberTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "forum.urls"
WSGI_APPLICATION = "forum.wsgi.application"
ASGI_APPLICATION = "forum.asgi.application"

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
                "django.template.context_processors.tz",
                "forum.context_processors.site",
                "moderation.context_processors.moderation_nav",
            ],
        },
    }
]
if not DEBUG:
    # Cache compiled templates in production (Django does this by default when DEBUG is off,
    # but spelling it out keeps the intent visible).
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
        )
    ]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hearth.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side parameters let psycopg prepare the statements a page repeats, so PostgreSQL plans
    # each query once per connection instead of on every request (planning cost more than running them).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", env.bool("DB_SERVER_SIDE_BINDING", default=True))
    # a database that cannot be reached answers 503 within seconds (forum/outage.py), not at gunicorn's timeout
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
    # No JIT compilation: it pays off only for long analytical queries, and PostgreSQL turns it on by the
    # plan's estimated cost, which grows with the tables. On 1,000,000 posts a misestimated page query
    # spent 240 ms compiling to save nothing (bench/explain.py finds such plans).
    DATABASES["default"]["OPTIONS"].setdefault("options", env("DB_OPTIONS", default="-c jit=off"))
# An optional PostgreSQL streaming replica for reads (forum/db_router.py): GET pages read from it, except
# inside transactions, for sessions, members and permissions, and for a client that wrote within
# DATABASE_REPLICA_PIN_SECONDS; while it is down or lags more than DATABASE_REPLICA_MAX_LAG_SECONDS (asked
# every DATABASE_REPLICA_CHECK_SECONDS per process) every read goes to the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=2.0)
# long enough for the replica to have caught up with a write when the pin runs out (lag bound + one check)
DATABASE_REPLICA_PIN_SECONDS = env.int(
    "DATABASE_REPLICA_PIN_SECONDS", default=int(DATABASE_REPLICA_MAX_LAG_SECONDS + DATABASE_REPLICA_CHECK_SECONDS) + 1)
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})
    DATABASES["replica"]["OPTIONS"].setdefault("server_side_binding", env.bool("DB_SERVER_SIDE_BINDING", default=True))
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_REPLICA_CONNECT_TIMEOUT", default=2))
    DATABASES["replica"]["OPTIONS"].setdefault("options", env("DB_OPTIONS", default="-c jit=off"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["forum.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "forum.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="hearth"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hearth"}}

# Sessions live in the database, read through the cache: a copy in Redis for at most SESSION_CACHE_SECONDS
# (forum/sessions.py), so that a signed-in page does not ask PostgreSQL for its session.
SESSION_ENGINE = "forum.sessions"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=60)

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = ["members.backends.AuthenticationBackend"]  # allauth's, plus the rank in one query
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "members.forms.LoginForm", "signup": "members.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"  # members can log in and read; posting needs a verified email
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hearth] "
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) and recovery codes, for every member
# who wants it at /accounts/2fa/. With STAFF_MFA_REQUIRED, admins and global moderators must set it up
# before they use moderation and admin pages (members.middleware.StaffMFAMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("SITE_NAME", default="Hearth")
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG)
# The proxies of our own in front of the site (a TLS proxy: 1). Per-address limits, Hearth's and allauth's,
# take the client's address that many hops from the right of X-Forwarded-For (forum/clientip.py); with 0
# the header is ignored, since the client writes it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", default="UTC")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Hearth <hearth@localhost>")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)  # for EMAIL_BACKEND=...filebased.EmailBackend
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without REDIS_URL, tasks run in-process (eagerly).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below, like the web

# Production hardening: on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come only from our static files (static/js/site.js, static/css/site.css): no inline
# <script>, event handler or style attribute anywhere; images may come from any https: site (posts link
# them); no page may frame ours. forum.middleware.SecurityHeadersMiddleware sends both headers.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# One LOGGING for web and Celery workers (forum/celery.py keeps Celery from replacing it): stdout, with
# each record's `extra` fields shown (LOG_FORMAT=plain) or as JSON lines (LOG_FORMAT=json).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "forum.logging.ExtraFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "forum.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "json" if env("LOG_FORMAT", default="plain") == "json" else "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Hearth's own knobs.
HEARTH = {
    "SITE_NAME": env("SITE_NAME", default="Hearth"),
    # where the site is reached from outside: the links in emails start with it
    "SITE_URL": env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/"),
    "TOPICS_PER_PAGE": 25,
    "POSTS_PER_PAGE": 20,
    "BODY_MAX_CHARS": env.int("BODY_MAX_CHARS", default=30_000),
    "TITLE_MAX_CHARS": 150,
    "EDIT_WINDOW_MINUTES": env.int("EDIT_WINDOW_MINUTES", default=24 * 60),
    "DUPLICATE_WINDOW_SECONDS": 10,
    # Spam: a signup form sent back sooner than this is a bot's; a new account's first day allows this
    # many topics and replies; the same body again within SAME_BODY_MINUTES is refused; a Newcomer's
    # post linking an outside domain their posts already linked NEWCOMER_DOMAIN_LINKS times is held.
    "SIGNUP_MIN_SECONDS": env.int("SIGNUP_MIN_SECONDS", default=3),
    "FIRST_DAY_TOPICS": env.int("FIRST_DAY_TOPICS", default=3),
    "FIRST_DAY_REPLIES": env.int("FIRST_DAY_REPLIES", default=10),
    "SAME_BODY_MINUTES": 5,
    "NEWCOMER_DOMAIN_LINKS": 3,
    "SPAMMER_UNDO_DAYS": 7,
    # how long anonymous visitors' rendered topic lists and post pages may be reused (human times lag by this)
    "FRAGMENT_CACHE_SECONDS": env.int("FRAGMENT_CACHE_SECONDS", default=60),
    # rate limits as (count, seconds)
    "POST_RATE": (env.int("POST_RATE_COUNT", default=10), 60),
    "TOPIC_RATE": (env.int("TOPIC_RATE_COUNT", default=3), 60),
    # Freshness: a board is quiet after this many days without a new topic, or without any post.
    "QUIET_TOPIC_DAYS": env.int("QUIET_TOPIC_DAYS", default=7),
    "QUIET_POST_DAYS": env.int("QUIET_POST_DAYS", default=3),
    # Until the forum has LAUNCH_MEMBERS members, stricter thresholds, and the admins' reminder lists
    # the members who joined but have not posted yet, so they can be welcomed.
    "LAUNCH_MEMBERS": env.int("LAUNCH_MEMBERS", default=50),
    "LAUNCH_QUIET_TOPIC_DAYS": env.int("LAUNCH_QUIET_TOPIC_DAYS", default=2),
    "LAUNCH_QUIET_POST_DAYS": env.int("LAUNCH_QUIET_POST_DAYS", default=1),
    # the local hour (TIME_ZONE) at which the daily freshness check runs
    "FRESHNESS_HOUR": env.int("FRESHNESS_HOUR", default=9),
    # Focus: the forum has more boards than it has activity for when more than FOCUS_IDLE_BOARDS open boards
    # had no new topic in FOCUS_IDLE_DAYS days, or when an open board had under FOCUS_MIN_SHARE (a fraction)
    # of the forum's posts over FOCUS_SHARE_DAYS days. The share is judged only once the forum wrote
    # FOCUS_SHARE_MIN_POSTS posts in those days (2 % of 200 is 4 posts; below that a share is a post or two
    # and says nothing). A board younger than a window is not judged by it.
    "FOCUS_IDLE_DAYS": env.int("FOCUS_IDLE_DAYS", default=30),
    "FOCUS_IDLE_BOARDS": env.int("FOCUS_IDLE_BOARDS", default=3),
    "FOCUS_SHARE_DAYS": env.int("FOCUS_SHARE_DAYS", default=90),
    "FOCUS_MIN_SHARE": env.float("FOCUS_MIN_SHARE", default=0.02),
    "FOCUS_SHARE_MIN_POSTS": env.int("FOCUS_SHARE_MIN_POSTS", default=200),
    # Ranks: a member below 90% of a threshold drops one step after this many days (never within 14
    # days of a promotion). LIKE_RATE is likes per minute.
    "RANK_GRACE_DAYS": env.int("RANK_GRACE_DAYS", default=14),
    "RANKS_HOUR": env.int("RANKS_HOUR", default=3),
    "LIKE_RATE": (env.int("LIKE_RATE_COUNT", default=30), 60),
    # Promotion to board moderator: proposals for admins by default; AUTO_PROMOTE grants at once.
    "AUTO_PROMOTE": env.bool("AUTO_PROMOTE", default=False),
    "MODERATOR_MIN_ACCOUNT_DAYS": env.int("MODERATOR_MIN_ACCOUNT_DAYS", default=60),
    "MODERATOR_MIN_ACCURATE_REPORTS": env.int("MODERATOR_MIN_ACCURATE_REPORTS", default=0),
    "MODERATOR_MIN_BOARD_SHARE": env.float("MODERATOR_MIN_BOARD_SHARE", default=0.5),
    "PROPOSAL_COOLDOWN_DAYS": env.int("PROPOSAL_COOLDOWN_DAYS", default=90),
    "INACTIVE_MODERATOR_DAYS": env.int("INACTIVE_MODERATOR_DAYS", default=60),
    # Moderation: this many reports from members of at least this rank order (2: Regular) hide a post at
    # once, pending review; open cases older than CASE_REMINDER_HOURS remind the board's moderators
    # (then, a day later, the admins) through the daily task. REPORT_RATE is reports per hour.
    "AUTO_HIDE_REPORTS": env.int("AUTO_HIDE_REPORTS", default=3),
    "AUTO_HIDE_MIN_RANK_ORDER": env.int("AUTO_HIDE_MIN_RANK_ORDER", default=2),
    "CASE_REMINDER_HOURS": env.int("CASE_REMINDER_HOURS", default=48),
    "REPORT_RATE": (env.int("REPORT_RATE_COUNT", default=10), 3600),
    # Notifications: mentions that notify per post (the rest stay plain text); Newcomers (the first rank) fewer.
    "MENTIONS_PER_POST": env.int("MENTIONS_PER_POST", default=10),
    "NEWCOMER_MENTIONS_PER_POST": env.int("NEWCOMER_MENTIONS_PER_POST", default=2),
    # Per client address (forum.clientip), next to the members' own budgets above; previews and topic moves
    # (retitles included) per member and per address. Each (count, seconds); see forum/ratelimit.py.
    "POST_IP_RATE": (env.int("POST_IP_RATE_COUNT", default=30), 60),
    "TOPIC_IP_RATE": (env.int("TOPIC_IP_RATE_COUNT", default=10), 60),
    "PREVIEW_RATE": (env.int("PREVIEW_RATE_COUNT", default=20), 60),
    "PREVIEW_IP_RATE": (env.int("PREVIEW_IP_RATE_COUNT", default=60), 60),
    "LIKE_IP_RATE": (env.int("LIKE_IP_RATE_COUNT", default=120), 60),
    "REPORT_IP_RATE": (env.int("REPORT_IP_RATE_COUNT", default=30), 3600),
    "MOVE_RATE": (env.int("MOVE_RATE_COUNT", default=10), 60),
    "MOVE_IP_RATE": (env.int("MOVE_IP_RATE_COUNT", default=30), 60),
    # Search: searches per client address per minute, and how long the database may spend on one
    "SEARCH_IP_RATE": (env.int("SEARCH_IP_RATE_COUNT", default=60), 60),
    "SEARCH_TIMEOUT_MS": env.int("SEARCH_TIMEOUT_MS", default=3000),
}

# Beat's timetable: a schedule in seconds, or crontab fields as a dict (forum/celery.py makes the crontab;
# spelled as data so that the settings, read by every web worker, do not import Celery).
CELERY_BEAT_SCHEDULE = {
    "freshness-daily": {
        "task": "boards.tasks.check_freshness",
        "schedule": {"hour": HEARTH["FRESHNESS_HOUR"], "minute": env.int("FRESHNESS_MINUTE", default=0)},
    },
    "ranks-nightly": {
        "task": "standing.tasks.recompute_ranks_nightly",
        "schedule": {"hour": HEARTH["RANKS_HOUR"], "minute": 15},
    },
    # after the rank recompute, so the day's promotions and drops are in its rows
    "stats-rollup-nightly": {
        "task": "stats.tasks.rollup_stats_nightly",
        "schedule": {"hour": HEARTH["RANKS_HOUR"], "minute": 45},
    },
    "pins-and-featured-expiry": {
        "task": "moderation.tasks.expire_pins_and_featured",
        "schedule": 300.0,
    },
    "stale-cases-daily": {
        "task": "moderation.tasks.remind_stale_cases",
        "schedule": {"hour": HEARTH["FRESHNESS_HOUR"], "minute": env.int("FRESHNESS_MINUTE", default=0)},
    },
    "notification-emails": {
        "task": "notices.send_due_emails",
        "schedule": 60.0,
    },
    "notification-fan-outs-missed": {
        "task": "notifications.fan_out_missed",
        "schedule": 300.0,
    },
    "notification-digests": {
        "task": "notifications.send_digests",
        "schedule": {"minute": 0},
    },
    "prune-notices": {
        "task": "notices.prune_notices",
        "schedule": {"hour": 4, "minute": 30},
    },
    "publish-scheduled-topics": {
        "task": "boards.tasks.publish_scheduled_topics",
        "schedule": env.float("PUBLISH_EVERY_SECONDS", default=60.0),
    },
}
