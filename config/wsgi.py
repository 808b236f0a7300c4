"""WSGI entry point (gunicorn config.wsgi).

gunicorn runs no system checks, so a production start runs Haltung's own (the operator's legal texts) here
and refuses to serve when one fails.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _refuse_on_failed_checks() -> None:
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    if settings.DEBUG:
        return
    errors = [message for message in checks.run_checks(tags=["haltung"]) if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("Haltung will not start:\n" + "\n".join(str(error) for error in errors))


_refuse_on_failed_checks()
