"""Forms of the organization back office. They validate input; services write."""

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.text import BoundedTextMixin

from .logos import normalise_logo
from .models import Membership, Organization, ReportRun
from .reports import available_reports


class OrganizationSettingsForm(BoundedTextMixin, forms.ModelForm):
    printed_fields = ("name", "organizer_line")

    class Meta:
        model = Organization
        fields = ["name", "organizer_line", "postal_address", "logo", "contact_email", "default_language"]
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3})}

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            # Checked by content and stored re-encoded; the uploaded bytes themselves are never kept.
            return normalise_logo(logo)
        return logo


class InviteForm(BoundedTextMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.LEARNER)


class RoleForm(BoundedTextMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AcceptRegistrationForm(BoundedTextMixin, forms.Form):
    """A new account for an invited address: the address is the invitation's and is not asked again."""

    printed_fields = ("name",)

    name = forms.CharField(
        label=_("Name as printed on certificates"),
        max_length=200,
        help_text=_("Your full name exactly as it should appear on your certificates."),
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="mismatch"))
        elif first:
            try:
                password_validation.validate_password(first, User(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


def _report_choices() -> list[tuple[str, str | Promise]]:
    return [(definition.key, definition.label) for definition in available_reports()]


class ExportForm(BoundedTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    format = forms.ChoiceField(label=_("Format"), choices=ReportRun.Format.choices, initial=ReportRun.Format.CSV)
    scope = forms.ChoiceField(label=_("Limit to"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = _report_choices()
        scopes: list[tuple[str, str | Promise]] = [("", _("Everything"))]
        seen = set()
        for definition in available_reports():
            # Reports that share a scope function (e.g. "cohort") share one query and one set of choices.
            if definition.scope_choices and definition.scope_choices not in seen:
                seen.add(definition.scope_choices)
                scopes += [
                    (value, f"{definition.scope_label}: {label}")
                    for value, label in definition.scope_choices(organization)
                ]
        # Scopes of all reports share one list; the service refuses a scope the chosen report does not offer.
        cast(forms.ChoiceField, self.fields["scope"]).choices = list(dict.fromkeys(scopes))


class ScheduleForm(BoundedTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    format = forms.ChoiceField(label=_("Format"), choices=ReportRun.Format.choices, initial=ReportRun.Format.CSV)
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = _report_choices()
