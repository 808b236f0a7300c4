"""Forms of the operator's staff back office: a new organization with its first admin, another admin invite."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Organization


class NewOrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"), max_length=50, help_text=_("Lower-case letters, digits and hyphens: /org/<address>/.")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Organization.Kind.INSTITUTE, _("Training institute")), (Organization.Kind.CHAMBER, _("Chamber"))],
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    first_admin_email = forms.EmailField(
        label=_("E-mail of the first administrator"),
        help_text=_("Receives an invitation; after accepting, they invite everyone else."),
    )


class AdminInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
