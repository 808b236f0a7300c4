"""
Erasure of a person (GDPR Art. 17), the way Haltung keeps records: pseudonymise, never delete the records.

Higher apps hold personal data that accounts cannot reach (certificates print the name). They register a hook
here from their ``AppConfig.ready``; ``accounts.services.erase_account`` runs every hook inside its
transaction before it anonymises the account itself.
"""

from collections.abc import Callable
from typing import Any

ErasureHook = Callable[..., Any]
ERASURE_HOOKS: list[ErasureHook] = []


def register(hook: ErasureHook) -> ErasureHook:
    if hook not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(hook)
    return hook
