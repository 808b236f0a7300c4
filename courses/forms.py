"""Forms of the organization back office in courses: the accreditation an organization holds (decision 0310)."""

import io
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import BoundedTextMixin
from organizations.models import Organization

from . import accreditations, selectors
from .accreditations import REPORTING_CHANNELS
from .i18n import localized
from .models import Accreditation, CourseVersion

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CourseVersion) -> str:
        owner = "" if obj.course.organization_id else f" · {_('public course')}"
        return f"{localized(obj.title)} (v{obj.number}){owner}"


class AccreditationForm(BoundedTextMixin, forms.ModelForm):
    # Printed on certificates: cleaned like names (no control or invisible characters).
    printed_fields = ("body", "scientific_lead", "scientific_lead_qualification")
    course_version = VersionChoiceField(label=_("Course version"), queryset=CourseVersion.objects.none())
    body_organization = forms.ModelChoiceField(
        label=_("Accrediting chamber"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("A chamber that uses Haltung sees this accreditation's participants in its back office."),
    )
    body = forms.CharField(
        label=_("Accrediting body"),
        max_length=200,
        required=False,
        help_text=_("The name printed on certificates; empty: the chamber's name. Name an outside body here."),
    )
    wording_de = forms.CharField(
        label=_("Accreditation sentence on the certificate (German)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    wording_en = forms.CharField(
        label=_("Accreditation sentence on the certificate (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reporting_channel = forms.ChoiceField(label=_("Reporting channel"), choices=REPORTING_CHANNELS, required=False)
    eiv_password = forms.CharField(
        label=_("EIV password"),
        required=False,
        strip=False,
        # Never rendered back: the field is always empty, whether a password is stored or not.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the stored password. It is stored encrypted and never shown again."),
    )
    scientific_lead_signature = forms.FileField(
        label=_("Signature of the scientific lead"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("A PNG or JPEG image of at most 2 MB, printed on certificates."),
    )

    class Meta:
        model = Accreditation
        fields = [
            "course_version",
            "body_organization",
            "body",
            "vnr",
            "category",
            "unit",
            "points",
            "valid_from",
            "valid_until",
            "pass_mark",
            "max_attempts",
            "cooldown_hours",
            "after_last_attempt",
            "new_round_days",
            "contact_name",
            "contact_email",
            "certificate_validity_months",
            "scientific_lead",
            "scientific_lead_qualification",
            "scientific_lead_signature",
            "reporting_channel",
            "open_for_self_enrolment",
            "key",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "key": _("A short name for this accreditation; empty: made from the organization's address."),
            "vnr": _("19 digits, as in the chamber's notice; spaces are ignored."),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        cast(forms.ModelChoiceField, self.fields["course_version"]).queryset = selectors.versions_for(organization)
        cast(forms.ModelChoiceField, self.fields["body_organization"]).queryset = Organization.objects.filter(
            kind=Organization.Kind.CHAMBER
        )
        self.fields["key"].required = False
        instance = self.instance
        wording = instance.wording if instance.pk else {}
        self.fields["wording_de"].initial = wording.get("de", "")
        self.fields["wording_en"].initial = wording.get("en", "")
        if instance.pk:
            # The version is fixed once recorded: cohorts and certificates point at this accreditation.
            self.fields["course_version"].disabled = True

    def clean_scientific_lead_signature(self) -> Any:
        upload = self.cleaned_data.get("scientific_lead_signature")
        if not upload or not hasattr(upload, "content_type"):
            return upload
        if upload.size > SIGNATURE_MAX_BYTES:
            raise forms.ValidationError(_("The image is larger than 2 MB."), code="signature_size")
        from PIL import Image, UnidentifiedImageError

        content = upload.read()
        upload.seek(0)
        try:
            with Image.open(io.BytesIO(content)) as image:
                kind = image.format
        except UnidentifiedImageError:
            kind = None
        if kind not in ("PNG", "JPEG"):
            raise forms.ValidationError(_("The signature must be a PNG or JPEG image."), code="signature_type")
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        version = data.get("course_version") or (self.instance.course_version if self.instance.pk else None)
        if version is not None:
            # Every problem at once, each at its field; the service checks again before it writes.
            fields = {name: data.get(name) for name in self.Meta.fields if name in data}
            for problem in accreditations.problems(accreditations.normalized(fields), version, self.organization):
                if problem.field not in self.errors:
                    problem.add_to_form(self)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        if self.instance.pk:
            data.pop("course_version", None)
        if data.get("scientific_lead_signature") is None:
            # No new upload: keep the stored image.
            data.pop("scientific_lead_signature", None)
        elif data["scientific_lead_signature"] is False:
            # The "clear" box: print no signature image from now on.
            data["scientific_lead_signature"] = ""
        data["wording"] = {
            language: text for language in ("de", "en") if (text := self.cleaned_data[f"wording_{language}"].strip())
        }
        return data
