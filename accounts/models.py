"""The learner's account: e-mail login, the name printed on certificates, EFN and licence number; their data exports."""

import uuid
from typing import Any

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_efn


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("e-mail address"), unique=True)
    # One field, not first/last: name patterns around the world do not split that way, and this is
    # exactly what a certificate prints.
    name = models.CharField(
        _("name as printed on certificates"),
        max_length=200,
        help_text=_("Your full name exactly as it should appear on your certificates."),
    )
    efn = models.CharField(
        _("EFN"),
        max_length=15,
        blank=True,
        validators=[validate_efn],
        help_text=_("Optional: your 15-digit uniform CPD number (Einheitliche Fortbildungsnummer)."),
    )
    licence_number = models.CharField(
        _("licence number"),
        max_length=50,
        blank=True,
        help_text=_("Optional: your licence or registration number, printed on certificates."),
    )
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        # One account per address whatever its case: mail servers treat the local part case-insensitively
        # in practice, and bulk enrolment matches addresses that way.
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case")]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class OutgoingMail(models.Model):
    """One e-mail, rendered once and sent at most once (decision 0010).

    ``key`` names what the mail is about (``certificate-issued:42``); a second request with the same key is
    not queued again, and a retried or redelivered task finds the row sent (or being sent) and does nothing.
    The text is personal data (and may hold a set-password link): it is cleared once the mail has gone.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


def _export_path(instance: "DataExport", filename: str) -> str:
    # A random name: the file is only ever served through the owner's view, never by URL.
    return f"data-exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class DataExportQuerySet(models.QuerySet["DataExport"]):
    def for_user(self, user: Any) -> "DataExportQuerySet":
        return self.filter(user=user)

    def expired(self, now: Any = None) -> "DataExportQuerySet":
        return self.filter(status=DataExport.Status.READY, expires_at__lte=now or timezone.now())


class DataExport(models.Model):
    """One requested copy of a person's data: built by a task, kept for a limited time, then deleted."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted after the download period")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("user"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=_export_path, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("last downloaded at"), null=True, blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # At most one export in the making per person: asking twice gets the same one.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status__in=["queued", "running"]), name="dataexport_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.requested_at:%Y-%m-%d %H:%M} {self.status}"

    def available(self, now: Any = None) -> bool:
        if self.status != self.Status.READY or not self.file or self.expires_at is None:
            return False
        return self.expires_at > (now or timezone.now())


class SignInEvent(models.Model):
    """One event of an account's sign-in security: log-ins, failures, lockouts, second-factor changes."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Wrong password")
        LOCKED_OUT = "locked_out", _("Log-in refused: too many failed attempts")
        LOGOUT = "logout", _("Logged out")
        IDLE_TIMEOUT = "idle_timeout", _("Logged out after inactivity")
        SECOND_FACTOR_ADDED = "2fa_added", _("Second factor set up")
        SECOND_FACTOR_REMOVED = "2fa_removed", _("Second factor removed")
        RECOVERY_CODES_RESET = "2fa_codes_reset", _("New recovery codes")
        SECOND_FACTOR_USED = "2fa_used", _("Second factor confirmed")
        REAUTHENTICATED = "reauthenticated", _("Password or code confirmed again")
        PASSWORD_RESET = "password_reset", _("Password set by e-mail link")
        EMAIL_CONFIRMED = "email_confirmed", _("E-mail address confirmed")

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sign_in_events",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    ip = models.CharField(_("client address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="signinevent_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.user_id or '-'}"
