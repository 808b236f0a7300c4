"""Forms of the organization back office in courses: cohorts, enrolment uploads, accreditations."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from . import cohorts
from .accreditations import REPORTING_CHANNELS
from .i18n import localized
from .models import Accreditation, Cohort, CourseVersion


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CourseVersion) -> str:
        return f"{localized(obj.title)} (v{obj.number})"


class AccreditationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Accreditation) -> str:
        vnr = f" · VNR {obj.vnr}" if obj.vnr else ""
        return f"{obj.body} · {obj.course_version.course.slug} v{obj.course_version.number}{vnr}"


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: object) -> str:
        return f"{obj.name} <{obj.email}>"


class CohortForm(forms.ModelForm):
    course_version = VersionChoiceField(label=_("Course version"), queryset=CourseVersion.objects.none())
    accreditation = AccreditationChoiceField(
        label=_("Accreditation"), queryset=Accreditation.objects.none(), required=False
    )
    tutors = UserChoiceField(label=_("Tutors"), queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Cohort
        fields = ["name", "course_version", "accreditation", "starts_on", "ends_on", "seats", "tutors"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_version"].queryset = cohorts.versions_for(organization)
        self.fields["accreditation"].queryset = cohorts.usable_accreditations(organization)
        self.fields["tutors"].queryset = cohorts.tutor_candidates(organization)

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", forms.ValidationError(_("The end lies before the start."), code="order"))
        return data

    def _post_clean(self) -> None:
        # The service validates the model (with the organization set); skip ModelForm's instance check.
        pass


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: name, email, optionally efn and language (de or en). First row: the column names. "
            "EFN and language are used for new accounts only."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class AccreditationForm(forms.ModelForm):
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
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course_version"].queryset = cohorts.versions_for(organization).filter(
            course__organization=organization
        )
        wording = self.instance.wording if self.instance.pk else {}
        self.fields["wording_de"].initial = wording.get("de", "")
        self.fields["wording_en"].initial = wording.get("en", "")

    def _post_clean(self) -> None:
        # The service validates (VNR check digit, own course, window) and saves; see courses.accreditations.
        pass

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["wording"] = {
            language: text for language in ("de", "en") if (text := self.cleaned_data[f"wording_{language}"].strip())
        }
        return data
