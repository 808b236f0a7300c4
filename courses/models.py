"""
The course catalogue: courses, their immutable versions, modules, steps and accreditations.

A Course has immutable CourseVersions (made by importing a course package); an enrolment (``enrolments``)
pins one version, so a new version never changes what an enrolled learner is doing. Accreditations hang off
a version: the pass policy and the points a chamber grants are data, not constants.
"""

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .i18n import localized


class Principle(models.Model):
    """An ethical or professional principle that vignette options and items are tagged with."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.JSONField(_("name"), default=dict)
    definition = models.JSONField(_("definition"), default=dict)

    class Meta:
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(localized(self.name) or self.slug)


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> "CourseQuerySet":
        return self.filter(versions__status=CourseVersion.Status.PUBLISHED).distinct()

    def visible_to(self, user: Any) -> "CourseQuerySet":
        """Public courses, and organization-only ones for that organization's members and invitees (0706)."""
        return self.filter(visible_to_q(user, prefix=""))


def visible_to_q(user: Any, *, prefix: str) -> Q:
    """The filter behind ``visible_to``, for a query that reaches the course through ``prefix`` ("course__")."""
    public = Q(**{f"{prefix}visibility": Course.Visibility.PUBLIC}) | Q(**{f"{prefix}organization__isnull": True})
    if not getattr(user, "is_authenticated", False):
        return public
    from organizations.models import Invitation, Membership

    member = Membership.objects.filter(organization=models.OuterRef(f"{prefix}organization"), user=user)
    invited = Invitation.objects.open().filter(
        organization=models.OuterRef(f"{prefix}organization"), email__iexact=user.email
    )
    return public | Q(models.Exists(member)) | Q(models.Exists(invited))


