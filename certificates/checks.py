"""System checks: the key that signs must be the key the web processes publish (docs/decisions/0110)."""

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def credential_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .credentials.keys import configuration_problems

    try:
        problems = configuration_problems()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="certificates.E001")]
    return [
        checks.Error(problem, hint="Credentials signed with it would not verify.", id="certificates.E002")
        for problem in problems
    ]
