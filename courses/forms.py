"""Forms of the organization back office in courses: accreditations."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import BoundedTextMixin
from organizations.models import Organization

from . import selectors
from .accreditations import REPORTING_CHANNELS
from .i18n import localized
from .models import Accreditation, CourseVersion


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CourseVersion) -> str:
        return f"{localized(obj.title)} (v{obj.number})"


class AccreditationForm(BoundedTextMixin, forms.ModelForm):
    course_version = VersionChoiceField(label=_("Course version"), queryset=CourseVersion.objects.none())
    wording_de = forms.CharField(
        label=_("Certificate wording (German)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    wording_en = forms.CharField(
        label=_("Certificate wording (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
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

    class Meta:
        model = Accreditation
        fields = [
            "course_version",
            "key",
            "body",
            "category",
            "points",
            "vnr",
            "valid_from",
            "valid_until",
            "pass_mark",
            "max_attempts",
            "cooldown_hours",
            "reporting_channel",
            "open_for_self_enrolment",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = cast(forms.ModelChoiceField, self.fields["course_version"])
        versions.queryset = selectors.versions_for(organization).filter(course__organization=organization)
        wording = self.instance.wording if self.instance.pk else {}
        self.fields["wording_de"].initial = wording.get("de", "")
        self.fields["wording_en"].initial = wording.get("en", "")

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["wording"] = {
            language: text for language in ("de", "en") if (text := self.cleaned_data[f"wording_{language}"].strip())
        }
        return data
