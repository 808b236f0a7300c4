"""Writes to accounts: registration, profile changes, erasure and data exports."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from config.tasks import enqueue_on_commit
from config.text import clean_printed

from .data_export import build_archive
from .erasure import ERASURE_HOOKS
from .models import DataExport, User
from .validators import validate_email_address

logger = logging.getLogger(__name__)


@transaction.atomic
def register_user(
    *,
    email: str,
    name: str,
    password: str,
    efn: str = "",
    licence_number: str = "",
    language: str = User.Language.GERMAN,
) -> User:
    user = User(
        email=email.strip().lower(),
        name=clean_printed(name),
        efn=efn,
        licence_number=licence_number,
        language=language,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def confirm_email(user: User, *, request: HttpRequest | None = None) -> None:
    """The person proved they read mail at the account's address (an e-mailed link); lift a log-in lockout."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    if request is not None:
        get_adapter()._delete_login_attempts_cached_email(request, email=user.email)


def email_verified(user: User) -> bool:
    """Whether the account's address has been confirmed by its owner."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


@dataclass(frozen=True)
class NewAccount:
    email: str
    name: str
    efn: str = ""
    language: str = User.Language.GERMAN


def create_accounts(accounts: list[NewAccount], *, batch_size: int = 1000) -> list[User]:
    """Create many accounts at once (bulk enrolment), with unusable passwords.

    The people set their own password through the welcome e-mail's reset link. Callers validate the rows
    first (e-mail format, EFN check digit) and run this inside their transaction; an address that does not
    fit the column still raises ``ValidationError`` here, before anything is written.
    """
    for account in accounts:
        validate_email_address(account.email.strip())
    users = [
        User(
            email=account.email.strip().lower(),
            name=clean_printed(account.name),
            efn=account.efn,
            language=account.language,
            password=make_password(None),
        )
        for account in accounts
    ]
    return User.objects.bulk_create(users, batch_size=batch_size)


@transaction.atomic(durable=True)
def erase_account(user: User, *, by: Any) -> User:
    """Pseudonymise the person everywhere and close the account; enrolments and certificates stay as records."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for hook in ERASURE_HOOKS:
        hook(user, by=by)
    # The sign-in records keep what happened, not who from where; addresses and authenticators go.
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from .models import SignInEvent

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SignInEvent.objects.filter(user=user).update(ip="", user_agent="", detail={})
    user.name = "—"
    user.email = f"erased-{user.pk}@invalid.example"
    user.efn = ""
    user.licence_number = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["name", "email", "efn", "licence_number", "is_active", "password"])
    return user


# Data export (GDPR Art. 15 and 20; docs/decisions/0901) -----------------------------------------------------


# Longer than the build task's hard time limit plus a queue wait: an export still pending then is lost.
STALE_EXPORT = timedelta(minutes=30)


@transaction.atomic(durable=True)
def request_data_export(user: User, *, by: Any) -> DataExport:
    """Queue a data export, or return the one already queued or being built."""
    User.objects.select_for_update().get(pk=user.pk)  # two clicks at once queue one export
    pending = DataExport.objects.for_user(user).filter(status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING])
    export = pending.first()
    if export is not None and export.requested_at > timezone.now() - STALE_EXPORT:
        return export
    if export is not None:
        # A worker died while building it: give up on that one so the person can ask again.
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED, error="timed out")
    export = DataExport.objects.create(user=user)
    logger.info("Data export %s requested", export.pk, extra={"event": "data_export", "export_id": export.pk})
    enqueue_on_commit(build_data_export_task, export.pk)
    return export


def build_data_export(export_id: int) -> bool:
    """Build and store the ZIP once; False when the export is not waiting (already built, or taken)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update(of=("self",)).select_related("user").get(pk=export_id)
        if export.status != DataExport.Status.QUEUED:
            return False
        export.status = DataExport.Status.RUNNING
        export.save(update_fields=["status"])
    try:
        content = build_archive(export.user)
    except Exception as error:
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, error=type(error).__name__, finished_at=timezone.now()
        )
        logger.exception("Data export %s failed", export_id, extra={"event": "data_export", "export_id": export_id})
        raise
    now = timezone.now()
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export_id)
        export.file.save("export.zip", ContentFile(content), save=False)
        export.size = len(content)
        export.status = DataExport.Status.READY
        export.finished_at = now
        export.expires_at = now + timedelta(hours=settings.HALTUNG_DATA_EXPORT_HOURS)
        export.save(update_fields=["file", "size", "status", "finished_at", "expires_at"])
    logger.info(
        "Data export %s ready (%s bytes)",
        export_id,
        len(content),
        extra={"event": "data_export", "export_id": export_id, "user_id": export.user_id, "bytes": len(content)},
    )
    return True


@shared_task(soft_time_limit=300, time_limit=360, acks_late=True)
def build_data_export_task(export_id: int) -> str:
    return "ready" if build_data_export(export_id) else "not waiting"


def record_data_export_download(export: DataExport) -> None:
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    logger.info("Data export %s downloaded", export.pk, extra={"event": "data_export", "export_id": export.pk})


def expire_data_exports(now: Any = None) -> int:
    """Delete the files of exports past their download period; the rows stay as the record of the request."""
    expired = 0
    for export in DataExport.objects.expired(now).only("pk", "file"):
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, file="")
        expired += 1
    if expired:
        logger.info("%s data exports expired", expired, extra={"event": "data_export", "expired": expired})
    return expired


@shared_task(soft_time_limit=120, time_limit=180)
def expire_data_exports_task() -> int:
    return expire_data_exports()
