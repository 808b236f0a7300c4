"""Localized content: course text is stored as ``{"de": ..., "en": ...}`` mappings."""

from typing import Any

from django.conf import settings
from django.utils import translation


def localized(value: Any, language: str | None = None) -> Any:
    """Pick the active (or given) language from a localized mapping, falling back to the source language."""
    if not isinstance(value, dict):
        return value
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if value.get(language):
        return value[language]
    for code, _name in settings.LANGUAGES:
        if value.get(code):
            return value[code]
    return ""
