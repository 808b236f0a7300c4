"""Test settings: fast hashing, in-memory mail, eager Celery, a throwaway media directory."""

import os
import tempfile

# Tests use the development configuration (no TLS redirect, plain static storage); the test runner
# itself switches DEBUG off while tests run.
os.environ["DJANGO_DEBUG"] = "true"

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(os.environ.get("HALTUNG_MEDIA_ROOT") or tempfile.mkdtemp(prefix="haltung-media-"))  # noqa: F405
# Tests run tasks in-process; the service lane switches this off around a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "fragments": FRAGMENT_CACHE}  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Filled-in legal texts, as an operator sets them (the samples under legal/samples/ have placeholders).
HALTUNG_LEGAL_DIR = BASE_DIR / "tests" / "fixtures" / "legal"  # noqa: F405