class Course(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: in the catalogue for everyone")
        ORGANIZATION = "organization", _("Organization only: members and invitees")

    slug = models.SlugField(_("slug"), unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("owning organization"),
        help_text=_("Empty for courses in the public catalogue."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.ORGANIZATION,
        help_text=_(
            "Organization-only courses are seen and taken only by the owner's members and invitees. A course "
            "without an owning organization is always public."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("courses:course", args=[self.slug])


class CourseVersionQuerySet(models.QuerySet["CourseVersion"]):
    def published(self) -> "CourseVersionQuerySet":
        return self.filter(status=CourseVersion.Status.PUBLISHED)

    def current(self) -> "CourseVersionQuerySet":
        """The newest published version of each course."""
        newest = (
            CourseVersion.objects.published()
            .filter(course=models.OuterRef("course"))
            .order_by("-number")
            .values("pk")[:1]
        )
        return self.published().filter(pk=models.Subquery(newest))

    def for_catalogue(self) -> "CourseVersionQuerySet":
        """What a catalogue card shows, in one query: not the package's JSON, only the number of modules."""
        return (
            self.select_related("course")
            .only("course", "course__slug", "number", "title", "summary", "minutes")
            .annotate(module_count=Count("modules"))
        )

    def with_outline(self) -> "CourseVersionQuerySet":
        return self.select_related("course").prefetch_related(
            Prefetch("modules", queryset=Module.objects.annotate(step_count=Count("steps")))
        )


class CourseVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions", verbose_name=_("course"))
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    content_hash = models.CharField(_("content hash"), max_length=64)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    languages = models.JSONField(_("languages"), default=list)
    scientific_lead = models.CharField(_("scientific lead"), max_length=200, blank=True)
    scientific_lead_qualification = models.JSONField(_("qualification of the scientific lead"), default=dict)
    sequential = models.BooleanField(_("modules unlock in order"), default=True)
    # The completion rule: required steps are always needed; the test and the evaluation can be switched off.
    require_assessment = models.BooleanField(_("final test required"), default=True)
    require_evaluation = models.BooleanField(_("evaluation required"), default=False)
    minutes = models.PositiveIntegerField(_("minutes of content"), default=0)
    references = models.JSONField(_("references"), default=list, blank=True)
    takeaways = models.JSONField(_("take-aways"), default=list, blank=True)
    # The canonical course.yaml and principles.yaml of the imported package, for export.
    manifest = models.JSONField(_("package manifest"), default=dict, blank=True)
    principles = models.JSONField(_("principles of the package"), default=list, blank=True)
    # terminology.yaml of the package: one wording per term and language (decision 0506), for export.
    terminology = models.JSONField(_("terminology of the package"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Retired versions take no new cohorts or self-enrolments; enrolled learners finish them.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = CourseVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("course version")
        verbose_name_plural = _("course versions")
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="courseversion_unique_number"),
            models.UniqueConstraint(fields=["course", "content_hash"], name="courseversion_unique_content"),
        ]

    def __str__(self) -> str:
        return f"{localized(self.title)} (v{self.number})"

    @property
    def units(self) -> int:
        """Full 45-minute units; leftover minutes never count (cpd-rules 1.2)."""
        return self.minutes // 45


# The imported package's JSON on a version: tens of kilobytes, read by the export, the references and
# take-away pages and the principle results. Pages that load a version beside something else leave them to
# be read on first use (``Enrollment.objects.with_version()``); decoding them was a measurable share of every
# learner page (docs/PERFORMANCE.md).
VERSION_PACKAGE_FIELDS = ("manifest", "references", "takeaways", "principles", "terminology")


class AccreditationQuerySet(models.QuerySet["Accreditation"]):
    def held_by(self, organization: Organization) -> "AccreditationQuerySet":
        """The accreditations an organization holds: it records them, runs cohorts under them, reports them."""
        return self.filter(holder=organization)

    def naming(self, chamber: Organization) -> "AccreditationQuerySet":
        """The accreditations whose accrediting chamber is this organization (its read-only back office)."""
        return self.filter(body_organization=chamber)


def _signature_path(instance: "Accreditation", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"accreditations/signatures/{uuid.uuid4().hex}.{extension}"


class Accreditation(models.Model):
    """A course version's accreditation by one body, held by one organization (decision 0310).

    The holder records it, runs cohorts under it and reports its participants; several organizations may
    accredit the same version independently, and none sees another's. A package's own profiles are held by
    the course's owner, or by nobody for a public course (then they serve self-enrolment only).
    """

    class Unit(models.TextChoices):
        FE = "fe", _("CPD points (full 45-minute units)")
        HOUR = "hour", _("CE hours")

    class AfterLastAttempt(models.TextChoices):
        NEW_ROUND = "new_round", _("A new round of attempts after a waiting period")
        GRANT = "grant", _("The organization grants another attempt on request")
        REENROL = "reenrol", _("The learner enrols again in the current course version")

    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="accreditations", verbose_name=_("course version")
    )
    holder = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_accreditations",
        verbose_name=_("held by"),
        help_text=_("The organization that runs and reports the course under this accreditation."),
    )
    key = models.SlugField(_("key"))
    body = models.CharField(_("accrediting body"), max_length=200)
    body_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accreditations",
        limit_choices_to={"kind": "chamber"},
        verbose_name=_("accrediting chamber"),
    )
    category = models.CharField(_("category"), max_length=20, blank=True)
    unit = models.CharField(_("unit of the points"), max_length=10, choices=Unit.choices, default=Unit.FE)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    vnr = models.CharField(_("event number (VNR)"), max_length=19, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"), default=70)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)
    cooldown_hours = models.PositiveSmallIntegerField(_("hours between attempts"), default=0)
    # What a learner may do once every attempt is used (decision 0605): never a dead end.
    after_last_attempt = models.CharField(
        _("after the last failed attempt"),
        max_length=20,
        choices=AfterLastAttempt.choices,
        default=AfterLastAttempt.NEW_ROUND,
    )
    new_round_days = models.PositiveSmallIntegerField(
        _("days until a new round of attempts"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("Only for “a new round of attempts”: counted from the last attempt of the round."),
    )
    contact_name = models.CharField(
        _("contact for learners"),
        max_length=200,
        blank=True,
        help_text=_("Named to a learner who has used every attempt; empty: the holding organization."),
    )
    contact_email = models.EmailField(_("contact e-mail for learners"), blank=True)
    draw = models.PositiveSmallIntegerField(_("items drawn"), default=20)
    blueprint = models.JSONField(_("blueprint"), default=dict, help_text=_("Items per module slug."))
    # Before the final test opens, each module needs this share of its estimated minutes as active time
    # (0 = no minimum; decision 0508).
    min_active_share = models.DecimalField(
        _("minimum active share of each module's time"),
        max_digits=3,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    wording = models.JSONField(_("certificate wording"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_default = models.BooleanField(_("default for self-enrolment"), default=False)
    # The holder's consent that learners enrolling on their own get this accreditation (decision 0706).
    open_for_self_enrolment = models.BooleanField(
        _("open for self-enrolment"),
        default=False,
        help_text=_("Learners who enrol on their own get this accreditation (points and certificate wording)."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: certificates of this accreditation do not expire."),
    )
    reporting_channel = models.CharField(
        _("reporting channel"),
        max_length=20,
        blank=True,
        help_text=_("How points are reported to the chamber, e.g. 'eiv' or 'list'."),
    )
    # The scientific lead signs for the content under this accreditation (printed on its certificates).
    scientific_lead = models.CharField(_("scientific lead"), max_length=200, blank=True)
    scientific_lead_qualification = models.CharField(
        _("qualification of the scientific lead"), max_length=200, blank=True
    )
    scientific_lead_signature = models.FileField(
        _("signature of the scientific lead"),
        upload_to=_signature_path,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("A PNG or JPEG image, printed on certificates."),
    )

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["course_version", "key"]
        constraints = [
            models.UniqueConstraint(fields=["course_version", "key"], name="accreditation_unique_key"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1) & Q(pass_mark__lte=100), name="accreditation_pass_mark_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.points} ({self.category})"

    def credit_text(self) -> str:
        """The credit as the accrediting body counts it: "5 points, category D" or "4 CE hours (homestudy)".

        A CE category is the sponsor's program format, not a chamber's category: it is shown as given, in
        brackets, and never with the German "Fortbildungspunkte" (decision 0617).
        """
        amount = floatformat(self.points, -1)
        if self.unit == self.Unit.HOUR:
            hours = ngettext("%(hours)s CE hour", "%(hours)s CE hours", 1 if self.points == 1 else 2) % {
                "hours": amount
            }
            return f"{hours} ({self.category})" if self.category else hours
        if self.category:
            return gettext("%(points)s points, category %(category)s") % {"points": amount, "category": self.category}
        return gettext("%(points)s points") % {"points": amount}


class Module(models.Model):
    version = models.ForeignKey(
        CourseVersion, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course version")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"))
    title = models.JSONField(_("title"), default=dict)
    objectives = models.JSONField(_("learning objectives"), default=dict)
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=45)
    # Formative items (module checks and items embedded in vignettes), as written in the package.
    items = models.JSONField(_("formative items"), default=list, blank=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="module_unique_position"),
            models.UniqueConstraint(fields=["version", "slug"], name="module_unique_slug"),
        ]

    def __str__(self) -> str:
        return str(localized(self.title))


class Step(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        MEDIA = "media", _("Media")
        VIGNETTE = "vignette", _("Case vignette")
        REFLECTION = "reflection", _("Reflection")
        CHECK = "check", _("Module check")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="steps", verbose_name=_("module"))
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.JSONField(_("title"), default=dict)
    required = models.BooleanField(_("required for completion"), default=True)
    # The kind-specific content as imported: Markdown body, vignette graph, prompt or check items.
    data = models.JSONField(_("content"), default=dict)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="step_unique_position"),
            models.UniqueConstraint(fields=["module", "slug"], name="step_unique_slug"),
        ]

    def __str__(self) -> str:
        return str(localized(self.title) or self.slug)

    def formative_items(self) -> dict[str, dict[str, Any]]:
        """The module's formative items by id (the module is usually select_related with the step)."""
        return {item["id"]: item for item in self.module.items}


class AccreditationSecret(models.Model):
    """The EIV password of an accreditation, encrypted (Fernet); it is never shown again after entry."""

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.CASCADE, related_name="secret", verbose_name=_("accreditation")
    )
    eiv_password = models.TextField(_("EIV password (encrypted)"))
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("set by")
    )

    class Meta:
        verbose_name = _("EIV password")
        verbose_name_plural = _("EIV passwords")

    def __str__(self) -> str:
        return f"{self.accreditation_id}: ••••••"
