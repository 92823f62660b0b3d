"""Settings shared by every environment. Environment variables are read only here and
in the per-environment modules, through the typed helpers of `env.py`."""

from __future__ import annotations

from decimal import Decimal

from .env import (
    BASE_DIR,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
)

# --- Django core -------------------------------------------------------------------------
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-insecure-key-change-me")
# Previous keys, still accepted for signatures (sessions, password resets) while rotating.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    # layer 0
    "site_config",
    # layer 1: domain
    "users",
    "brandkit",
    "inventory",
    "orders",
    "payments",
    "conversation_log",
    # layer 2: capabilities
    "recos",
    "helpdesk",
    "intent_classifier",
    "ai_assistant",
    "wa_client",
    "message_bus",
    "connectors.llm",
    # layer 3: orchestration
    "dialog_engine",
    # layer 4: edges
    "wa_gateway",
    "connectors.shopify_admin",
    "bootstrap",
]

MIDDLEWARE = [
    # First, so every later log line and every response (redirects too) carries the id.
    "project_core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: answers 429 to a client locked out for failed logins (admin and API token).
    "axes.middleware.AxesMiddleware",
]

# Meta's POST /hook/ runs through these only (see project_core/wsgi.py).
WEBHOOK_MIDDLEWARE = [
    "project_core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
]

ROOT_URLCONF = "project_core.urls"
WSGI_APPLICATION = "project_core.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project_core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------
# DB_ENGINE unset or "sqlite": the embedded file database, nothing else to install.
# DB_ENGINE=mysql: MySQL/MariaDB InnoDB through mysqlclient.
DB_ENGINE = env_str("DB_ENGINE", "sqlite").lower() or "sqlite"
if DB_ENGINE == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("DB_NAME") or str(BASE_DIR / "var" / "db.sqlite3"),
            "OPTIONS": {
                # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait
                # for `timeout` instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
elif DB_ENGINE == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": env_str("DB_NAME", "shop"),
            "USER": env_str("DB_USER", "root"),
            "PASSWORD": env_str("DB_PASSWORD"),
            "HOST": env_str("DB_HOST", "127.0.0.1"),
            "PORT": env_str("DB_PORT", "3306"),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "charset": "utf8mb4",
                "init_command": "SET sql_mode='STRICT_TRANS_TABLES,NO_ZERO_DATE,"
                "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO'",
                # READ COMMITTED: no gap locks, fewer deadlocks between concurrent checkouts;
                # correctness comes from explicit row locks and conditional updates.
                "isolation_level": "read committed",
                # No call may hang forever on a stuck server; reads outlast InnoDB's 50 s
                # lock wait, so a lock timeout still arrives as the database's own error.
                "connect_timeout": 5,
                "read_timeout": 60,
                "write_timeout": 60,
            },
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DB_ENGINE must be 'sqlite' or 'mysql', got {DB_ENGINE!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How many proxies in front of the app append to X-Forwarded-For. 0: the client address is
# REMOTE_ADDR and X-Forwarded-For is ignored (a client could write anything there).
NUM_PROXIES = env_int("NUM_PROXIES", 0)
# django-axes: after LOGIN_FAILURE_LIMIT failed logins from one address (admin login and
# POST /api/token/), that address gets 429 for LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
)

# --- Cache ------------------------------------------------------------------------------
# project_core.cache.RedisCache: Django's Redis backend, one client object per pool.
REDIS_URL = env_str("REDIS_URL")
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "project_core.cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "TIMEOUT": 300,
        }
    }
