"""A production start refuses legal texts that are missing, empty or still the sample (docs/decisions/0900)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .texts import PAGES, problems

TAG = "haltung"


@register(TAG)
def check_legal_texts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG:
        return []
    errors: list[Error] = []
    for page in PAGES:
        for language, _name in settings.LANGUAGES:
            errors.extend(
                Error(
                    f"The {page} text ({language}) is not ready: {problem}.",
                    hint="Write it in HALTUNG_LEGAL_DIR, starting from legal/samples/ "
                    "(python manage.py init_legal_texts copies them); see docs/operations.md.",
                    id="legal.E001",
                )
                for problem in problems(page, language)
            )
    return errors
