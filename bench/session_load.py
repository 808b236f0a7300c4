"""
Time one session load with the database backend and with ``cached_db`` (decision 0413), in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_perf python -m bench.session_load

Needs the database ``bench.profile_pages`` seeded (its learner signs in here) and Redis on 127.0.0.1:6379; it
uses the bench's Redis database 5 under its own key prefix. Prints the median CPU time of this process and
the median wall time of 1,000 loads per backend, three alternating rounds each.
"""

import os
import statistics
import time
from importlib import import_module


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django
    from django.conf import settings

    django.setup()
    settings.CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5",
        "KEY_PREFIX": "session-load",
    }
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="profile@example.org"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    for engine in ["db", "cached_db"] * 3:
        store = import_module(f"django.contrib.sessions.backends.{engine}").SessionStore
        store(key).load()  # fills the cache for cached_db
        cpu, wall = [], []
        for _ in range(1000):
            started_cpu, started = time.process_time(), time.perf_counter()
            store(key).load()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        print(
            f"{engine:10} session load: CPU median {statistics.median(cpu) * 1e6:.0f} µs, "
            f"wall median {statistics.median(wall) * 1e6:.0f} µs",
            flush=True,
        )


if __name__ == "__main__":
    main()