elif REDIS_URL:
    # Throttles and the per-customer limits must be shared by every process.
    CACHES = {
        "default": {
            "BACKEND": "project_core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# Meta sends webhook bodies of up to 3 MB; Django's 2.5 MB default would reject them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
WEBHOOK_MAX_BODY_BYTES = 4 * 1024 * 1024
# A webhook body is validated whole before anything is stored: at most this many
# messages + statuses (Meta batches far fewer) and this JSON nesting depth.
WEBHOOK_MAX_ITEMS = env_int("WEBHOOK_MAX_ITEMS", 1000)
WEBHOOK_MAX_DEPTH = env_int("WEBHOOK_MAX_DEPTH", 32)

# --- REST framework ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # No BasicAuthentication: a password on every request invites brute force. Staff use the
    # admin session or a token from POST /api/token/ (login-limited by django-axes).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # JSON only; dev adds the browsable API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min", "login": "10/min"},
}
# The OpenAPI schema and Swagger UI: staff-only unless this says otherwise (dev: public).
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Electronics shop API",
    "DESCRIPTION": "Catalog (public) and staff endpoints of the WhatsApp shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets are served from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery ------------------------------------------------------------------------------
# Redis is only the transport; MySQL is the record. Without REDIS_URL tasks run eagerly,
# in-process, which is what the embedded default (`make demo`, `manage.py chat`) uses.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# kombu's Redis transport with one client per connection pool (see project_core.broker).
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "project_core.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
# Workers keep their database connections across tasks as web threads do across requests:
# project_core.celery applies CONN_MAX_AGE and the health check around every task, so
# Celery's Django fixup must not close them itself (a new MariaDB connection per task).
CELERY_DB_REUSE_MAX = 2**31
# The visibility timeout must exceed the longest task + its countdown, or Redis re-delivers
# a task that is still running (acks_late).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_timeout": 5,
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a webhook when the broker is down: fail fast, the sweeper
# re-enqueues what was stored.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Shop --------------------------------------------------------------------------------
PRODUCT_DOMAIN = env_str("PRODUCT_DOMAIN", "consumer electronics")
DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "USD").upper()
ORDER_NUMBER_PREFIX = env_str("ORDER_NUMBER_PREFIX", "ORD")
ABANDONED_CART_DAYS = env_int("ABANDONED_CART_DAYS", 3)
ABANDONED_CHAT_DAYS = env_int("ABANDONED_CHAT_DAYS", 7)
# One cart reminder after this many idle hours (only inside the 24-hour window, never to
# customers who opted out); carts idle for ABANDONED_CART_DAYS are abandoned.
CART_REMINDER_HOURS = env_int("CART_REMINDER_HOURS", 4)
# Processed inbound events and messages (with their delivery statuses) older than this
# are purged by the beat housekeeping.
DATA_RETENTION_DAYS = env_int("DATA_RETENTION_DAYS", 90)
# Dotted path of the callable that persists and dispatches a free-form text
# (`(*, customer, text, sent_by_staff="")`); domain apps send through it without
# importing message_bus. Empty: staff replies and cart reminders are refused.
OUTBOUND_TEXT_SENDER = "message_bus.services.text_send"
MONEY_PLACES = Decimal("0.01")
# Per customer: at most this many inbound messages in the window are answered (each can
# cost LLM calls); the first one over the limit gets one polite "slow down".
INBOUND_RATE_MAX_MESSAGES = env_int("INBOUND_RATE_MAX_MESSAGES", 20)
INBOUND_RATE_WINDOW_SECONDS = env_int("INBOUND_RATE_WINDOW_SECONDS", 60)

# --- Payments (docs/PAYMENTS.md) ---------------------------------------------------------
# none: cash on delivery, bank transfer and static payment links as configured in admin;
# stripe: "payment link" options send a Stripe Checkout Session confirmed by webhooks.
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "none").lower()
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
# The endpoint's signing secret (whsec_…): without it every Stripe webhook is refused.
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# The SDK's API base; tests point it at a local fake Stripe.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
STRIPE_REQUEST_TIMEOUT = env_float("STRIPE_REQUEST_TIMEOUT", 10.0)
# The SDK retries failed requests this many times (with the same idempotency key).
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
# Signed webhooks older than this many seconds are refused (replay protection).
STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)
# Where Stripe's hosted page sends the customer after paying / giving up.
STRIPE_SUCCESS_URL = env_str("STRIPE_SUCCESS_URL")
STRIPE_CANCEL_URL = env_str("STRIPE_CANCEL_URL")
# A Checkout Session expires after this many minutes (Stripe allows 30 to 1440).
STRIPE_SESSION_EXPIRY_MINUTES = env_int("STRIPE_SESSION_EXPIRY_MINUTES", 60)
# The reconcile beat task fetches sessions of payments pending longer than this.
PAYMENTS_RECONCILE_AFTER_MINUTES = env_int("PAYMENTS_RECONCILE_AFTER_MINUTES", 15)

