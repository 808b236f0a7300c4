"""Forms of the organization back office in enrolments: cohorts and enrolment uploads."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.text import BoundedTextMixin
from courses import selectors
from courses.forms import VersionChoiceField
from courses.models import Accreditation, CourseVersion
from organizations.models import Organization

from .models import Cohort
from .services import cohorts


class AccreditationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Accreditation) -> str:
        vnr = f" · VNR {obj.vnr}" if obj.vnr else ""
        return f"{obj.body} · {obj.course_version.course.slug} v{obj.course_version.number}{vnr}"


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} <{obj.email}>"


class CohortForm(BoundedTextMixin, forms.ModelForm):
    course_version = VersionChoiceField(label=_("Course version"), queryset=CourseVersion.objects.none())
    accreditation = AccreditationChoiceField(
        label=_("Accreditation"),
        queryset=Accreditation.objects.none(),
        required=False,
        help_text=_(
            "Your organization's own accreditation of this course version: its VNR and points go on the "
            "certificates. Record it under Accreditations first; empty: no CPD points."
        ),
    )
    tutors = UserChoiceField(label=_("Tutors"), queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Cohort
        fields = ["name", "course_version", "accreditation", "starts_on", "ends_on", "seats", "tutors"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions, accreditations, tutors = (
            cast(forms.ModelChoiceField, self.fields[name]) for name in ("course_version", "accreditation", "tutors")
        )
        version_choices = selectors.versions_for(organization)
        usable = selectors.usable_accreditations(organization)
        if self.instance.pk:
            # A cohort keeps its version and accreditation after the version is retired from new cohorts.
            version_choices = version_choices | CourseVersion.objects.filter(pk=self.instance.course_version_id)
            usable = usable | selectors.accreditations_for(organization).filter(pk=self.instance.accreditation_id)
        versions.queryset = version_choices
        accreditations.queryset = usable
        tutors.queryset = cohorts.tutor_candidates(organization)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", forms.ValidationError(_("The end lies before the start."), code="order"))
        return data


class UploadForm(BoundedTextMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: name, email, optionally efn and language (de or en). First row: the column names. "
            "EFN and language are used for new accounts only."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
