from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import User
from .validators import normalize_efn


class EfnFieldMixin:
    """People type EFNs with spaces or dashes; allow those in the input and store the digits."""

    # Provided by the form class this is mixed into.
    fields: dict[str, Any]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["efn"]
        field.max_length = 24
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.widget.attrs["maxlength"] = "24"

    def clean_efn(self) -> str:
        # Store the digits only; the model validator then checks length and check digit.
        return normalize_efn(self.cleaned_data.get("efn", ""))


class RegistrationForm(EfnFieldMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["name", "email", "efn", "licence_number", "language"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "efn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address exists already. Log in or reset your password."),
                code="email_taken",
            )
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="mismatch"))
        if p2:
            # The validators compare the password with the person's name and address (similarity check).
            candidate = User(email=cleaned.get("email") or "", name=cleaned.get("name") or "")
            try:
                password_validation.validate_password(p2, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(EfnFieldMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "efn", "licence_number", "language"]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()