# --- WhatsApp Cloud API ------------------------------------------------------------------
WA_VERIFY_TOKEN = env_str("WA_VERIFY_TOKEN")
WA_APP_SECRET = env_str("WA_APP_SECRET")
# Without WA_APP_SECRET every webhook is refused, unless DEBUG is on and this says so
# (a local experiment with hand-made payloads). Never in production.
WA_ALLOW_UNSIGNED = env_bool("WA_ALLOW_UNSIGNED", False)
WA_BEARER_TOKEN = env_str("WA_BEARER_TOKEN")
WA_PHONE_ID = env_str("WA_PHONE_ID")
# The WhatsApp Business Account id: its message templates are synced from
# GET /{WA_WABA_ID}/message_templates (empty: no sync).
WA_WABA_ID = env_str("WA_WABA_ID")
# Outside the 24-hour window a template in the customer's language is sent, else one in
# this language; none approved for the purpose: the message is recorded as not sent.
WA_TEMPLATE_FALLBACK_LANGUAGE = env_str("WA_TEMPLATE_FALLBACK_LANGUAGE", "en")
# Dotted path of the callable that sends a shop-initiated message by the one proactive
# rule (window, templates, consent); domain apps send through it without importing
# message_bus (see conversation_log/proactive.py).
OUTBOUND_PROACTIVE_SENDER = "message_bus.proactive.proactive_send_port"
WA_GRAPH_URL = env_str("WA_GRAPH_URL", "https://graph.facebook.com").rstrip("/")
WA_API_VERSION = env_str("WA_API_VERSION", "v21.0")
WA_REQUEST_TIMEOUT = env_float("WA_REQUEST_TIMEOUT", 10.0)
# An outbox drain owns the message it is sending for this long; past it (the worker died
# mid-send) another drain may send it again. Must exceed WA_REQUEST_TIMEOUT.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 30)
MEDIA_BASE_URL = env_str("MEDIA_BASE_URL")
# The Commerce Manager catalog linked to the WhatsApp number: with it, product cards and
# search results go out as single- and multi-product messages (retailer id = SKU); empty:
# the reply-button and list messages.
WA_CATALOG_ID = env_str("WA_CATALOG_ID")
# Largest inbound media (a voice note to transcribe) downloaded from the Graph API; a
# bigger one is refused before its body is read. Meta's own audio limit is 16 MB.
WA_MEDIA_MAX_BYTES = env_int("WA_MEDIA_MAX_BYTES", 16 * 1024 * 1024)
# --- Uploaded media (product photos) -------------------------------------------------------
# Meta fetches a product card's image from a public URL: uploads are served under
# MEDIA_BASE_URL (the web server in front of MEDIA_ROOT, or the storage's own public URL).
# Without it uploads are stored but the bot sends the product's image_url (if any) instead.
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(BASE_DIR / "var" / "media")
MEDIA_URL = MEDIA_BASE_URL.rstrip("/") + "/" if MEDIA_BASE_URL else "/media/"
# Dotted path of the storage class for uploads: Django's FileSystemStorage (MEDIA_ROOT) by
# default; "storages.backends.s3.S3Storage" for S3-compatible storage (django-storages;
# needs boto3, which reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY itself). Objects are
# public and unsigned, and their URLs are MEDIA_BASE_URL + name when it is set (a CDN or the
# bucket's public address).
MEDIA_STORAGE_BACKEND = env_str(
    "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
_MEDIA_STORAGE_OPTIONS: dict[str, object] = {}
if MEDIA_STORAGE_BACKEND.startswith("storages.backends.s3"):
    _MEDIA_STORAGE_OPTIONS = {
        "bucket_name": env_str("MEDIA_S3_BUCKET"),
        "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
        "region_name": env_str("MEDIA_S3_REGION") or None,
        "custom_domain": MEDIA_BASE_URL.split("://", 1)[-1].rstrip("/") or None,
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": env_str("MEDIA_S3_ACL", "public-read") or None,
    }
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND, "OPTIONS": _MEDIA_STORAGE_OPTIONS},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads larger than this are refused (Meta's own limit for images is 5 MB).
PRODUCT_PHOTO_MAX_BYTES = env_int("PRODUCT_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# Django serves MEDIA_ROOT under MEDIA_URL's path itself (development; in production the web
# server or the storage does). Default: on in dev, off elsewhere.
MEDIA_SERVE = env_bool("MEDIA_SERVE", False)

# --- AI: LLM providers and embeddings ----------------------------------------------------
LLM_PROVIDER = env_str("LLM_PROVIDER", "openai").lower()
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL")
OPENAI_MODEL_ID_CLASSIFY = env_str("OPENAI_MODEL_ID_CLASSIFY", "gpt-4o-mini")
OPENAI_MODEL_ID_CHAT = env_str("OPENAI_MODEL_ID_CHAT", "gpt-4o-mini")
OPENAI_MODEL_ID_EMBEDDINGS = env_str("OPENAI_MODEL_ID_EMBEDDINGS", "text-embedding-3-small")
LLM_MODEL_ID_CLASSIFY = env_str("LLM_MODEL_ID_CLASSIFY") or OPENAI_MODEL_ID_CLASSIFY
LLM_MODEL_ID_CHAT = env_str("LLM_MODEL_ID_CHAT") or OPENAI_MODEL_ID_CHAT
# The provider's speech-to-text model for voice notes (OpenAI-compatible
# audio/transcriptions, e.g. whisper-1 or gpt-4o-mini-transcribe); empty: voice notes get
# the polite "please type" reply.
LLM_MODEL_ID_TRANSCRIBE = env_str("LLM_MODEL_ID_TRANSCRIBE")
LLM_REQUEST_TIMEOUT = env_float("LLM_REQUEST_TIMEOUT", 15.0)
LLM_MAX_RETRIES = env_int("LLM_MAX_RETRIES", 1)
OPENROUTER_API_KEY = env_str("OPENROUTER_API_KEY")
OPENROUTER_BASE_URL = env_str("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1")
VLLM_BASE_URL = env_str("VLLM_BASE_URL")
VLLM_API_KEY = env_str("VLLM_API_KEY")
TOKENS_MAX = env_int("TOKENS_MAX", 3000)

EMBEDDINGS_MODEL = env_str("EMBEDDINGS_MODEL", "use-multilingual-v3")
RECOS_TOPK = env_int("RECOS_TOPK", 5)
# The product index (recos.index, docs/OPERATIONS.md "The search index"): one snapshot per
# machine under RECOS_INDEX_DIR (a relative path is under BASE_DIR), memory-mapped by its
# processes and kept current by deltas.
RECOS_INDEX_DIR = str(BASE_DIR / (env_str("RECOS_INDEX_DIR") or "var/index"))
# Rebuild the snapshot (in the background) when products re-encoded since it pass this
# share of it; until then they live in each process's small overlay.
RECOS_INDEX_REBUILD_SHARE = env_float("RECOS_INDEX_REBUILD_SHARE", 0.05)
RECOS_INDEX_BACKGROUND = env_bool("RECOS_INDEX_BACKGROUND", True)
# From this many products the snapshot is approximate: IVF lists of 8-bit scalar-quantised
# vectors (RECOS_ANN_NLIST lists, 0: the square root of the size), RECOS_ANN_NPROBE of them
# probed (more when a filter allows few rows) and the best RECOS_ANN_RERANK candidates
# re-ranked by exact inner product.
RECOS_ANN_MIN_PRODUCTS = env_int("RECOS_ANN_MIN_PRODUCTS", 200_000)
RECOS_ANN_NLIST = env_int("RECOS_ANN_NLIST", 0)
RECOS_ANN_NPROBE = env_int("RECOS_ANN_NPROBE", 16)
RECOS_ANN_RERANK = env_int("RECOS_ANN_RERANK", 64)
FAQ_TOPK = env_int("FAQ_TOPK", 3)
# Cosine *distance* (1 - cosine similarity) above which a hit is dropped, per language.
DIST_REF_EN = env_float("DIST_REF_EN", 0.75)
# Measured on the seeded catalog (USE multilingual): Arabic queries sit farther from the
# catalog than English ones; nonsense starts at ~0.78 (EN) / ~0.80 (AR).
DIST_REF_AR = env_float("DIST_REF_AR", 0.78)
# FAQ answers need to be closer than products: a wrong answer is worse than "not sure, here
# is a person". Cosine distance of the closest FAQ wording (question or variant); which
# FAQ answers is the kernel ridge's choice (`helpdesk.answers.MIN_SCORE`). Arabic dialect
# sits farther from the wordings than English.
FAQ_DIST_REF_EN = env_float("FAQ_DIST_REF_EN", 0.45)
FAQ_DIST_REF_AR = env_float("FAQ_DIST_REF_AR", 0.5)

# --- Shopify -----------------------------------------------------------------------------
SHOPIFY_STORE_URL = env_str("SHOPIFY_STORE_URL")
SHOPIFY_ACCESS_TOKEN = env_str("SHOPIFY_ACCESS_TOKEN")
SHOPIFY_API_VERSION = env_str("SHOPIFY_API_VERSION", "2025-07")
SHOPIFY_API = env_str("SHOPIFY_API", "rest").lower()
SHOPIFY_REQUEST_TIMEOUT = env_float("SHOPIFY_REQUEST_TIMEOUT", 30.0)
# Webhooks: the app's API secret signs them (X-Shopify-Hmac-Sha256). Empty: every webhook
# is refused with 401 (fail closed).
SHOPIFY_WEBHOOK_SECRET = env_str("SHOPIFY_WEBHOOK_SECRET")
# Stock = the sum of "available" at these location ids; empty: every location.
SHOPIFY_LOCATION_IDS = [int(x) for x in env_list("SHOPIFY_LOCATION_IDS")]
# Create orders placed on WhatsApp in Shopify (needs write_orders). Off unless asked for.
SHOPIFY_PUSH_ORDERS = env_bool("SHOPIFY_PUSH_ORDERS", False)
# Read collections (GraphQL) before each scheduled sync: they map products to categories
# and can drive deals/featured lists.
SHOPIFY_SYNC_COLLECTIONS = env_bool("SHOPIFY_SYNC_COLLECTIONS", True)
# Read Shopify's translations (read_translations scope) into name_ar / description_ar
# after each scheduled sync; this locale is the Arabic one.
SHOPIFY_SYNC_TRANSLATIONS = env_bool("SHOPIFY_SYNC_TRANSLATIONS", True)
SHOPIFY_TRANSLATION_LOCALE = env_str("SHOPIFY_TRANSLATION_LOCALE", "ar")

# --- Logging -----------------------------------------------------------------------------
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
LOG_JSON = env_bool("LOG_JSON", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_phones": {"()": "project_core.log_filters.MaskPhoneNumbersFilter"},
        "context_ids": {"()": "project_core.log_context.ContextIdsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "plain",
            "filters": ["context_ids", "mask_phones"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (console with DEBUG, runserver's request lines) would write
        # before the masking: everything goes through the root handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # DJANGO_LOG_LEVEL, as for every other logger (docs/OPERATIONS.md "Logs"): pinned
        # to INFO, a worker at WARNING still wrote two JSON lines per task (received,
        # succeeded): ~3% of a busy worker's CPU.
        "celery": {"level": LOG_LEVEL},
        # Which CPU build faiss loads, with a traceback per build it skips; warnings show.
        "faiss.loader": {"level": "WARNING"},
    },
}

# --- Metrics -----------------------------------------------------------------------------
# GET /metrics (Prometheus; project_core/metrics.py) answers these addresses or networks
# (REMOTE_ADDR, never X-Forwarded-For), a bearer METRICS_TOKEN (empty: token access off) and
# staff users; everyone else gets 403. PROMETHEUS_MULTIPROC_DIR is read by prometheus_client
# itself (docs/OPERATIONS.md "Metrics").
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = env_str("METRICS_TOKEN")
