"""Chambers and training institutes (the tenants) and who belongs to them in which role."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def for_user(self, user: settings.AUTH_USER_MODEL) -> "OrganizationQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organization(models.Model):
    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("Chamber")
        INSTITUTE = "institute", _("Training institute")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INSTITUTE)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    organizer_line = models.CharField(
        _("organizer line"),
        max_length=300,
        blank=True,
        help_text=_("How the organization is named as organizer on certificates."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    default_language = models.CharField(_("default language"), max_length=2, choices=settings.LANGUAGES, default="de")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def certificate_name(self) -> str:
        return self.organizer_line or self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        TUTOR = "tutor", _("Tutor")
        LEARNER = "learner", _("Learner")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEARNER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_per_organization")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"
