from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config.text import BoundedTextMixin

from .models import User
from .validators import normalize_efn, validate_efn


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


class ProfileForm(BoundedTextMixin, EfnFieldMixin, forms.ModelForm):
    printed_fields = ("name",)

    class Meta:
        model = User
        fields = ["name", "efn", "licence_number", "language"]


class EmailAuthenticationForm(BoundedTextMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class SignupForm(BoundedTextMixin, AllauthSignupForm):
    """Registration through django-allauth, with the fields a certificate needs.

    allauth checks the address (an existing one is not revealed: its owner gets an e-mail instead), the
    passwords with our validators and the rate limit; the adapter copies these fields onto the user.
    """

    name = User._meta.get_field("name").formfield(widget=forms.TextInput(attrs={"autocomplete": "name"}))
    efn = forms.CharField(
        label=User._meta.get_field("efn").verbose_name,
        required=False,
        max_length=24,
        help_text=User._meta.get_field("efn").help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    licence_number = User._meta.get_field("licence_number").formfield()
    language = User._meta.get_field("language").formfield()
    field_order = ["name", "email", "efn", "licence_number", "language", "password1", "password2"]
    printed_fields = ("name",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        self.fields["email"].label = _("E-mail address")
        self.order_fields(self.field_order)

    def clean_efn(self) -> str:
        efn = normalize_efn(self.cleaned_data.get("efn", ""))
        if efn:
            validate_efn(efn)
        return efn
